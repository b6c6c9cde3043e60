// tests/browser/journeys.test.mjs — the daily journeys in a real browser:
// intake, worklist, case page, access refused, keyboard-only sign-in, form
// errors, language switch; axe-core (WCAG 2.1 AA) on every page visited.
// Run: node --test tests/browser/journeys.test.mjs (LOTSE_BIN=path/to/lotse)
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';

import { audit, launchBrowser, newPage, screenshot, signIn, startLotse } from './harness.mjs';

let lotse, browser;
// what journey (a) created, for (b)
const client = {
    number: `123A${String(randomInt(0, 1000000)).padStart(6, '0')}`,
    first: 'Erika',
    last: 'Mustermann',
};
let caseUrl = null;

before(async () => {
    lotse = await startLotse();
    browser = await launchBrowser();
});

after(async () => {
    await browser?.close();
    if (lotse) {
        const code = await lotse.stop();
        assert.equal(code, 0, 'lotse serve exits with 0 on SIGTERM');
    }
});

test('(a) fm1 takes in a client, finds the case in "Meine Fälle" and opens it', async () => {
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm1');
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Meine Fälle' }).waitFor());
    await audit(page, 'home');

    await page.getByRole('link', { name: 'Neue Klientin/neuer Klient' }).first().click();
    await page.waitForURL('**/intake');
    assert.match(await page.title(), /^Klientin\/Klient und Fall anlegen – lotse$/);
    // the referral date defaults to today, the source to self-referral for a case manager
    assert.match(await page.getByLabel('Datum des Vorschlags').inputValue(), /^\d\d\.\d\d\.\d{4}$/);
    assert.equal(await page.getByLabel('Fallmanagement selbst (Eigenzugang)').isChecked(), true);
    await audit(page, 'intake');

    await page.getByLabel('Kundennummer').fill(client.number);
    await page.getByLabel('Vorname').fill(client.first);
    await page.getByLabel('Nachname').fill(client.last);
    await page.getByLabel('Geburtsdatum').fill('14.03.1985');
    await page.getByLabel('Straße und Hausnummer').fill('Lindenstraße 5');
    await page.getByLabel('Postleitzahl').fill('12043');
    await page.getByLabel('Ort').fill('Musterstadt');
    await page.getByLabel('Telefon').fill('0151 2345678');
    await page.getByLabel('Arbeitsvermittlung').check();
    await page.getByLabel('Grund des Vorschlags').fill('Mehrere Handlungsbedarfe: Gesundheit und Kinderbetreuung');
    await Promise.all([page.waitForURL(/\/cases\/cs_[A-Za-z0-9_-]+$/),
                       page.getByRole('button', { name: 'Klientin/Klient und Fall anlegen' }).click()]);
    caseUrl = new URL(page.url()).pathname;

    const h1 = page.getByRole('heading', { level: 1 });
    assert.equal((await h1.textContent()).trim(), `${client.first} ${client.last}`);
    const main = await page.locator('main').innerText();
    assert.match(main, new RegExp(client.number));
    assert.match(main, /vorgeschlagen/);
    assert.match(main, /Ihr Zugriff auf diese Seite wird protokolliert\./);
    assert.match(main, /Arbeitsvermittlung/);
    await assert.doesNotReject(page.getByRole('button', { name: 'Fall aktivieren' }).waitFor());
    await audit(page, 'case');

    // back to the worklist: the new case is there (pages are followed if needed)
    await page.getByRole('navigation', { name: 'Hauptnavigation' })
              .getByRole('link', { name: 'Meine Fälle' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    let row = page.getByRole('row').filter({ hasText: client.number });
    for (let i = 0; i < 10 && (await row.count()) === 0; i++) {
        const next = page.getByRole('link', { name: 'Nächste Seite' });
        assert.ok(await next.count(), `case ${client.number} not in the worklist`);
        await Promise.all([page.waitForURL(/cursor=/), next.click()]);
        row = page.getByRole('row').filter({ hasText: client.number });
    }
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), new RegExp(`${client.last}, ${client.first}`));
    assert.match(await row.innerText(), /vorgeschlagen/);
    await row.getByRole('link', { name: new RegExp(`Öffnen: ${client.first} ${client.last}`) }).click();
    await page.waitForURL(`**${caseUrl}`);
    assert.equal((await h1.textContent()).trim(), `${client.first} ${client.last}`);
    await page.context().close();
});

test('(b) fm2 may not open fm1\'s case: a 403 page without the client\'s name', async () => {
    assert.ok(caseUrl, 'journey (a) created a case');
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm2');
    const response = await page.goto(caseUrl);
    assert.equal(response.status(), 403);
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Kein Zugriff');
    const body = await page.locator('body').innerText();
    assert.match(body, /Sie dürfen diesen Fall nicht öffnen\./);
    assert.doesNotMatch(body, new RegExp(`${client.last}|${client.number}`));
    assert.doesNotMatch(await page.content(), new RegExp(`${client.last}|${client.number}`));
    await audit(page, 'error-403');
    await page.context().close();
});

