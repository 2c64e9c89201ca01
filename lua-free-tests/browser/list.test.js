// The service list: first page before typing, search as you type, filters,
// pagination, the URL state, status badges, empty and error states, and
// that API text never becomes markup.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
    launch, newPage, url, api, waitForList, waitForCount, countText, cardNames,
    card, waitUntil, rewriteServices, TEST_TIMEOUT,
} from './lib/portal.js';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const T = { timeout: TEST_TIMEOUT };
const sorted = (a) => [...a].sort();

test('before anything is typed it lists the first page of all services', T, async () => {
    const { context, page } = await newPage(browser);
    const all = await api(context, 'services?per_page=200');
    assert.ok(all.total > 20, 'the example catalog has more than one page');
    await page.goto(url('/'));
    await waitForCount(page, all.total);
    const names = await cardNames(page);
    assert.equal(names.length, 20, 'a first page of 20 cards');
    for (const n of names) {
        assert.ok(all.services.some((s) => s.name === n), `${n} is a catalog service`);
    }
    assert.equal(await page.inputValue('#q'), '');
    assert.equal(await page.textContent('#page-info'),
                 `Halaman 1 dari ${Math.ceil(all.total / 20)}`);
    assert.equal(new URL(page.url()).search, '', 'no query string before a search');
    assert.deepEqual(page.errors, []);
    await context.close();
});

test('typing "paspor" shows the passport services and their count', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await page.locator('#q').pressSequentially('paspor', { delay: 30 });
    await waitForCount(page, 2);
    assert.deepEqual(sorted(await cardNames(page)),
                     ['Cek Status Permohonan Paspor', 'Paspor RI (M-Paspor)']);
    assert.equal(await countText(page), '2 layanan ditemukan');
    assert.equal(await page.getAttribute('#count', 'aria-live'), 'polite');
    // each card: its name links its unified URL, the agency, category and badge
    const c = card(page, 'Paspor RI (M-Paspor)');
    assert.equal(await c.locator('h3 a').getAttribute('href'), '/imigrasi/paspor');
    assert.equal(await c.locator('.card-agency').textContent(), 'Direktorat Jenderal Imigrasi');
    assert.match(await c.locator('.card-category').textContent(), /Keimigrasian/);
    assert.equal(await c.locator('.badge').textContent(), 'Aktif');
    assert.match(await c.locator('.card-desc').textContent(), /Permohonan paspor baru/);
    assert.equal(await c.locator('button', { hasText: 'Detail' }).count(), 1);
    // the search is in the address, and a reload (or a shared link) keeps it
    assert.equal(new URL(page.url()).searchParams.get('q'), 'paspor');
    await page.reload();
    await waitForCount(page, 2);
    assert.equal(await page.inputValue('#q'), 'paspor');
    assert.deepEqual(page.errors, []);
    await context.close();
});

test('search as you type waits for a pause (one request for a word)', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    const sent = [];
    page.on('request', (r) => {
        if (/\/api\/catalog\/services\?/.test(r.url())) { sent.push(new URL(r.url())); }
    });
    // keystrokes 40 ms apart, timed inside the page (CDP round trips can lag)
    await page.focus('#q');
    await page.evaluate(async () => {
        const q = document.getElementById('q');
        for (const ch of 'paspor') {
            q.value += ch;
            q.dispatchEvent(new InputEvent('input', { bubbles: true, data: ch,
                                                      inputType: 'insertText' }));
            await new Promise((r) => setTimeout(r, 40));
        }
    });
    await waitForCount(page, 2);
    assert.deepEqual(sent.map((u) => u.searchParams.get('q')), ['paspor'],
                     'one request, after the typing stopped');
    // empty parameters are not sent
    for (const k of ['agency', 'category', 'status', 'tag', 'sort']) {
        assert.equal(sent[0].searchParams.has(k), false, `no empty ${k}=`);
    }
    await context.close();
});

