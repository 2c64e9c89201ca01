// Without JavaScript: the <noscript> message in Indonesian and English,
// with a link to the JSON API that works.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch, newPage, url, TEST_TIMEOUT } from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('without JavaScript: a plain message and the API link', { timeout: TEST_TIMEOUT }, async () => {
    const { context, page } = await newPage(browser, { javaScriptEnabled: false });
    const res = await page.goto(url('/'));
    assert.equal(res.status(), 200);
    const box = page.locator('.noscript');
    assert.ok(await box.isVisible(), 'the noscript message is shown');
    const id = await box.locator('p:not([lang])').textContent();
    assert.match(id.replace(/\s+/g, ' '), /Portal ini memerlukan JavaScript/);
    const en = await box.locator('p[lang="en"]').textContent();
    assert.match(en.replace(/\s+/g, ' '), /This portal needs JavaScript/);
    const link = box.locator('a[href="/api/catalog/services"]').first();
    assert.ok(await link.isVisible(), 'the API link is visible');
    assert.equal(await page.isVisible('#q'), false, 'no search box that cannot work');
    assert.equal(await page.isVisible('h1'), true);
    // the link leads to the catalog as JSON
    const api = await context.request.get(url(await link.getAttribute('href')));
    assert.equal(api.status(), 200);
    assert.match(api.headers()['content-type'], /^application\/json/);
    assert.ok((await api.json()).total > 0);
    await context.close();
});