// The element that has focus must show it: an outline (or box shadow) that is not none.
async function focusIsVisible(page) {
    return page.evaluate(() => {
        const el = document.activeElement;
        const s = getComputedStyle(el);
        const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
        return { id: el.id, tag: el.tagName, visible: outline || s.boxShadow !== 'none' };
    });
}

test('(c) signing in works by keyboard alone, and focus is always visible', async () => {
    const page = await newPage(browser, lotse.url);
    await page.goto('/login');
    // the first Tab reaches the skip link, which then becomes visible
    await page.keyboard.press('Tab');
    const skip = page.getByRole('link', { name: 'Zum Inhalt springen' });
    assert.equal(await skip.evaluate((el) => el === document.activeElement), true);
    assert.equal((await focusIsVisible(page)).visible, true, 'skip link shows focus');
    const box = await skip.boundingBox();
    assert.ok(box && box.y >= 0 && box.height > 0, 'skip link is on screen when focused');
    await screenshot(page, 'login-skip-link');

    let focus;
    for (let i = 0; i < 10; i++) {
        await page.keyboard.press('Tab');
        focus = await focusIsVisible(page);
        assert.equal(focus.visible, true, `focus is visible on ${focus.tag}#${focus.id}`);
        if (focus.id === 'username')
            break;
    }
    assert.equal(focus.id, 'username', 'Tab reaches the user name');
    await page.keyboard.type('fm1');
    await page.keyboard.press('Tab');
    focus = await focusIsVisible(page);
    assert.deepEqual([focus.id, focus.visible], ['password', true]);
    await page.keyboard.type('Browser-Pass-1!');
    await page.keyboard.press('Tab');
    focus = await focusIsVisible(page);
    assert.deepEqual([focus.tag, focus.visible], ['BUTTON', true]);
    await screenshot(page, 'login-focus-button');
    await page.keyboard.press('Shift+Tab');
    await Promise.all([page.waitForURL((u) => u.pathname === '/'), page.keyboard.press('Enter')]);
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Meine Fälle');
    await page.context().close();
});

test('(d) intake with errors: summary with links, messages at the fields, input kept', async () => {
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm1');
    await page.goto('/intake');
    await page.getByLabel('Vorname').fill('Erika');
    await page.getByLabel('Geburtsdatum').fill('31.02.1990');
    await page.getByLabel('Datum des Vorschlags').fill('');
    await page.getByLabel('Grund des Vorschlags').fill('Schulden und Wohnungsprobleme');
    const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/intake') && r.request().method() === 'POST'),
        page.getByRole('button', { name: 'Klientin/Klient und Fall anlegen' }).click(),
    ]);
    assert.equal(response.status(), 422);
    await page.waitForLoadState();
    assert.match(await page.title(), /^Fehler: Klientin\/Klient und Fall anlegen – lotse$/);

    const summary = page.getByRole('alert');
    assert.match(await summary.innerText(), /Bitte korrigieren Sie:/);
    assert.equal(await summary.evaluate((el) => el === document.activeElement), true,
                 'focus is on the error summary');
    const links = await summary.getByRole('link').evaluateAll(
        (as) => as.map((a) => [a.getAttribute('href'), a.textContent]));
    const hrefs = links.map(([h]) => h);
    for (const want of ['#customer_number', '#last_name', '#birth_date', '#address_street',
                        '#address_postcode', '#address_city', '#referral_date'])
        assert.ok(hrefs.includes(want), `summary links to ${want}: ${hrefs}`);
    assert.ok(!hrefs.includes('#first_name') && !hrefs.includes('#referral_reason'));
    for (const href of hrefs)
        assert.equal(await page.locator(href).count(), 1, `${href} exists`);
    assert.ok(links.some(([h, t]) => h === '#address_street' && /^Straße und Hausnummer: /.test(t)),
              'summary names the field');

    // the message again beside the field, tied to it
    const birth = page.locator('#birth_date');
    assert.equal(await birth.getAttribute('aria-invalid'), 'true');
    assert.match(await birth.getAttribute('aria-describedby'), /birth_date-hint birth_date-error/);
    assert.match(await page.locator('#birth_date-error').innerText(), /TT\.MM\.JJJJ/);
    assert.match(await page.locator('#customer_number-error').innerText(), /Angabe/);
    assert.equal(await page.locator('#first_name').getAttribute('aria-invalid'), 'false');
    // the input is kept
    assert.equal(await page.locator('#first_name').inputValue(), 'Erika');
    assert.equal(await birth.inputValue(), '31.02.1990');
    assert.equal(await page.locator('#referral_reason').inputValue(), 'Schulden und Wohnungsprobleme');
    assert.equal(await page.getByLabel('Fallmanagement selbst (Eigenzugang)').isChecked(), true);
    await audit(page, 'intake-errors');

    // a summary link takes the focus to its field
    await summary.getByRole('link', { name: /^Straße und Hausnummer/ }).click();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'address_street');
    await page.context().close();
});