test('a slow answer to an older query never replaces a newer one', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    const failed = [];
    page.on('requestfailed', (r) => failed.push(new URL(r.url()).searchParams.get('q')));
    await page.route(/\/api\/catalog\/services\?/, async (route) => {
        if (new URL(route.request().url()).searchParams.get('q') === 'pa') {
            await new Promise((r) => setTimeout(r, 1500));
        }
        await route.continue().catch(() => {});
    });
    const first = page.waitForRequest((r) => new URL(r.url()).searchParams.get('q') === 'pa');
    await page.locator('#q').pressSequentially('pa');
    await first;
    await page.locator('#q').pressSequentially('spor');
    await waitForCount(page, 2);
    await page.waitForTimeout(2000);     // the "pa" answer would have come by now
    assert.equal(await countText(page), '2 layanan ditemukan');
    assert.deepEqual(sorted(await cardNames(page)),
                     ['Cek Status Permohonan Paspor', 'Paspor RI (M-Paspor)']);
    assert.ok(failed.includes('pa'), 'the stale request was cancelled (AbortController)');
    await context.close();
});

test('filter by agency, with counts in the list of agencies', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await waitUntil(page, () => document.querySelectorAll('#agency option').length > 1,
                    null, 'the agencies');
    const opt = await page.$eval('#agency option[value="imigrasi"]', (o) => o.textContent);
    assert.equal(opt, 'Direktorat Jenderal Imigrasi (5)');
    await page.selectOption('#agency', 'imigrasi');
    await waitForCount(page, 5);
    assert.deepEqual(sorted(await cardNames(page)), [
        'Cek Status Permohonan Paspor',
        'Informasi Keimigrasian',
        'Izin Tinggal Terbatas dan Tetap (ITAS/ITAP)',
        'Paspor RI (M-Paspor)',
        'Visa Elektronik (e-Visa)',
    ]);
    const agencies = await page.$$eval('#results .card-agency', (a) => a.map((x) => x.textContent));
    assert.ok(agencies.every((a) => a === 'Direktorat Jenderal Imigrasi'), agencies.join());
    assert.equal(new URL(page.url()).searchParams.get('agency'), 'imigrasi');
    // with a search on top
    await page.fill('#q', 'paspor');
    await waitForCount(page, 2);
    await page.fill('#q', 'pajak');
    await waitForCount(page, 0);
    await context.close();
});

test('filter by category, and by agency and category together', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await waitUntil(page, () => document.querySelectorAll('#category option').length > 1,
                    null, 'the categories');
    assert.equal(await page.$eval('#category option[value="perpajakan"]', (o) => o.textContent),
                 'Perpajakan (5)');
    await page.selectOption('#category', 'perpajakan');
    await waitForCount(page, 5);
    assert.deepEqual(sorted(await cardNames(page)), [
        'Informasi Perpajakan',
        'Pajak Bumi dan Bangunan (PBB-P2)',
        'Pendaftaran NPWP',
        'e-Bupot Unifikasi',
        'e-Filing SPT Tahunan',
    ].sort());
    const cats = await page.$$eval('#results .card-category', (a) => a.map((x) => x.textContent));
    assert.ok(cats.every((c) => /Perpajakan$/.test(c)), cats.join());
    await page.selectOption('#agency', 'bapenda-dki');
    await waitForCount(page, 1);
    assert.deepEqual(await cardNames(page), ['Pajak Bumi dan Bangunan (PBB-P2)']);
    const q = new URL(page.url()).searchParams;
    assert.equal(q.get('category'), 'perpajakan');
    assert.equal(q.get('agency'), 'bapenda-dki');
    // a shared link restores the filters
    const { context: c2, page: p2 } = await newPage(browser);
    await p2.goto(page.url());
    await waitForCount(p2, 1);
    assert.equal(await p2.inputValue('#category'), 'perpajakan');
    await waitUntil(p2, () => document.getElementById('agency').value === 'bapenda-dki',
                    null, 'the agency select to show bapenda-dki');
    await c2.close();
    await context.close();
});

