// Phone and desktop: screenshots of the list and the detail (kept in
// screenshots/), no horizontal scroll at 360 px, one column on a phone and
// a grid of cards on a desktop.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    launch, newPage, url, waitForList, waitForDetail, waitForDetailClosed, waitUntil, card,
    screenshotPath, TEST_TIMEOUT,
} from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function scrollWidth(page) {
    return page.evaluate(() => document.scrollingElement.scrollWidth);
}

// left and top of every card
async function cardBoxes(page) {
    return page.$$eval('#results .card', (cs) => cs.map((c) => {
        const r = c.getBoundingClientRect();
        return { x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width) };
    }));
}

for (const [width, height] of [[360, 740], [1280, 800]]) {
    test(`layout at ${width}x${height}`, { timeout: TEST_TIMEOUT }, async () => {
        const { context, page } = await newPage(browser, { viewport: { width, height } });
        await page.goto(url('/'));
        await waitForList(page);
        await waitUntil(page, () => document.querySelectorAll('#category option').length > 1,
                        null, 'the categories');
        await page.screenshot({ path: screenshotPath(`list-${width}x${height}.png`) });
        await page.screenshot({ path: screenshotPath(`list-${width}x${height}-full.png`),
                                fullPage: true });

        const boxes = await cardBoxes(page);
        const columns = new Set(boxes.map((b) => b.x)).size;
        if (width === 360) {
            assert.ok(await scrollWidth(page) <= 360,
                      `no horizontal scroll: scrollWidth ${await scrollWidth(page)}`);
            assert.equal(columns, 1, 'one column of cards on a phone');
            assert.ok(boxes.every((b) => b.x >= 0 && b.x + b.w <= 360), JSON.stringify(boxes[0]));
        } else {
            assert.ok(columns >= 3, `a grid of cards: ${columns} columns`);
        }

        // long texts: a service in maintenance and its message
        await page.fill('#q', 'antrean');
        await waitUntil(page, () => document.querySelectorAll('#results .card').length === 1,
                        null, 'one card');
        if (width === 360) {
            assert.ok(await scrollWidth(page) <= 360, 'no horizontal scroll with a long message');
        }

        // the detail
        await card(page, 'Antrean Online Fasilitas Kesehatan').locator('.detail-button').click();
        await waitForDetail(page, 'Antrean Online Fasilitas Kesehatan');
        await page.screenshot({ path: screenshotPath(`detail-${width}x${height}.png`) });
        const box = await page.locator('#detail').boundingBox();
        assert.ok(box.x >= 0 && box.x + box.width <= width,
                  `the detail fits the width: ${JSON.stringify(box)}`);
        if (width === 360) {
            assert.ok(await scrollWidth(page) <= 360, 'no horizontal scroll with the detail');
            const inner = await page.$eval('#detail', (d) => d.scrollWidth <= d.clientWidth);
            assert.equal(inner, true, 'nothing in the detail is wider than the detail');
        }
        // a detail with routes, docs and contact
        await page.keyboard.press('Escape');
        await waitForDetailClosed(page);
        await page.waitForFunction(() => location.hash === '');
        await page.goto(url('/#layanan/dukcapil/ktp-elektronik'));
        await page.reload();
        await waitForDetail(page, 'KTP Elektronik');
        await page.screenshot({ path: screenshotPath(`detail-ktp-${width}x${height}.png`) });
        if (width === 360) {
            assert.ok(await scrollWidth(page) <= 360);
        }
        assert.deepEqual(page.errors, []);
        await context.close();
    });
}