test('(e) axe finds nothing on the sign-in page, a failed sign-in and the not-found page', async () => {
    const page = await newPage(browser, lotse.url);
    await page.goto('/login');
    await audit(page, 'login');
    await page.getByLabel('Benutzername').fill('fm1');
    await page.getByLabel('Passwort').fill('not the password');
    await page.getByRole('button', { name: 'Anmelden' }).click();
    await page.waitForLoadState();
    assert.match(await page.getByRole('alert').innerText(), /Benutzername oder Passwort ist falsch\./);
    assert.equal(await page.getByLabel('Benutzername').inputValue(), 'fm1');
    await audit(page, 'login-failed');

    await signIn(page, 'fm1');
    const response = await page.goto('/cases/cs_doesnotexist');
    assert.equal(response.status(), 404);
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Nicht gefunden');
    assert.ok(await page.getByRole('link', { name: 'Zurück zur Startseite' }).count());
    await audit(page, 'error-404');
    await page.context().close();
});

test('(f) the language switch shows the pages in English and back', async () => {
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm1');
    const english = page.getByRole('link', { name: 'English' });
    assert.equal(await english.getAttribute('lang'), 'en');
    await english.click();
    await page.waitForURL((u) => u.pathname === '/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'My cases');
    await assert.doesNotReject(page.getByRole('link', { name: 'New client' }).first().waitFor());
    await assert.doesNotReject(page.getByRole('button', { name: 'Sign out' }).waitFor());
    await audit(page, 'home-en');

    await page.getByRole('link', { name: 'New client' }).first().click();
    await page.waitForURL('**/intake');
    await assert.doesNotReject(page.getByLabel('Street and number').waitFor());
    await assert.doesNotReject(page.getByLabel('Customer number').waitFor());
    await audit(page, 'intake-en');

    const deutsch = page.getByRole('link', { name: 'Deutsch' });
    assert.equal(await deutsch.getAttribute('lang'), 'de');
    await deutsch.click();
    await page.waitForURL('**/intake');
    assert.equal(await page.locator('html').getAttribute('lang'), 'de');
    await assert.doesNotReject(page.getByLabel('Straße und Hausnummer').waitFor());

    // and signing out ends the session
    await Promise.all([page.waitForURL('**/login'), page.getByRole('button', { name: 'Abmelden' }).click()]);
    await page.goto('/');
    assert.equal(new URL(page.url()).pathname, '/login');
    await page.context().close();
});

test('(g) fm1 activates the referred case; a wrong date is shown at the field first', async () => {
    assert.ok(caseUrl, 'journey (a) created a case');
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm1');
    await page.goto(caseUrl);
    const consent = page.getByLabel('Datum der Einwilligung');
    const today = await consent.inputValue();
    assert.match(today, /^\d\d\.\d\d\.\d{4}$/, 'the consent date defaults to today');

    await consent.fill('32.13.2026');
    const [response] = await Promise.all([
        page.waitForResponse((r) => r.url().endsWith('/activate')),
        page.getByRole('button', { name: 'Fall aktivieren' }).click(),
    ]);
    assert.equal(response.status(), 422);
    await page.waitForLoadState();
    assert.match(await page.title(), /^Fehler: /);
    const summary = page.getByRole('alert');
    assert.equal(await summary.getByRole('link', { name: /^Datum der Einwilligung: / }).getAttribute('href'),
                 '#consent_date');
    assert.equal(await page.locator('#consent_date').getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#consent_date-error').innerText(), /TT\.MM\.JJJJ/);
    await audit(page, 'case-activate-errors');

    await page.locator('#consent_date').fill(today);
    await Promise.all([page.waitForURL(`**${caseUrl}`),
                       page.getByRole('button', { name: 'Fall aktivieren' }).click()]);
    await page.waitForLoadState();
    const summaryList = await page.locator('dl').innerText();
    assert.match(summaryList, /aktiv/);
    assert.match(summaryList, new RegExp(`Datum der Einwilligung\\s+${today.replace(/\./g, '\\.')}`));
    assert.equal(await page.getByRole('button', { name: 'Fall aktivieren' }).count(), 0);
    await audit(page, 'case-active');
    await page.context().close();
});