test('pagination: previous, next, "Halaman X dari Y", kept in the URL', T, async () => {
    const { context, page } = await newPage(browser);
    const { total } = await api(context, 'services');
    const pages = Math.ceil(total / 20);
    await page.goto(url('/'));
    await waitForCount(page, total);
    assert.equal(await page.isVisible('#pager'), true);
    assert.equal(await page.isDisabled('#prev'), true);
    assert.equal(await page.isDisabled('#next'), false);
    const firstPage = await cardNames(page);
    await page.click('#next');
    await waitUntil(page, (t) => document.getElementById('page-info').textContent === t,
                    `Halaman 2 dari ${pages}`, 'page 2',
                    () => document.getElementById('page-info').textContent);
    await waitForList(page);
    const second = await cardNames(page);
    assert.equal(second.length, pages === 2 ? total - 20 : 20);
    assert.ok(second.every((n) => !firstPage.includes(n)), 'page 2 has other services');
    assert.equal(new URL(page.url()).searchParams.get('page'), '2');
    assert.equal(await page.isDisabled('#prev'), false);
    assert.equal(await page.isDisabled('#next'), pages === 2);
    // the focus goes to the results heading, not to <body>
    assert.equal(await page.evaluate(() => document.activeElement.id), 'results-title');
    await page.reload();
    await waitForList(page);
    assert.deepEqual(await cardNames(page), second);
    await page.click('#prev');
    await waitUntil(page, () => document.getElementById('page-info').textContent
                    .startsWith('Halaman 1 '), null, 'page 1');
    await waitForList(page);
    assert.deepEqual(await cardNames(page), firstPage);
    assert.equal(new URL(page.url()).searchParams.has('page'), false);
    // a new search starts again at page 1
    await page.click('#next');
    await waitUntil(page, () => /[?&]page=2/.test(location.search), null, 'page=2');
    await page.fill('#q', 'pajak');
    await waitUntil(page, () => !/[?&]page=/.test(location.search), null, 'page reset');
    await context.close();
});

test('a shared link past the last page shows the last page', T, async () => {
    const { context, page } = await newPage(browser);
    const { total } = await api(context, 'services');
    const pages = Math.ceil(total / 20);
    await page.goto(url('/?page=99'));
    await waitUntil(page, (t) => document.getElementById('page-info').textContent === t,
                    `Halaman ${pages} dari ${pages}`, 'the last page',
                    () => document.getElementById('page-info').textContent);
    await waitForList(page);
    assert.equal(new URL(page.url()).searchParams.get('page'), String(pages));
    assert.equal((await cardNames(page)).length, total - (pages - 1) * 20);
    await context.close();
});

test('the sort order is sent to the API and kept in the URL', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=pajak'));
    await waitForList(page);
    const req = page.waitForRequest((r) => /\/api\/catalog\/services\?/.test(r.url()));
    await page.selectOption('#sort', 'agency');
    const sent = new URL((await req).url()).searchParams;
    assert.equal(sent.get('sort'), 'agency');
    assert.equal(sent.get('q'), 'pajak');
    await waitForList(page);
    const agencies = await page.$$eval('#results .card-agency', (a) => a.map((x) => x.textContent));
    assert.deepEqual(agencies, [...agencies].sort((a, b) => a.localeCompare(b, 'id')));
    assert.equal(new URL(page.url()).searchParams.get('sort'), 'agency');
    await context.close();
});

test('a maintenance service shows "Dalam pemeliharaan" and its message', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/?q=antrean'));
    await waitForList(page);
    const c = card(page, 'Antrean Online Fasilitas Kesehatan');
    assert.equal(await c.count(), 1);
    assert.equal(await c.locator('.badge').textContent(), 'Dalam pemeliharaan');
    assert.match(await c.textContent(),
                 /Layanan antrean online sedang dalam pemeliharaan terjadwal/);
    await context.close();
});

test('the end of a maintenance window is shown when the API knows it', T, async () => {
    const { context, page } = await newPage(browser);
    await rewriteServices(page, (body) => {
        for (const s of body.services) {
            if (s.id === 'bpjs-kesehatan/antrean-online') {
                s.status_until = '2026-12-01T08:00:00+07:00';
            }
        }
        return body;
    });
    await page.goto(url('/?q=antrean'));
    await waitForList(page);
    const until = await card(page, 'Antrean Online Fasilitas Kesehatan')
        .locator('.status-until').textContent();
    assert.match(until, /^Perkiraan selesai: 1 Desember 2026/);
    await context.close();
});

