// tests/browser/drive.mjs — drives one journey either with the mouse or by
// keyboard alone, and counts what it cost the user: page loads (the load
// event of each document in the tab) and the form fields filled or changed.
//
// In keyboard mode nothing is clicked: the focus is moved with Tab and
// Shift+Tab, links and buttons are activated with Enter, radio buttons are
// chosen with the arrow keys, selects are changed with the arrow keys, check
// boxes with Space, and text is typed into the focused field. Every element
// reached that way must show its focus.
//
// Every page that loads must be checked with audit() once; done() fails
// otherwise.
import assert from 'node:assert/strict';

import { audit } from './harness.mjs';

export class Driver {
    constructor(page, mode, journey) {
        assert.ok(mode === 'mouse' || mode === 'keyboard', `unknown mode ${mode}`);
        this.page = page;
        this.mode = mode;
        this.journey = journey;
        this.counting = false;
        this.loads = 0;
        this.fields = 0;
        this.keys = 0;
        this.documents = 1; // the page shown now, and every one loaded since
        this.audits = 0;
        page.on('load', () => {
            this.documents++;
            if (this.counting)
                this.loads++;
        });
    }

    get keyboard() {
        return this.mode === 'keyboard';
    }

    // The journey starts on the page that is shown now (it counts as its first load).
    start() {
        this.counting = true;
        this.loads = 1;
        this.fields = 0;
        this.keys = 0;
    }

    // What follows only checks the result; it is not part of the journey.
    stop() {
        this.counting = false;
    }

    // axe and CSP check of the current page; every loaded page must get one.
    async audit(name) {
        await this.page.waitForLoadState('load');
        await audit(this.page, `${this.journey}-${this.mode}-${String(++this.audits).padStart(2, '0')}-${name}`);
    }

    // Go to URL directly (only for checks after the journey).
    async goto(url, name) {
        const response = await this.page.goto(url);
        await this.audit(name);
        return response;
    }

    // Tab or Shift+Tab until the element of LOCATOR (with GROUP: any radio
    // button of its group) has the focus; the focus must be visible there.
    async focus(locator, group = false, max = 600) {
        const target = await locator.elementHandle();
        for (let i = 0; i < max; i++) {
            const where = await target.evaluate((t, g) => {
                const a = document.activeElement;
                if (a === t || (g && a && a.type === 'radio' && a.name === t.name && a.form === t.form))
                    return 'here';
                if (!a || a === document.body)
                    return 'forward';
                return a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING ? 'forward'
                                                                                      : 'back';
            }, group);
            if (where === 'here') {
                await this.assertFocusVisible();
                return;
            }
            await this.press(where === 'forward' ? 'Tab' : 'Shift+Tab');
        }
        const html = await target.evaluate((t) => t.outerHTML.slice(0, 200));
        assert.fail(`Tab did not reach ${html} within ${max} key presses on ${this.page.url()}`);
    }

    async press(key) {
        if (this.counting)
            this.keys++;
        await this.page.keyboard.press(key);
    }

    async assertFocusVisible() {
        const f = await this.page.evaluate(() => {
            const el = document.activeElement;
            const s = getComputedStyle(el);
            const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
            return { html: el.outerHTML.slice(0, 160), visible: outline || s.boxShadow !== 'none' };
        });
        assert.ok(f.visible, `focus is not visible on ${f.html} (${this.page.url()})`);
    }

    // Follow a link or press a button that loads a page; the page must be
    // WANT (a path with query, a RegExp over the whole URL, or a predicate
    // over the URL object). Audits the new page.
    async go(locator, want, name) {
        const navigation = this.page.waitForNavigation({ waitUntil: 'load', timeout: 10000 });
        await this.activate(locator);
        const response = await navigation;
        const u = new URL(this.page.url());
        const ok = typeof want === 'function' ? want(u)
                 : want instanceof RegExp     ? want.test(u.href)
                                              : `${u.pathname}${u.search}` === want;
        assert.ok(ok, `${this.journey} ${name}: wanted ${want}, got ${u.pathname}${u.search} ` +
                      `(HTTP ${response ? response.status() : '?'})`);
        await this.audit(name);
        return response;
    }

    // Press a button or follow a link.
    async activate(locator) {
        if (this.keyboard) {
            await this.focus(locator);
            await this.press('Enter');
        } else {
            await locator.click();
        }
    }

    // Type TEXT into the text field or text area of LOCATOR, replacing what it holds.
    async fill(locator, text) {
        this.fields++;
        if (this.keyboard) {
            await this.focus(locator);
            await this.press('Control+A');
            await this.press('Delete');
            await this.page.keyboard.type(text);
        } else {
            await locator.fill(text);
        }
        assert.equal(await locator.inputValue(), text);
    }

    // Choose the radio button of LOCATOR (Tab into its group, then the arrow keys).
    async choose(locator) {
        this.fields++;
        if (this.keyboard) {
            const name = await locator.getAttribute('name');
            await this.focus(locator, true);
            for (let i = 0; i < 20 && !(await locator.isChecked()); i++) {
                const dir = await locator.evaluate((t) => {
                    const a = document.activeElement;
                    if (a === t)
                        return 'Space';
                    return a.compareDocumentPosition(t) & Node.DOCUMENT_POSITION_FOLLOWING ? 'ArrowDown'
                                                                                          : 'ArrowUp';
                });
                await this.press(dir);
            }
            assert.equal(await locator.evaluate((t) => t === document.activeElement), true,
                         `the arrow keys reach the radio button ${name}`);
            await this.assertFocusVisible();
        } else {
            await locator.check();
        }
        assert.equal(await locator.isChecked(), true);
    }

    // Tick the check box of LOCATOR (Space).
    async check(locator) {
        this.fields++;
        if (this.keyboard) {
            await this.focus(locator);
            await this.press('Space');
        } else {
            await locator.check();
        }
        assert.equal(await locator.isChecked(), true);
    }

    // Choose the option labelled LABEL in the select of LOCATOR (arrow keys on the closed select).
    async select(locator, label) {
        this.fields++;
        if (this.keyboard) {
            await this.focus(locator);
            const [from, to] = await locator.evaluate((s, l) =>
                [s.selectedIndex, [...s.options].findIndex((o) => o.text.trim() === l)], label);
            assert.ok(to >= 0, `option ${label} exists`);
            for (let i = from; i !== to; i += to > from ? 1 : -1)
                await this.press(to > from ? 'ArrowDown' : 'ArrowUp');
        } else {
            await locator.selectOption({ label });
        }
        assert.equal(await locator.evaluate((s) => s.options[s.selectedIndex].text.trim()), label);
    }

    // What the journey cost; fails if a page was left unaudited.
    done() {
        assert.equal(this.audits, this.documents, 'every page loaded was checked with axe');
        return { loads: this.loads, fields: this.fields };
    }
}
