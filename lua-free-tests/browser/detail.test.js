// The detail view: opened from a card by keyboard, linked by the hash
// #layanan/AGENCY/SERVICE, closed by Escape, the close button or Back,
// with the focus given back to the button that opened it.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    launch, newPage, url, waitForList, waitForCount, card, waitForDetail,
    waitForDetailClosed, detailOpen, TEST_TIMEOUT,
} from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const T = { timeout: TEST_TIMEOUT };

async function detailText(page) {
    return (await page.textContent('#detail')).replace(/\s+/g, ' ');
}

// dt -> dd text of the detail's field list
async function detailFields(page) {
    return page.$$eval('#detail dl dt', (dts) => Object.fromEntries(dts.map((dt) => [
        dt.textContent, dt.nextElementSibling.textContent.replace(/\s+/g, ' ').trim()])));
}

async function isFocused(locator) {
    return locator.evaluate((e) => e === document.activeElement);
}

test('open the detail with the keyboard, close it with Escape', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=paspor'));
    await waitForCount(page, 2);
    const button = card(page, 'Paspor RI (M-Paspor)').locator('.detail-button');
    await button.focus();
    await page.keyboard.press('Enter');
    await waitForDetail(page, 'Paspor RI (M-Paspor)');
    assert.equal(new URL(page.url()).hash, '#layanan/imigrasi/paspor');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'paspor', 'the search stays');
    assert.equal(await page.evaluate(() => document.getElementById('detail')
        .contains(document.activeElement)), true, 'the focus moves into the detail');

    // every field of the service
    const f = await detailFields(page);
    assert.match(f.Alamat, /\/imigrasi\/paspor$/);
    assert.match(f.Rute, /\/imigrasi\/paspor/);
    assert.equal(f.Instansi, 'Direktorat Jenderal Imigrasi');
    assert.equal(f.Kategori, 'Keimigrasian');
    assert.match(f.Tag, /paspor/);
    assert.match(f.Tag, /m-paspor/);
    assert.equal(f.Status, 'Aktif');
    assert.equal(f.Dokumentasi, 'https://imigrasi.example.go.id/docs/paspor');
    assert.equal(f.Kontak, 'paspor@imigrasi.example.go.id');
    assert.equal(f.Versi, '3.0');
    assert.equal(f['Kode layanan'], 'imigrasi/paspor');
    assert.equal(await page.getAttribute('#detail dd a[href^="https://"]', 'href'),
                 'https://imigrasi.example.go.id/docs/paspor');
    assert.equal(await page.getAttribute('#detail a[href^="mailto:"]', 'href'),
                 'mailto:paspor@imigrasi.example.go.id');
    assert.match(await detailText(page), /Permohonan paspor baru dan penggantian paspor/);
    assert.equal(await page.getAttribute('#detail .detail-actions a', 'href'), '/imigrasi/paspor');
    assert.equal(await page.textContent('#detail .badge'), 'Aktif');

    await page.keyboard.press('Escape');
    await waitForDetailClosed(page);
    assert.equal(await isFocused(button), true, 'the focus is back on the Detail button');
    await page.waitForFunction(() => location.hash === '');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'paspor');
    assert.deepEqual(page.errors, []);
    await context.close();
});

test('the close button closes the detail and gives the focus back', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=npwp'));
    await waitForList(page);
    const button = card(page, 'Pendaftaran NPWP').locator('.detail-button');
    await button.focus();
    await page.keyboard.press('Enter');
    await waitForDetail(page, 'Pendaftaran NPWP');
    await page.focus('#detail-close');
    await page.keyboard.press('Enter');
    await waitForDetailClosed(page);
    assert.equal(await isFocused(button), true);
    await page.waitForFunction(() => location.hash === '');
    await context.close();
});

test('Back closes the detail; the hash link opens it', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=akta'));
    await waitForList(page);
    const button = card(page, 'Akta Kelahiran').locator('.detail-button');
    await button.click();
    await waitForDetail(page, 'Akta Kelahiran');
    assert.equal(new URL(page.url()).hash, '#layanan/dukcapil/akta-kelahiran');
    await page.goBack();
    await waitForDetailClosed(page);
    assert.equal(new URL(page.url()).hash, '');
    assert.equal(new URL(page.url()).searchParams.get('q'), 'akta', 'still on the portal');
    assert.equal(await isFocused(button), true);
    await page.goForward();
    await waitForDetail(page, 'Akta Kelahiran');
    // Back and at once Forward: the late "close" event of Back must not
    // spoil the detail that Forward opened again
    await page.goBack();
    await page.goForward();
    await waitForDetail(page, 'Akta Kelahiran');
    assert.equal(new URL(page.url()).hash, '#layanan/dukcapil/akta-kelahiran');
    await context.close();
});

test('a link to a maintenance service opens its detail with the message', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/#layanan/bpjs-kesehatan/antrean-online'));
    await waitForDetail(page, 'Antrean Online Fasilitas Kesehatan');
    assert.equal(await page.textContent('#detail .badge'), 'Dalam pemeliharaan');
    assert.match(await detailText(page),
                 /Layanan antrean online sedang dalam pemeliharaan terjadwal/);
    assert.equal((await detailFields(page)).Status, 'Dalam pemeliharaan');
    await page.keyboard.press('Escape');
    await waitForDetailClosed(page);
    await page.waitForFunction(() => location.hash === '');
    await waitForList(page);
    assert.notEqual(await page.evaluate(() => document.activeElement.tagName), 'BODY',
                    'the focus lands somewhere useful');
    await context.close();
});

test('a retired service: "Tidak berlaku lagi" and no link to open it', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/#layanan/dukcapil/ktp-non-elektronik'));
    await waitForDetail(page, 'KTP Non-Elektronik');
    assert.equal(await page.textContent('#detail .badge'), 'Tidak berlaku lagi');
    assert.match(await detailText(page), /tidak berlaku lagi dan tidak dapat dibuka/);
    assert.equal(await page.locator('#detail .detail-actions').count(), 0);
    assert.equal(await page.locator('#detail a[href="/dukcapil/ktp-lama"]').count(), 0);
    await context.close();
});

test('an unknown service in the hash says so', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/#layanan/tidak/ada'));
    await waitForDetail(page, 'Layanan tidak ditemukan');
    assert.match(await detailText(page), /tidak ada di katalog/);
    await page.click('#detail-close');
    await waitForDetailClosed(page);
    assert.equal(await detailOpen(page), false);
    await context.close();
});