test('retired services say "Tidak berlaku lagi" and are not offered as links', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await page.selectOption('#status', 'retired');
    await waitForCount(page, 3);
    assert.deepEqual(sorted(await cardNames(page)),
                     ['KTP Non-Elektronik', 'Kartu Kuning (AK/I) Manual', 'OSS Versi 1.1']);
    const badges = await page.$$eval('#results .badge', (b) => b.map((x) => x.textContent));
    assert.deepEqual(badges, ['Tidak berlaku lagi', 'Tidak berlaku lagi', 'Tidak berlaku lagi']);
    assert.equal(await page.locator('#results .card h3 a').count(), 0,
                 'a retired service has no "open" link');
    // also among active ones
    await page.selectOption('#status', '');
    await page.fill('#q', 'ktp');
    await waitForList(page);
    await waitUntil(page, () => new URLSearchParams(location.search).get('q') === 'ktp',
                    null, 'q=ktp');
    const ktp = card(page, 'KTP Non-Elektronik');
    assert.equal(await ktp.locator('.badge').textContent(), 'Tidak berlaku lagi');
    assert.equal(await ktp.locator('h3 a').count(), 0);
    assert.equal(await card(page, 'KTP Elektronik').locator('.badge').textContent(), 'Aktif');
    assert.equal(await card(page, 'KTP Elektronik').locator('h3 a').getAttribute('href'),
                 '/dukcapil/ktp');
    await context.close();
});

test('no result: a message and a way back', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await page.fill('#q', 'zzqxjw');
    await waitForCount(page, 0);
    assert.equal(await page.locator('#results li').count(), 0);
    assert.equal(await page.isVisible('#notice'), true);
    assert.match(await page.textContent('#notice'), /Tidak ada layanan yang cocok/);
    await page.click('#notice-action');
    await waitForList(page);
    assert.equal(await page.inputValue('#q'), '');
    assert.ok((await cardNames(page)).length > 0);
    assert.equal(await page.isVisible('#notice'), false);
    await context.close();
});

test('the API is down: a friendly message, and "Coba lagi" recovers', T, async () => {
    const { context, page } = await newPage(browser);
    let down = true;
    await page.route(/\/api\/catalog\/services(\?|$)/, (route) => (down
        ? route.fulfill({ status: 502, contentType: 'text/html', body: '<h1>502</h1>' })
        : route.continue()));
    await page.goto(url('/'));
    await waitUntil(page, () => !document.getElementById('notice').hidden, null,
                    'the error message');
    assert.match(await page.textContent('#notice'),
                 /Maaf, katalog layanan sedang tidak dapat dihubungi/);
    assert.equal(await page.locator('#results li').count(), 0);
    assert.equal(await countText(page), 'Daftar layanan gagal dimuat');
    // a refused connection too
    await page.unroute(/\/api\/catalog\/services(\?|$)/);
    await page.route(/\/api\/catalog\/services(\?|$)/, (route) => (down
        ? route.abort('connectionrefused') : route.continue()));
    await page.fill('#q', 'ktp');
    await waitUntil(page, () => new URLSearchParams(location.search).get('q') === 'ktp',
                    null, 'q=ktp');
    await waitForList(page);
    assert.match(await page.textContent('#notice'), /tidak dapat dihubungi/);
    down = false;
    await page.click('#notice-action');
    await waitForList(page);
    assert.ok((await cardNames(page)).includes('KTP Elektronik'));
    assert.equal(await page.isVisible('#notice'), false);
    assert.deepEqual(page.errors, []);
    await context.close();
});

