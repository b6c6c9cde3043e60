// tests/browser/journeys.test.mjs — the journeys in a real browser: intake,
// case list, case page, access refused, keyboard-only sign-in, form errors,
// language switch, and the daily journeys of a case manager from the worklist
// ("Jetzt fällig"), each once with the mouse and once by keyboard alone, with
// their page loads and form fields counted; axe-core (WCAG 2.1 AA) on every
// page visited.
// Run: node --test tests/browser/journeys.test.mjs (LOTSE_BIN=path/to/lotse)
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import { after, before, test } from 'node:test';

import { Driver } from './drive.mjs';
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
    await assert.doesNotReject(page.getByRole('heading', { level: 1, name: 'Jetzt fällig' }).waitFor());
    await audit(page, 'worklist');

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

    // the worklist asks to activate the new referral
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    await nav.getByRole('link', { name: 'Jetzt fällig' }).click();
    await page.waitForURL((u) => u.pathname === '/');
    const due = page.getByRole('row').filter({ hasText: client.number });
    assert.equal(await due.count(), 1, `the worklist has a row for ${client.number}`);
    assert.match(await due.innerText(), /Vorschlag wartet auf das Erstgespräch/);
    assert.equal(await due.getByRole('link', { name: /^Aktivieren: / }).getAttribute('href'), caseUrl);
    await audit(page, 'worklist-new-referral');

    // the case list: the new case is there (pages are followed if needed)
    await nav.getByRole('link', { name: 'Meine Fälle' }).click();
    await page.waitForURL((u) => u.pathname === '/cases');
    assert.equal((await h1.textContent()).trim(), 'Meine Fälle');
    await audit(page, 'cases');
    let row = page.getByRole('row').filter({ hasText: client.number });
    for (let i = 0; i < 10 && (await row.count()) === 0; i++) {
        const next = page.getByRole('link', { name: 'Nächste Seite' });
        assert.ok(await next.count(), `case ${client.number} not in the case list`);
        await Promise.all([page.waitForURL(/cursor=/), next.click()]);
        row = page.getByRole('row').filter({ hasText: client.number });
    }
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), new RegExp(`${client.last}, ${client.first}`));
    assert.match(await row.innerText(), /vorgeschlagen/);
    await row.getByRole('link', { name: new RegExp(`Öffnen: ${client.first} ${client.last}`) }).click();
    await page.waitForURL(caseUrl);
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
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Jetzt fällig');
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
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Due now');
    await assert.doesNotReject(page.getByRole('link', { name: 'New client' }).first().waitFor());
    await assert.doesNotReject(page.getByRole('button', { name: 'Sign out' }).waitFor());
    await audit(page, 'worklist-en');
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My cases' }).click();
    await page.waitForURL((u) => u.pathname === '/cases');
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'My cases');
    await audit(page, 'cases-en');

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
    await Promise.all([page.waitForURL(caseUrl),
                       page.getByRole('button', { name: 'Fall aktivieren' }).click()]);
    await page.waitForLoadState();
    const summaryList = await page.locator('dl').innerText();
    assert.match(summaryList, /aktiv/);
    assert.match(summaryList, new RegExp(`Datum der Einwilligung\\s+${today.replace(/\./g, '\\.')}`));
    assert.equal(await page.getByRole('button', { name: 'Fall aktivieren' }).count(), 0);
    await audit(page, 'case-active');
    await page.context().close();
});

/* ---- the daily journeys of a case manager, from the worklist ---- */

// Today and the time in Europe/Berlin, as the forms show them.
function berlin(at = new Date()) {
    const f = new Intl.DateTimeFormat('de-DE', {
        timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit',
        hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
    const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, x.value]));
    return { date: `${p.day}.${p.month}.${p.year}`, time: `${p.hour}:${p.minute}`,
             y: Number(p.year), m: Number(p.month), d: Number(p.day) };
}

