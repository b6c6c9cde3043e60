// tests/browser/harness.mjs — runs a real lotse with demo data for the browser
// tests, drives Debian's chromium through playwright-core and checks pages
// with axe-core.
//
//   LOTSE_BIN   the lotse binary (default: <repo>/build/src/lotse)
//   LOTSE_SHOTS where screenshots go (default: /tmp/lotse-shots)
//
// ESM imports ignore NODE_PATH, so playwright-core and axe-core are resolved
// from the repository's node_modules with createRequire.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..');
const require = createRequire(path.join(repoRoot, 'package.json'));
const { chromium } = require('playwright-core');
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const PASSWORD = 'Browser-Pass-1!';
export const shotsDir = process.env.LOTSE_SHOTS || '/tmp/lotse-shots';
const lotseBin = process.env.LOTSE_BIN || path.join(repoRoot, 'build', 'src', 'lotse');

// lotse reads LOTSE_<SECTION>_<KEY> as configuration and refuses unknown
// names, so the harness's own variables are not passed on.
function lotseEnv() {
    const env = { ...process.env };
    delete env.LOTSE_BIN;
    delete env.LOTSE_SHOTS;
    return env;
}

/* ---- the server ---- */

// Start `lotse serve` on a free port over a fresh demo database. Returns
// { url, stop } where stop() sends SIGTERM, waits, removes the temp dir and
// returns the exit code.
export async function startLotse() {
    const dir = mkdtempSync(path.join(tmpdir(), 'lotse-browser-'));
    const db = `sqlite:${path.join(dir, 't.db')}`;
    const env = lotseEnv();
    await promisify(execFile)(lotseBin, ['demo', '--db', db, '--password', PASSWORD], { env });
    const child = spawn(lotseBin, ['serve', '--db', db, '--listen', '127.0.0.1:0'],
                        { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += d; });
    const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
    const url = await new Promise((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`lotse serve did not start:\n${stderr}`)), 15000);
        child.stdout.on('data', (d) => {
            out += d;
            const m = /lotse listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
            if (m) {
                clearTimeout(timer);
                resolve(m[1]);
            }
        });
        exited.then(({ code, signal }) => {
            clearTimeout(timer);
            reject(new Error(`lotse serve exited (${code ?? signal}) before listening:\n${stderr}`));
        });
    });
    child.stdout.resume();
    return {
        url,
        async stop() {
            child.kill('SIGTERM');
            const { code, signal } = await exited;
            rmSync(dir, { recursive: true, force: true });
            if (code !== 0)
                process.stderr.write(`lotse serve stderr:\n${stderr}\n`);
            return code ?? signal;
        },
    };
}

/* ---- the browser ---- */

export async function launchBrowser() {
    return chromium.launch({
        executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
        headless: true,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
               '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
}

// A fresh context (own cookies) with a German browser; CSP stays enforced.
// Every page records Content-Security-Policy violations in page.cspErrors.
export async function newPage(browser, baseURL, options = {}) {
    const context = await browser.newContext({ baseURL, locale: 'de-DE',
                                               viewport: { width: 1280, height: 900 }, ...options });
    const page = await context.newPage();
    page.cspErrors = [];
    page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text()))
            page.cspErrors.push(msg.text());
    });
    return page;
}

export async function signIn(page, username) {
    await page.goto('/login');
    await page.getByLabel('Benutzername').fill(username);
    await page.getByLabel('Passwort').fill(PASSWORD);
    await Promise.all([page.waitForURL((u) => u.pathname === '/'),
                       page.getByRole('button', { name: 'Anmelden' }).click()]);
}

/* ---- checks ---- */

// axe-core with the WCAG 2.1 A and AA rules. axe is evaluated through the
// DevTools protocol, which the page's CSP does not govern, so the page is
// checked exactly as users get it (no CSP bypass needed).
export async function axe(page) {
    if (!(await page.evaluate(() => typeof window.axe === 'object')))
        await page.evaluate(axeSource);
    return page.evaluate(async () => {
        const r = await window.axe.run(document, {
            runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
        });
        return r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary}`),
        }));
    });
}

export async function screenshot(page, name) {
    mkdirSync(shotsDir, { recursive: true });
    await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

// Screenshot, then fail on any axe violation or CSP violation of this page.
export async function audit(page, name) {
    await screenshot(page, name);
    const violations = await axe(page);
    const report = violations.map((v) => `  [${v.impact}] ${v.id}: ${v.help}\n` +
                                         v.nodes.map((n) => `    ${n}`).join('\n')).join('\n');
    assert.equal(violations.length, 0, `axe found violations on ${name} (${page.url()}):\n${report}`);
    assert.deepEqual(page.cspErrors, [], `CSP violations on ${name}`);
}
