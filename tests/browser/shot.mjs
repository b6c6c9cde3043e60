// tests/browser/shot.mjs — screenshots of pages of a running lotse, for a
// look by eye (not a test): node tests/browser/shot.mjs URL USER PASSWORD PATH...
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '..', '..', 'package.json'));
const { chromium } = require('playwright-core');
const [url, user, password, ...paths] = process.argv.slice(2);
const out = process.env.LOTSE_SHOTS || '/tmp/lotse-shots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
await page.goto(`${url}/login`);
await page.fill('#username', user);
await page.fill('#password', password);
await page.click('button[type=submit]');
for (const [i, p] of paths.entries()) {
    await page.goto(`${url}${p}`);
    const file = path.join(out, `${i}-${p.replace(/[^a-z0-9]+/gi, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true });
    console.log(file);
}
await browser.close();