// The Berlin calendar day DAYS after today, as TT.MM.JJJJ.
function berlinDay(days) {
    const t = berlin();
    const d = new Date(Date.UTC(t.y, t.m - 1, t.d + days));
    return `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
}

const re = (s) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));

// Clients a journey has worked on; each journey takes a case of its own.
const used = new Set();

// The first worklist row whose button is ACTION ("Prüfen", ...; or the first
// of a list of actions that has one) for a client no other journey has used
// and who has no row with one of the actions in AVOID (kept for the journeys
// that need them): { action, row, number, first, last, button, client }, or
// null with OPTIONAL.
async function pickRow(page, action, { optional = false, avoid = [] } = {}) {
    const rowsWith = (a) => page.locator('main tbody tr')
                                .filter({ has: page.getByRole('link', { name: new RegExp(`^${a}: `) }) });
    const reserved = new Set();
    for (const a of avoid)
        for (const text of await rowsWith(a).allInnerTexts())
            reserved.add(rowClient(text)[3]);
    for (const a of Array.isArray(action) ? action : [action]) {
        const rows = rowsWith(a);
        for (const text of await rows.allInnerTexts()) {
            const [, last, first, number] = rowClient(text);
            if (used.has(number) || reserved.has(number))
                continue;
            used.add(number);
            const row = rows.filter({ hasText: `(${number})` }).first();
            return { action: a, row, number, first, last,
                     button: row.getByRole('link', { name: new RegExp(`^${a}: ${first} ${last}, `) }),
                     client: row.getByRole('link', { name: `${last}, ${first}` }) };
        }
    }
    return optional ? null : assert.fail(`no unused worklist row with "${action}"`);
}

// The client of a worklist row's text: [, last, first, number].
function rowClient(text) {
    const m = /^(.+?), (.+?) \((\w+)\)/m.exec(text.split('\t').map((c) => c.trim()).join('\n'));
    assert.ok(m, `a worklist row names the client: ${text}`);
    return m;
}

// Any active case will do for the journeys that make their own situation;
// the rows that journeys (a) and (d) need are left to them.
const anyCase = ['Schritt aktualisieren', 'Kontakt versuchen', 'Plan fortschreiben', 'Ansehen', 'Plan vereinbaren'];
const keep = { avoid: ['Dokumentieren', 'Prüfen'] };

// The checked radio button of group NAME: its label.
async function checkedLabel(page, name) {
    const checked = page.locator(`input[type=radio][name="${name}"]:checked`);
    assert.equal(await checked.count(), 1, `one ${name} is chosen`);
    return (await checked.evaluate((el) => el.labels[0].textContent)).trim();
}

// The value of a summary list entry of the case page.
async function fact(page, key) {
    const item = page.locator('main dl > div').filter({ has: page.locator('dt', { hasText: new RegExp(`^${key}$`) }) });
    return (await item.locator('dd').innerText()).trim();
}

// A signed-in fm1 on the worklist, with a driver for MODE; the journey
// starts there unless SETUP (then the caller starts it with d.start()).
async function onWorklist(journey, mode, setup = false) {
    const page = await newPage(browser, lotse.url);
    await signIn(page, 'fm1');
    const d = new Driver(page, mode, journey);
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Jetzt fällig');
    await d.audit('worklist');
    if (!setup)
        d.start();
    return { page, d };
}

// Setup, not counted (done with the journey's mouse or keyboard): open the
// case of worklist row C, plan an appointment there that began an hour ago
// (at midnight if that was yesterday), and go back to the worklist.
// Returns { id, date, time, caseUrl, failedBefore } (failed contacts so far).
async function planPastAppointment(page, d, c) {
    await d.go(c.client, caseHref, 'setup-case');
    const caseUrl = new URL(page.url()).pathname;
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), `${c.first} ${c.last}`);
    const failed = (await fact(page, 'Letzter Kontakt')).match(/(\d+) erfolglose Kontaktversuche/);
    await d.go(page.getByRole('link', { name: 'Termin planen' }), `${caseUrl}/appointments/new`, 'setup-appointment-form');
    const now = berlin(), before = berlin(new Date(Date.now() - 3600 * 1000));
    const time = before.date === now.date ? before.time : '00:00';
    await d.fill(page.getByLabel('Datum', { exact: true }), now.date);
    await d.fill(page.getByLabel('Uhrzeit'), time);
    assert.equal(await page.getByLabel('Dauer in Minuten').inputValue(), '30', 'the duration is prefilled');
    await d.go(page.getByRole('button', { name: 'Termin speichern' }), /\/appointments\/[A-Za-z0-9_-]+\?created=1$/,
               'setup-appointment');
    assert.match(await page.getByRole('status').first().innerText(), /gespeichert/);
    const id = new URL(page.url()).pathname.split('/').pop();
    await d.go(page.getByRole('navigation', { name: 'Hauptnavigation' }).getByRole('link', { name: 'Jetzt fällig' }),
               (u) => u.pathname === '/' && u.search === '', 'worklist');
    return { id, date: now.date, time, caseUrl, failedBefore: failed ? Number(failed[1]) : 0 };
}

// The worklist row of appointment ID (that has begun): its button documents
// the consultation, its second link records a no-show. { row, button, missed }
function appointmentRow(page, id) {
    const row = page.locator('main tbody tr').filter({ has: page.locator(`a[href="/appointments/${id}?return=/"]`) });
    return { row,
             button: row.getByRole('link', { name: /^Dokumentieren: / }),
             missed: row.getByRole('link', { name: /^Nicht erschienen oder abgesagt: / }) };
}

// The success message on the worklist after a saved form.
async function assertSaved(page, message) {
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(), 'Jetzt fällig');
    assert.equal(await page.getByRole('status').filter({ hasText: message }).count(), 1, `the worklist says "${message}"`);
}

const caseHref = /\/cases\/cs_[A-Za-z0-9_-]+$/;
const counts = {};

function report(name, mode, d, how = '') {
    const c = d.done();
    if (counts[name]) // the same journey by keyboard costs the same loads and fields
        assert.deepEqual(c, counts[name], `${name}: the keyboard run needs what the mouse run needs`);
    counts[name] = c;
    console.log(`journey ${name} [${mode}]: ${c.loads} page loads, ${c.fields} fields` +
                (mode === 'keyboard' ? ` (${d.keys} key presses, no mouse)` : '') + (how ? `; ${how}` : ''));
}

for (const mode of ['mouse', 'keyboard']) {

test(`journey (a) [${mode}]: document a consultation from the worklist`, async () => {
    const { page, d } = await onWorklist('a', mode, true);
    // the worklist: what is due from today on first, what is overdue below
    const captions = (await page.locator('main table caption').allInnerTexts()).map((t) => t.trim());
    assert.ok(captions.length >= 1 && /^Fällig bis \d\d\.\d\d\.\d{4}$/.test(captions[0]) &&
              (captions.length === 1 || /^Überfällig \(\d+\)$/.test(captions[1])), `the worklist tables: ${captions}`);
    if (captions.length > 1)
        assert.equal(await page.locator('main table').nth(1).locator('tbody tr').count(),
                     Number(/\((\d+)\)/.exec(captions[1])[1]), 'the overdue table counts its rows');
    // an upcoming appointment is only shown; none asks for "Erscheinen erfassen" any more
    for (const href of await page.locator('main tbody tr').getByRole('link', { name: /^Ansehen: / })
                                 .evaluateAll((as) => as.map((el) => el.getAttribute('href'))))
        assert.match(href, /^\/appointments\/[A-Za-z0-9_-]+\?return=\/$/);
    assert.equal(await page.locator('main').getByRole('link', { name: /Erscheinen erfassen/ }).count(), 0);
    // the row of an appointment that took place: "Dokumentieren"; without one
    // in the demo data, an appointment an hour ago is planned first
    let c = await pickRow(page, 'Dokumentieren', { optional: true });
    let how = 'row "Dokumentieren" from the demo data';
    if (!c) {
        const s = await pickRow(page, anyCase, keep);
        const a = await planPastAppointment(page, d, s);
        c = { ...s, ...appointmentRow(page, a.id) };
        how = 'row "Dokumentieren" of an appointment planned first (setup not counted)';
    }
    d.start();
    const href = await c.button.getAttribute('href');
    const m = /^\/cases\/(cs_[A-Za-z0-9_-]+)\/notes\/new\?appointment=([A-Za-z0-9_-]+)&return=\/$/.exec(href);
    assert.ok(m, `the button documents the appointment: ${href}`);
    const caseUrl = `/cases/${m[1]}`, appointment = m[2];
    assert.equal(await appointmentRow(page, appointment).missed.count(), 1, 'the row offers the no-show as well');
    assert.match(await c.row.innerText(), /Termin hat stattgefunden: \d\d:\d\d Uhr/);
    await d.go(c.button, href, 'note-form');
    assert.match(await page.locator('main').innerText(), re(`Gesprächsvermerk · ${c.first} ${c.last}`));
    // prefilled: a date, a time, a channel, consultation; only the text is typed
    const date = await page.getByLabel('Datum', { exact: true }).inputValue();
    const time = await page.getByLabel('Uhrzeit').inputValue();
    assert.match(date, /^\d\d\.\d\d\.\d{4}$/);
    assert.match(time, /^\d\d:\d\d$/);
    const channel = await checkedLabel(page, 'channel');
    assert.equal(await page.getByLabel('Beratungsgespräch').isChecked(), true, 'a consultation is prefilled');
    const text = `Bewerbungsunterlagen durchgesehen, zwei Stellen ausgesucht (${mode}).`;
    await d.fill(page.getByLabel('Vermerk', { exact: true }), text);
    await d.go(page.getByRole('button', { name: 'Vermerk speichern' }), '/?saved=note', 'worklist-after');
    d.stop();
    await assertSaved(page, 'Der Gesprächsvermerk ist gespeichert.');
    assert.equal(await page.locator(`main a[href*="appointment=${appointment}&"], main a[href^="/appointments/${appointment}?"]`).count(),
                 0, 'the row of the appointment is gone');

    // the case shows the note in its history
    await d.goto(caseUrl, 'case-with-note');
    const entry = page.locator('ol.lotse-timeline > li').filter({ hasText: text });
    assert.equal(await entry.count(), 1, 'the note is in the history');
    assert.match(await entry.innerText(),
                 new RegExp(`^${re(date).source}, ${time} · Gesprächsvermerk · .*Beratungsgespräch · ${channel}: `, 's'));
    if (date === berlin().date)
        assert.match(await fact(page, 'Letzter Kontakt'), re(date));
    // the history entry opens the note
    await d.go(entry.getByRole('link'), /\/notes\/[A-Za-z0-9_-]+$/, 'note');
    assert.match(await page.locator('main').innerText(), re(text));
    // and the appointment counts as attended
    await d.goto(`/appointments/${appointment}`, 'appointment-attended');
    assert.equal(await fact(page, 'Wahrnehmung des Termins'), 'erschienen');
    report('(a) document a consultation', mode, d, how);
    await page.context().close();
});

test(`journey (b) [${mode}]: agree a cooperation plan with two goals and print it`, async () => {
    const { page, d } = await onWorklist('b', mode);
    const c = await pickRow(page, 'Plan vereinbaren');
    await d.go(c.button, /\/cases\/cs_[A-Za-z0-9_-]+\/plan\/new$/, 'plan-form');
    const base = new URL(page.url()).pathname.replace(/\/new$/, '');
    assert.equal(await page.getByLabel('Vereinbart am').inputValue(), berlin().date, 'agreed today');

    const goals = [
        { kind: 'Arbeit und Ausbildung', title: `Eine Teilzeitstelle im Verkauf finden (${mode})`,
          step: 'Drei Bewerbungen pro Monat schreiben', due: berlinDay(30) },
        { kind: 'Gesundheit', title: `Die Rückenschmerzen behandeln lassen (${mode})`,
          step: 'Einen Termin beim Hausarzt machen', due: berlinDay(14) },
    ];
    await d.fill(page.locator('#g0_title'), goals[0].title);
    await d.fill(page.locator('#g0_s0_title'), goals[0].step);
    await d.fill(page.locator('#g0_s0_due'), goals[0].due);
    // one more goal: the form comes back with more rows and keeps what was typed
    await d.go(page.getByRole('button', { name: 'Weiteres Ziel und mehr Schritte' }), /\/cases\/cs_[A-Za-z0-9_-]+\/plans?$/, 'plan-form-more');
    assert.equal(await page.locator('#g0_title').inputValue(), goals[0].title);
    assert.equal(await page.locator('#g0_s0_due').inputValue(), goals[0].due);
    await assert.doesNotReject(page.getByRole('group', { name: 'Ziel 2', exact: true }).waitFor());
    await d.select(page.locator('#g1_kind'), goals[1].kind);
    await d.fill(page.locator('#g1_title'), goals[1].title);
    await d.fill(page.locator('#g1_s0_title'), goals[1].step);
    await d.fill(page.locator('#g1_s0_due'), goals[1].due);
    await d.go(page.getByRole('button', { name: 'Plan speichern' }), base, 'plan');
    const plan = await page.locator('main').innerText();
    for (const g of goals) {
        assert.match(plan, re(g.title));
        assert.match(plan, re(g.step));
    }

    await d.go(page.getByRole('link', { name: 'Für die Kundin / den Kunden drucken' }), `${base}/print`, 'plan-print');
    d.stop();
    const print = await page.locator('main').innerText();
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(),
                 `Ihr Kooperationsplan vom ${berlin().date}`);
    for (const [i, g] of goals.entries()) {
        assert.equal((await page.getByRole('heading', { level: 2, name: `Ziel ${i + 1}: ${g.title}` }).count()), 1,
                     `the print view shows goal ${i + 1}`);
        const row = page.getByRole('row').filter({ hasText: g.step });
        assert.match(await row.innerText(), re(g.due), 'the step with its date');
    }
    assert.match(print, /Dieser Plan ist rechtlich nicht verbindlich und hat keine Rechtsfolgen\./);
    assert.match(print, re(`${c.first} ${c.last}`));
    // the worklist no longer asks for a plan for this client
    await d.goto('/', 'worklist-after');
    assert.equal(await page.getByRole('row').filter({ hasText: `(${c.number})` })
                           .getByRole('link', { name: /^Plan vereinbaren: / }).count(), 0);
    report('(b) agree a cooperation plan', mode, d);
    await page.context().close();
});

test(`journey (c) [${mode}]: record a missed appointment from the worklist`, async () => {
    const { page, d } = await onWorklist('c', mode, true);
    // setup (not counted): an appointment that began an hour ago
    const c = await pickRow(page, anyCase, keep);
    const a = await planPastAppointment(page, d, c);
    // the journey: on the worklist the appointment waits to be documented
    d.start();
    const { row, button, missed } = appointmentRow(page, a.id);
    assert.equal(await row.count(), 1, 'the worklist asks to document the appointment');
    assert.match(await row.innerText(), new RegExp(`^${re(a.date).source}[^]*\\(${c.number}\\)[^]*` +
                                                   `Termin hat stattgefunden: ${a.time} Uhr`));
    assert.equal(await button.getAttribute('href'), `${a.caseUrl}/notes/new?appointment=${a.id}&return=/`);
    await d.go(missed, `/appointments/${a.id}?return=/`, 'attendance-form');
    await d.choose(page.getByLabel('nicht erschienen'));
    await d.go(page.getByRole('button', { name: 'Wahrnehmung speichern' }), '/?saved=attendance', 'worklist-after');
    d.stop();
    await assertSaved(page, 'Das Erscheinen ist erfasst.');
    assert.equal(await appointmentRow(page, a.id).row.count(), 0, 'the row of the appointment is gone');

    // the case counts a failed contact and shows the missed appointment
    await d.goto(a.caseUrl, 'case-after');
    assert.match(await fact(page, 'Letzter Kontakt'), new RegExp(`· ${a.failedBefore + 1} erfolglose Kontaktversuche$`));
    const entry = page.locator('ol.lotse-timeline > li').filter({ hasText: `${a.date}, ${a.time} · Termin` });
    assert.equal(await entry.count(), 1, 'the missed appointment is in the history');
    assert.match(await entry.innerText(), /· nicht erschienen$/);
    report('(c) record a missed appointment', mode, d, 'appointment an hour ago planned first (setup not counted)');
    await page.context().close();
});

test(`journey (d) [${mode}]: the six-month continuation review from the worklist`, async () => {
    const { page, d } = await onWorklist('d', mode);
    const c = await pickRow(page, 'Prüfen');
    await d.go(c.button, /\/cases\/cs_[A-Za-z0-9_-]+\/review\?return=/, 'review-form');
    const caseUrl = new URL(page.url()).pathname.replace(/\/review$/, '');
    assert.equal((await page.getByRole('heading', { level: 1 }).textContent()).trim(),
                 `Fortführungsprüfung: ${c.first} ${c.last}`);
    // prefilled: today, continue
    assert.equal(await page.getByLabel('Datum der Prüfung').inputValue(), berlin().date);
    assert.equal(await page.getByLabel('fortführen').isChecked(), true);
    const next = /nächste Prüfung fällig am (\d\d\.\d\d\.\d{4})/.exec(await page.locator('#justification-hint').innerText());
    assert.ok(next, 'the hint names the next review date');
    const why = `Fortschritte bei der Stabilisierung, Schulden in Regulierung; weiter begleiten (${mode}).`;
    await d.fill(page.getByLabel('Begründung'), why);
    await d.go(page.getByRole('button', { name: 'Prüfung speichern' }), '/?saved=review', 'worklist-after');
    d.stop();
    await assertSaved(page, 'Die Fortführungsprüfung ist gespeichert.');
    assert.equal(await page.locator('main tbody tr').filter({ hasText: `(${c.number})` })
                           .filter({ has: page.getByRole('link', { name: /^Prüfen: / }) }).count(), 0,
                 'the review row is gone');

    await d.goto(caseUrl, 'case-after');
    assert.equal(await fact(page, 'Nächste Fortführungsprüfung'), next[1]);
    const entry = page.locator('ol.lotse-timeline > li').filter({ hasText: why });
    assert.equal(await entry.count(), 1, 'the review is in the history');
    assert.match(await entry.innerText(), /fortführen: /);
    report('(d) continuation review', mode, d);
    await page.context().close();
});

test(`journey (e) [${mode}]: close a case with an integration into work`, async () => {
    const { page, d } = await onWorklist('e', mode);
    // the client calls: found by the search on the worklist
    const c = await pickRow(page, anyCase, keep);
    await d.fill(page.getByLabel('Kundin oder Kunden finden'), c.number);
    await d.go(page.getByRole('button', { name: 'Suchen' }), /\/search\?q=/, 'search');
    const hit = page.getByRole('link', { name: `${c.last}, ${c.first}` });
    assert.equal(await hit.count(), 1, 'the search finds the client');
    await d.go(hit, caseHref, 'case');
    const caseUrl = new URL(page.url()).pathname;
    await d.go(page.getByRole('link', { name: 'Fall abschließen' }), `${caseUrl}/close`, 'close-form');
    const today = berlin();
    assert.equal(await page.getByLabel('Abgeschlossen am').inputValue(), today.date);
    const start = `01.${String(today.m % 12 + 1).padStart(2, '0')}.${today.m === 12 ? today.y + 1 : today.y}`;
    await d.select(page.getByLabel('Grund des Abschlusses'), 'Integration in Beschäftigung');
    await d.fill(page.getByLabel('Beginn der Beschäftigung'), start);
    await d.select(page.getByLabel('Förderung'), 'Eingliederungszuschuss');
    await d.go(page.getByRole('button', { name: 'Fall abschließen' }), caseUrl, 'case-closed');
    d.stop();

    assert.equal(await fact(page, 'Status'), 'abgeschlossen');
    assert.equal(await fact(page, 'Abgeschlossen am'), today.date);
    assert.match(await fact(page, 'Grund des Abschlusses'), /^Integration in Beschäftigung/);
    // no deadlines run any more
    for (const key of ['Nächste Fortführungsprüfung', 'Nächste Fortschreibung des Kooperationsplans', 'Höchstdauer bis'])
        assert.equal(await page.locator('main dl dt').filter({ hasText: new RegExp(`^${key}$`) }).count(), 0, `no "${key}"`);
    const closed = page.locator('ol.lotse-timeline > li').filter({ hasText: 'Fall abgeschlossen: ' });
    assert.equal(await closed.count(), 1, 'the closure is in the history');
    assert.match(await closed.innerText(), new RegExp(`^${re(today.date).source}[^]*Fall abgeschlossen: Integration in Beschäftigung`));
    const entry = page.locator('ol.lotse-timeline > li').filter({ hasText: 'Eingliederungszuschuss' });
    assert.equal(await entry.count(), 1, 'the integration is in the history');
    assert.match(await entry.innerText(), new RegExp(`^${start.replace(/\./g, '\\.')} · Integration · [^]*Beschäftigung \\(Eingliederungszuschuss\\)`));
    // read-only: no action changes the case any more; only a new case can be opened
    const main = page.locator('main');
    for (const name of ['Kontakt dokumentieren', 'Termin planen', 'Fortführungsprüfung', 'Fall abschließen'])
        assert.equal(await main.getByRole('link', { name, exact: true }).count(), 0, `no "${name}"`);
    assert.deepEqual(await main.locator('form[method=post]').evaluateAll((fs) => fs.map((f) => f.getAttribute('action'))),
                     [`${caseUrl}/reopen`], 'no form changes the case');
    assert.deepEqual((await main.getByRole('button').allInnerTexts()).map((t) => t.trim()), ['Neuen Fall anlegen']);
    // and the forms are refused
    const refused = await d.goto(`${caseUrl}/notes/new`, 'closed-note-form');
    assert.equal(refused.status(), 409, 'a closed case takes no notes');
    assert.match(await page.locator('main').innerText(), /Der Fall ist abgeschlossen/);
    report('(e) close with an integration', mode, d);
    await page.context().close();
});

}
