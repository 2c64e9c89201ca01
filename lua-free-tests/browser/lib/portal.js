// Shared helpers of the portal browser tests: Debian's Chromium through
// playwright-core (never a downloaded browser), the portal's base URL from
// PORTAL_URL, and small waiting helpers that say what they saw on failure.

import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE = (process.env.PORTAL_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const SCREENSHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)),
                                     '..', 'screenshots');
export const TEST_TIMEOUT = 90_000;

const ARGS = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
    '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync',
];

export async function launch() {
    if (!fs.existsSync(CHROMIUM)) {
        throw new Error(`${CHROMIUM} not found: apt-get install -y chromium ` +
                        '(or set CHROMIUM_PATH)');
    }
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS,
                                            headless: true });
    // fail early and clearly when the gateway is not there
    const ctx = await browser.newContext();
    try {
        const res = await ctx.request.get(`${BASE}/api/catalog/categories`,
                                          { timeout: 10_000 });
        if (!res.ok()) {
            throw new Error(`GET ${BASE}/api/catalog/categories: ${res.status()}`);
        }
    } catch (e) {
        await browser.close();
        throw new Error(`the portal at PORTAL_URL=${BASE} does not answer ` +
                        `(start it with \`make run\`): ${e.message}`);
    } finally {
        await ctx.close().catch(() => {});
    }
    return browser;
}

// A fresh context and page; page errors fail the test that looks at them.
export async function newPage(browser, opts = {}) {
    const { viewport = { width: 1280, height: 800 }, ...rest } = opts;
    const context = await browser.newContext({ viewport, locale: 'id-ID',
                                               timezoneId: 'Asia/Jakarta', ...rest });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    page.errors = [];
    page.on('pageerror', (e) => page.errors.push(e.message));
    return { context, page };
}

export function url(p = '/') {
    return BASE + p;
}

// Wait until FN (run in the page) is truthy; on timeout the message names
// what was expected and what DESCRIBE (run in the page) saw.
export async function waitUntil(page, fn, arg, what, describe) {
    try {
        await page.waitForFunction(fn, arg, { timeout: 10_000 });
    } catch (e) {
        const seen = describe ? await page.evaluate(describe, arg).catch(() => '?') : '';
        throw new Error(`timed out waiting for ${what}; saw: ${JSON.stringify(seen)}`);
    }
}

const settledList = () => {
    const r = document.getElementById('results');
    const c = document.getElementById('count');
    return r && c && !r.hasAttribute('aria-busy') && c.textContent !== '';
};

// The list is loaded and not waiting for an answer.
export async function waitForList(page) {
    await waitUntil(page, settledList, null, 'the service list',
                    () => document.getElementById('count')?.textContent);
}

// The live count says "N layanan ditemukan" and the list has settled.
export async function waitForCount(page, n) {
    const text = `${n} layanan ditemukan`;
    await waitUntil(page, (t) => {
        const r = document.getElementById('results');
        return !r.hasAttribute('aria-busy') &&
            document.getElementById('count').textContent === t;
    }, text, `"${text}"`, () => document.getElementById('count')?.textContent);
}

export async function countText(page) {
    return (await page.textContent('#count')).trim();
}

export async function cardNames(page) {
    return page.$$eval('#results .card h3', (hs) => hs.map((h) => h.textContent.trim()));
}

export function card(page, name) {
    return page.locator('#results .card').filter({
        has: page.locator('h3', { hasText: new RegExp(`^${escapeRe(name)}$`) }),
    });
}

export function escapeRe(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export async function detailOpen(page) {
    return page.evaluate(() => document.getElementById('detail').open);
}

// The detail dialog is open and its content has loaded.
export async function waitForDetail(page, title) {
    await waitUntil(page, (t) => {
        const d = document.getElementById('detail');
        return d.open && !document.getElementById('detail-body').hasAttribute('aria-busy') &&
            (t === null || document.getElementById('detail-title').textContent === t);
    }, title ?? null, `the detail of ${title}`,
    () => document.getElementById('detail-title')?.textContent);
}

export async function waitForDetailClosed(page) {
    await waitUntil(page, () => !document.getElementById('detail').open, null,
                    'the detail to close');
}

// A short description of the focused element.
export async function focused(page) {
    return page.evaluate(() => {
        const a = document.activeElement;
        if (!a || a === document.body) { return 'body'; }
        return `${a.tagName.toLowerCase()}${a.id ? '#' + a.id : ''}` +
            `${a.className ? '.' + String(a.className).split(/\s+/).join('.') : ''}` +
            ` "${(a.textContent || a.value || '').trim().slice(0, 40)}"`;
    });
}

// Press Tab (or Shift+Tab) until PRED(document.activeElement) holds.
export async function tabUntil(page, pred, { max = 30, back = false, arg = null } = {}) {
    const seen = [];
    for (let i = 0; i < max; i++) {
        await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
        if (await page.evaluate(pred, arg)) { return seen; }
        seen.push(await focused(page));
    }
    throw new Error(`focus never reached the target after ${max} ${back ? 'Shift+' : ''}Tab: ` +
                    seen.join(' -> '));
}

// axe-core on the page: no violation of impact serious or critical.
export async function assertAxeClean(page, label) {
    const results = await new AxeBuilder({ page }).analyze();
    const bad = results.violations.filter((v) => v.impact === 'serious' ||
                                                 v.impact === 'critical');
    if (bad.length) {
        const lines = bad.map((v) => `  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})\n` +
            v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ` +
                `${n.failureSummary.replace(/\s+/g, ' ')}`).join('\n'));
        console.log(`axe violations on ${label}:\n${lines.join('\n')}`);
    }
    const minor = results.violations.filter((v) => !bad.includes(v));
    if (minor.length) {
        console.log(`axe (moderate/minor, not failing) on ${label}: ` +
                    minor.map((v) => `${v.id} [${v.impact}]`).join(', '));
    }
    assert.deepEqual(bad.map((v) => v.id), [], `axe: serious or critical violations on ${label}`);
    return results;
}

export function screenshotPath(name) {
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    return path.join(SCREENSHOTS, name);
}

// The JSON the gateway itself answers (to compare with the page).
export async function api(context, p) {
    const res = await context.request.get(url(`/api/catalog/${p}`));
    assert.equal(res.status(), 200, `GET /api/catalog/${p}`);
    return res.json();
}

// Route the services list through FN(json) => json (mocked answers).
export async function rewriteServices(page, fn) {
    await page.route(/\/api\/catalog\/services(\?|$)/, async (route) => {
        const res = await route.fetch();
        const body = fn(await res.json());
        await route.fulfill({ response: res, json: body });
    });
}