test('a query over 256 bytes is refused with a message', T, async () => {
    const { context, page } = await newPage(browser);
    await page.goto(url('/'));
    await waitForList(page);
    await page.fill('#q', 'é'.repeat(129));      // 258 bytes in UTF-8
    await waitUntil(page, () => !document.getElementById('notice').hidden, null,
                    'the message');
    assert.match(await page.textContent('#notice'), /terlalu panjang/);
    await page.fill('#q', 'paspor');
    await waitForCount(page, 2);
    await context.close();
});

test('API text is shown as text, and only safe addresses become links', T, async () => {
    const { context, page } = await newPage(browser);
    const svc = (id, name, url, extra = {}) => ({
        id, agency: { id: 'x', name: 'X' }, name, description: '', category: 'uji', tags: [],
        status: 'active', status_message: null, status_until: null, url, routes: [],
        docs_url: null, contact: null, version: null, ...extra });
    await rewriteServices(page, () => ({
        total: 4, page: 1, per_page: 20, services: [
            svc('x/a', '<img src=x id="inj-name">', '/x/a', {
                agency: { id: 'x', name: '<b id="inj-agency">X</b>' },
                description: '<img src=x id="inj-desc">',
                status: 'maintenance', status_message: '<i id="inj-msg">m</i>' }),
            svc('x/b', '<img src=x id="inj-name2">', 'javascript:window.pwned=1'),
            svc('x/c', 'Protokol relatif', '//evil.example/'),
            svc('x/d', 'Data URL', 'data:text/html,<b>x</b>'),
        ],
    }));
    await page.goto(url('/'));
    await waitForCount(page, 4);
    assert.deepEqual(await cardNames(page), ['<img src=x id="inj-name">',
        '<img src=x id="inj-name2">', 'Protokol relatif', 'Data URL']);
    for (const id of ['inj-name', 'inj-name2', 'inj-agency', 'inj-desc', 'inj-msg']) {
        assert.equal(await page.locator(`#${id}`).count(), 0, `no element #${id}`);
    }
    assert.equal(await page.evaluate(() => window.pwned), undefined);
    const hrefs = await page.$$eval('#results a', (as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs, ['/x/a']);
    // and in the detail view
    await page.route(/\/api\/catalog\/services\/x\/a$/, (route) => route.fulfill({
        json: svc('x/a', '<img src=x id="inj-dname">', 'javascript:void(0)', {
            docs_url: 'javascript:window.pwned=1', contact: '<img src=x id="inj-contact">',
            version: '<b id="inj-version">1</b>',
            routes: [{ path: '<img src=x id="inj-route">', match: 'prefix' }] }) }));
    await page.locator('.detail-button').first().click();
    await page.waitForSelector('#detail dl');
    assert.equal(await page.textContent('#detail-title'), '<img src=x id="inj-dname">');
    for (const id of ['inj-dname', 'inj-contact', 'inj-version', 'inj-route']) {
        assert.equal(await page.locator(`#${id}`).count(), 0, `no element #${id}`);
    }
    assert.equal(await page.locator('#detail a').count(), 0, 'no unsafe link in the detail');
    await context.close();
});

test('the portal runs under a strict Content-Security-Policy, same origin only', T, async () => {
    const { context, page } = await newPage(browser);
    const csp = "default-src 'none'; script-src 'self'; style-src 'self'; " +
                "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'";
    await page.route((u) => u.pathname === '/', async (route) => {
        const res = await route.fetch();
        await route.fulfill({ response: res,
                              headers: { ...res.headers(), 'content-security-policy': csp } });
    });
    const violations = [];
    page.on('console', (m) => {
        if (/Content Security Policy/i.test(m.text())) { violations.push(m.text()); }
    });
    const origins = new Set();
    page.on('request', (r) => origins.add(new URL(r.url()).origin));
    await page.goto(url('/'));
    await waitForList(page);
    await page.fill('#q', 'paspor');
    await waitForCount(page, 2);
    await card(page, 'Paspor RI (M-Paspor)').locator('button').click();
    await page.waitForSelector('#detail dl');
    assert.deepEqual(violations, []);
    assert.deepEqual([...origins], [new URL(url('/')).origin], 'no third-party requests');
    assert.deepEqual(page.errors, []);
    await context.close();
});
