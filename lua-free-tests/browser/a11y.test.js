// axe-core on the portal (list, detail, empty and error states) and on the
// gateway's own HTML pages (404, 503, 410): no violation of impact serious
// or critical.  The violations are printed when a test fails.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    launch, newPage, url, waitForList, waitForCount, waitForDetail, waitForDetailClosed, waitUntil,
    assertAxeClean, TEST_TIMEOUT,
} from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const T = { timeout: TEST_TIMEOUT };

test('the list is accessible (landmarks, labels, language)', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await waitUntil(page, () => document.querySelectorAll('#agency option').length > 1,
                    null, 'the agencies');
    assert.equal(await page.getAttribute('html', 'lang'), 'id');
    assert.equal(await page.locator('header').count(), 1);
    assert.equal(await page.locator('main').count(), 1);
    assert.equal(await page.locator('footer').count(), 1);
    assert.equal(await page.textContent('label[for="q"]'), 'Cari layanan');
    assert.ok(await page.isVisible('label[for="q"]'), 'the search label is visible');
    assert.ok(await page.locator('header [lang="en"]').count() >= 1, 'an English line');
    await assertAxeClean(page, 'the list');
    await page.fill('#q', 'antrean');          // a maintenance card in view
    await waitForCount(page, 1);
    await assertAxeClean(page, 'a list with a maintenance card');
    await context.close();
});

test('the detail view is accessible', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/#layanan/imigrasi/paspor'));
    await waitForDetail(page, 'Paspor RI (M-Paspor)');
    await waitForList(page);
    assert.equal(await page.getAttribute('#detail', 'aria-labelledby'), 'detail-title');
    await assertAxeClean(page, 'the detail of imigrasi/paspor');
    await page.keyboard.press('Escape');
    await waitForDetailClosed(page);
    await page.waitForFunction(() => location.hash === '');
    await page.goto(url('/#layanan/bpjs-kesehatan/antrean-online'));
    await page.reload();
    await waitForDetail(page, 'Antrean Online Fasilitas Kesehatan');
    await assertAxeClean(page, 'the detail of a service in maintenance');
    await context.close();
});

test('the empty and error states are accessible', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=zzqxjw'));
    await waitForCount(page, 0);
    await assertAxeClean(page, 'no result');
    await page.route(/\/api\/catalog\//, (route) => route.abort('connectionrefused'));
    await page.reload();
    await waitUntil(page, () => !document.getElementById('notice').hidden, null, 'the error');
    await assertAxeClean(page, 'the API down');
    await context.close();
});

for (const [path, code, what] of [
    ['/tidak-ada', 404, 'Alamat ini tidak terdaftar'],
    ['/bpjs-kesehatan/antrean', 503, 'pemeliharaan'],
    ['/dukcapil/ktp-lama', 410, 'dihentikan'],
]) {
    test(`the gateway's ${code} page (${path}) is accessible`, T, async () => {
        const { context, page } = await newPage(browser);
        const res = await page.goto(url(path));
        assert.equal(res.status(), code);
        assert.match(res.headers()['content-type'], /^text\/html/);
        assert.match(await page.textContent('body'), new RegExp(what));
        assert.equal(await page.getAttribute('html', 'lang'), 'id');
        await assertAxeClean(page, `the ${code} page ${path}`);
        await context.close();
    });
}
