// The whole flow with the keyboard alone: no click, no programmatic focus.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    launch, newPage, url, waitForList, waitForCount, waitForDetail,
    waitForDetailClosed, waitUntil, tabUntil, focused, api, TEST_TIMEOUT,
} from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

// the focused element shows a visible outline (:focus-visible)
async function assertFocusRing(page) {
    const ring = await page.evaluate(() => {
        const s = getComputedStyle(document.activeElement);
        return { style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
    });
    assert.ok(ring.style !== 'none' && ring.width >= 2,
              `visible focus outline on ${await focused(page)}: ${JSON.stringify(ring)}`);
}

test('search, filter, open, close and page with the keyboard alone', { timeout: TEST_TIMEOUT },
     async () => {
    const { context, page } = await newPage(browser);
    const { total } = await api(context, 'services');
    await page.goto(url('/'));
    await waitForList(page);

    // 1. the first Tab reaches the skip link, then the search box
    await page.keyboard.press('Tab');
    assert.match(await focused(page), /skip-link/);
    await assertFocusRing(page);
    assert.ok(await page.isVisible('.skip-link'), 'the focused skip link is visible');
    await tabUntil(page, () => document.activeElement.id === 'q', { max: 5 });
    await assertFocusRing(page);

    // 2. type; Enter searches at once and does not leave the page
    await page.keyboard.type('paspor');
    await page.keyboard.press('Enter');
    await waitForCount(page, 2);
    assert.equal(new URL(page.url()).pathname, '/');

    // 3. Tab to the first card: its link, then its Detail button
    const seen = await tabUntil(page, () => document.activeElement.classList
        .contains('detail-button'), { max: 20 });
    assert.ok(seen.some((s) => /^a /.test(s)), `a service link on the way: ${seen.join(' -> ')}`);
    await assertFocusRing(page);
    const opener = await page.evaluate(() => document.activeElement.dataset.id);

    // 4. Enter opens the detail, the focus is inside, Tab stays inside
    await page.keyboard.press('Enter');
    await waitForDetail(page, null);
    assert.equal(new URL(page.url()).hash, `#layanan/${opener}`);
    const inside = () => document.getElementById('detail').contains(document.activeElement);
    assert.equal(await page.evaluate(inside), true);
    await assertFocusRing(page);
    for (let i = 0; i < 3; i++) {
        await page.keyboard.press('Tab');
        const where = await focused(page);
        assert.ok(await page.evaluate(inside) || where === 'body',
                  `Tab ${i + 1} left the modal detail for ${where}`);
    }

    // 5. Escape closes it; the focus is back on the same Detail button
    await page.keyboard.press('Escape');
    await waitForDetailClosed(page);
    assert.equal(await page.evaluate(() => document.activeElement.dataset.id), opener);

    // 6. back to the search box, clear it, filter by category with arrows
    await tabUntil(page, () => document.activeElement.id === 'q', { back: true, max: 20 });
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await waitForCount(page, total);
    await tabUntil(page, () => document.activeElement.id === 'category', { max: 5 });
    await assertFocusRing(page);
    await waitUntil(page, () => document.querySelectorAll('#category option').length > 1,
                    null, 'the categories');
    await page.keyboard.press('ArrowDown');
    const category = await page.inputValue('#category');
    assert.notEqual(category, '', 'ArrowDown picks a category');
    const { total: inCategory } = await api(context, `services?category=${category}`);
    await waitForCount(page, inCategory);
    assert.equal(new URL(page.url()).searchParams.get('category'), category);
    await page.keyboard.press('ArrowUp');
    await waitForCount(page, total);

    // 7. the next page, by keyboard; the focus goes to the results heading
    await tabUntil(page, () => document.activeElement.id === 'next', { max: 80 });
    await assertFocusRing(page);
    await page.keyboard.press('Enter');
    await waitUntil(page, () => /^Halaman 2 /.test(document.getElementById('page-info')
        .textContent), null, 'page 2');
    await waitForList(page);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'results-title');
    // and Tab goes on to the first card of page 2
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => !!document.activeElement.closest('#results .card')),
                 true, `after the heading: ${await focused(page)}`);

    // 8. the reset button, by keyboard, clears everything
    await tabUntil(page, () => document.activeElement.id === 'reset', { back: true, max: 40 });
    await page.keyboard.press('Enter');
    await waitForCount(page, total);
    assert.equal(new URL(page.url()).search, '');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'q');
    assert.deepEqual(page.errors, []);
    await context.close();
});
