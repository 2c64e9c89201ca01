/* ngx_catalog portal: search the service catalog through the JSON API.
 *
 * Plain JavaScript, no build step, no dependencies, no inline code (it runs
 * under a Content-Security-Policy of script-src 'self').  Every text that
 * comes from the API is inserted with textContent; links are made only from
 * addresses that start with "/" (on this site) or with http(s)://.
 *
 * State lives in the query string (q, agency, category, status, sort, page;
 * history.replaceState, so a search can be shared) and the open service in
 * the hash (#layanan/AGENCY/SERVICE, history.pushState, so Back closes it).
 */
(function () {
    'use strict';

    var DEBOUNCE_MS = 200;
    var PER_PAGE = 20;
    var MAX_Q_BYTES = 256;
    var STATUS_LABELS = {
        active: 'Aktif',
        maintenance: 'Dalam pemeliharaan',
        retired: 'Tidak berlaku lagi'
    };
    var MATCH_LABELS = {
        prefix: 'alamat ini dan semua alamat di bawahnya',
        exact: 'hanya alamat ini'
    };
    var ID_RE = /^[a-z0-9][a-z0-9-]{0,62}$/;
    var HASH_RE = /^#layanan\/([a-z0-9][a-z0-9-]{0,62})\/([a-z0-9][a-z0-9-]{0,62})$/;
    var SORTS = { relevance: 1, name: 1, agency: 1 };
    var STATUSES = { active: 1, maintenance: 1, retired: 1 };

    var meta = document.querySelector('meta[name="catalog-api"]');
    var apiBase = new URL((meta && meta.getAttribute('content')) || '/api/catalog/',
                          document.baseURI);
    if (!/\/$/.test(apiBase.pathname)) {
        apiBase.pathname += '/';
    }

    var el = {};
    var state = { q: '', agency: '', category: '', status: '', sort: '', page: 1 };
    var listCtl = null;       /* AbortController of the list request in flight */
    var listSeq = 0;          /* answers to older requests are dropped */
    var detailCtl = null;
    var detailSeq = 0;
    var shown = {};           /* the services of the page on screen, by id */
    var debounceTimer = 0;
    var opener = null;        /* the element that opened the detail view */
    var pushedHash = false;   /* we added the history entry of the detail */
    var numberFmt = safeNumberFormat();
    var dateFmt = safeDateFormat();

    function $(id) { return document.getElementById(id); }

    function safeNumberFormat() {
        try { return new Intl.NumberFormat('id-ID'); } catch (e) { return null; }
    }
    function safeDateFormat() {
        try {
            return new Intl.DateTimeFormat('id-ID', {
                day: 'numeric', month: 'long', year: 'numeric',
                hour: '2-digit', minute: '2-digit', timeZoneName: 'short'
            });
        } catch (e) { return null; }
    }
    function fmtNumber(n) { return numberFmt ? numberFmt.format(n) : String(n); }
    function fmtDate(s) {
        var d = new Date(s);
        if (!dateFmt || isNaN(d.getTime())) { return String(s); }
        return dateFmt.format(d);
    }

    function str(v) { return typeof v === 'string' ? v : ''; }

    /* An address we are willing to put in an href, or null. */
    function safeHref(u) {
        if (typeof u !== 'string' || u === '') { return null; }
        if (/[\u0000-\u001f\u007f\s\\]/.test(u)) { return null; }
        if (u.charAt(0) === '/' && u.charAt(1) !== '/') { return u; }
        if (/^https?:\/\/[^\/]/i.test(u)) { return u; }
        return null;
    }

    function utf8Length(s) {
        if (window.TextEncoder) { return new TextEncoder().encode(s).length; }
        return unescape(encodeURIComponent(s)).length;
    }

    function categoryLabel(id) {
        var s = str(id).replace(/[-_]+/g, ' ');
        return s.charAt(0).toUpperCase() + s.slice(1);
    }

    /* h('p', {className: 'x'}, child, 'text', ...) */
    function h(tag, props) {
        var node = document.createElement(tag);
        var k, i, c;
        if (props) {
            for (k in props) {
                if (!Object.prototype.hasOwnProperty.call(props, k)) { continue; }
                if (k === 'className') { node.className = props[k]; }
                else if (k === 'text') { node.textContent = props[k]; }
                else { node.setAttribute(k, props[k]); }
            }
        }
        for (i = 2; i < arguments.length; i++) {
            c = arguments[i];
            if (c === null || c === undefined || c === false) { continue; }
            node.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
        }
        return node;
    }

    function link(href, text, className) {
        var safe = safeHref(href);
        if (!safe) { return h('span', { className: className || '', text: text }); }
        var a = h('a', { href: safe, text: text });
        if (className) { a.className = className; }
        return a;
    }

    function badge(status) {
        var label = STATUS_LABELS[status] || ('Status: ' + str(status));
        var cls = STATUS_LABELS[status] ? status : 'retired';
        return h('span', { className: 'badge badge-' + cls, text: label });
    }

    /* ---- API ---- */

    function apiUrl(path, params) {
        var u = new URL(path, apiBase);
        var k;
        if (params) {
            for (k in params) {
                if (params[k] !== '' && params[k] !== null && params[k] !== undefined) {
                    u.searchParams.set(k, String(params[k]));
                }
            }
        }
        return u.toString();
    }

    function getJSON(url, signal) {
        return fetch(url, {
            headers: { Accept: 'application/json' },
            signal: signal,
            credentials: 'same-origin'
        }).then(function (res) {
            return res.json().catch(function () { return null; }).then(function (body) {
                if (!res.ok) {
                    var err = new Error('HTTP ' + res.status);
                    err.status = res.status;
                    err.body = body;
                    throw err;
                }
                if (body === null) {
                    var bad = new Error('bad JSON');
                    bad.status = 0;
                    throw bad;
                }
                return body;
            });
        });
    }

    /* ---- URL state ---- */

    function readQuery() {
        var p = new URLSearchParams(window.location.search);
        var page = parseInt(p.get('page') || '1', 10);
        state.q = p.get('q') || '';
        state.agency = ID_RE.test(p.get('agency') || '') ? p.get('agency') : '';
        state.category = ID_RE.test(p.get('category') || '') ? p.get('category') : '';
        state.status = STATUSES[p.get('status')] ? p.get('status') : '';
        state.sort = SORTS[p.get('sort')] ? p.get('sort') : '';
        state.page = page > 0 && page < 1e6 ? page : 1;
    }

    function writeQuery() {
        var p = new URLSearchParams();
        if (state.q) { p.set('q', state.q); }
        if (state.agency) { p.set('agency', state.agency); }
        if (state.category) { p.set('category', state.category); }
        if (state.status) { p.set('status', state.status); }
        if (state.sort) { p.set('sort', state.sort); }
        if (state.page > 1) { p.set('page', String(state.page)); }
        var qs = p.toString();
        var url = window.location.pathname + (qs ? '?' + qs : '') + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            history.replaceState(history.state, '', url);
        }
    }

    function formToState() {
        state.q = el.q.value.trim();
        state.agency = el.agency.value;
        state.category = el.category.value;
        state.status = el.status.value;
        state.sort = el.sort.value;
    }

    function stateToForm() {
        if (el.q.value.trim() !== state.q) { el.q.value = state.q; }
        selectValue(el.agency, state.agency);
        selectValue(el.category, state.category);
        selectValue(el.status, state.status);
        selectValue(el.sort, state.sort === 'relevance' ? '' : state.sort);
    }

    /* Select VALUE, adding an option for it when the list does not have it
     * (a shared link to an agency the list could not load). */
    function selectValue(select, value) {
        var i;
        for (i = 0; i < select.options.length; i++) {
            if (select.options[i].value === value) {
                select.value = value;
                return;
            }
        }
        if (value) {
            select.appendChild(h('option', { value: value, text: value }));
            select.value = value;
        }
    }

    /* ---- filters ---- */

    function loadFilters() {
        getJSON(apiUrl('agencies')).then(function (list) {
            if (!Array.isArray(list)) { return; }
            list = list.filter(function (a) { return a && ID_RE.test(str(a.id)); });
            list.sort(function (a, b) {
                return str(a.name || a.id).localeCompare(str(b.name || b.id), 'id');
            });
            fillSelect(el.agency, 'Semua instansi', list.map(function (a) {
                return { value: a.id, text: (str(a.name) || a.id), count: a.services };
            }), state.agency);
        }).catch(function () { /* the select keeps "Semua instansi" */ });

        getJSON(apiUrl('categories')).then(function (list) {
            if (!Array.isArray(list)) { return; }
            list = list.filter(function (c) { return c && ID_RE.test(str(c.id)); });
            list.sort(function (a, b) { return a.id.localeCompare(b.id, 'id'); });
            fillSelect(el.category, 'Semua kategori', list.map(function (c) {
                return { value: c.id, text: categoryLabel(c.id), count: c.services };
            }), state.category);
        }).catch(function () { /* the select keeps "Semua kategori" */ });
    }

    function fillSelect(select, allText, items, current) {
        var frag = document.createDocumentFragment();
        frag.appendChild(h('option', { value: '', text: allText }));
        items.forEach(function (it) {
            var text = it.text;
            if (typeof it.count === 'number') { text += ' (' + fmtNumber(it.count) + ')'; }
            frag.appendChild(h('option', { value: it.value, text: text }));
        });
        select.textContent = '';
        select.appendChild(frag);
        selectValue(select, current);
    }

    /* ---- the list ---- */

    function scheduleSearch() {
        clearTimeout(debounceTimer);
        debounceTimer = setTimeout(function () {
            debounceTimer = 0;
            var q = el.q.value.trim();
            if (q === state.q) { return; }
            state.q = q;
            state.page = 1;
            loadList();
        }, DEBOUNCE_MS);
    }

    function searchNow() {
        clearTimeout(debounceTimer);
        debounceTimer = 0;
        formToState();
        state.page = 1;
        loadList();
    }

    function setCount(text) {
        if (el.count.textContent !== text) { el.count.textContent = text; }
    }

    function showNotice(text, isError, actionText, action) {
        el.noticeText.textContent = text;
        el.notice.classList.toggle('is-error', !!isError);
        if (actionText) {
            el.noticeAction.textContent = actionText;
            el.noticeAction.hidden = false;
            el.noticeAction.onclick = action;
        } else {
            el.noticeAction.hidden = true;
            el.noticeAction.onclick = null;
        }
        el.notice.hidden = false;
    }

    function hideNotice() { el.notice.hidden = true; }

    function loadList(focusResults) {
        var seq = ++listSeq;
        if (listCtl) { listCtl.abort(); }
        listCtl = null;
        writeQuery();

        if (utf8Length(state.q) > MAX_Q_BYTES) {
            el.results.textContent = '';
            el.pager.hidden = true;
            setCount('Kata kunci terlalu panjang');
            showNotice('Kata kunci terlalu panjang: paling banyak ' + MAX_Q_BYTES +
                       ' byte. Persingkat pencarian Anda.', true);
            return;
        }

        listCtl = window.AbortController ? new AbortController() : null;
        el.results.setAttribute('aria-busy', 'true');

        getJSON(apiUrl('services', {
            q: state.q,
            agency: state.agency,
            category: state.category,
            status: state.status,
            sort: state.sort,
            page: state.page > 1 ? state.page : '',
            per_page: PER_PAGE
        }), listCtl ? listCtl.signal : undefined).then(function (data) {
            if (seq !== listSeq) { return; }
            listCtl = null;
            el.results.removeAttribute('aria-busy');
            renderList(data, focusResults);
        }).catch(function (err) {
            if (seq !== listSeq || (err && err.name === 'AbortError')) { return; }
            listCtl = null;
            el.results.removeAttribute('aria-busy');
            el.results.textContent = '';
            el.pager.hidden = true;
            if (err && err.status === 400) {
                setCount('Pencarian tidak dapat diproses');
                showNotice('Pencarian ini tidak dapat diproses. Periksa kata kunci dan ' +
                           'filter Anda, lalu coba lagi.', true,
                           'Hapus pencarian', resetAll);
            } else {
                setCount('Daftar layanan gagal dimuat');
                showNotice('Maaf, katalog layanan sedang tidak dapat dihubungi. ' +
                           'Silakan coba lagi beberapa saat lagi.', true,
                           'Coba lagi', function () { loadList(true); });
            }
        });
    }

    function renderList(data, focusResults) {
        var services = data && Array.isArray(data.services) ? data.services : [];
        var total = data && typeof data.total === 'number' ? data.total : services.length;
        var perPage = data && data.per_page > 0 ? data.per_page : PER_PAGE;
        var pages = Math.max(1, Math.ceil(total / perPage));

        /* a shared link to a page past the end: show the last page */
        if (services.length === 0 && total > 0 && state.page > pages) {
            state.page = pages;
            loadList(focusResults);
            return;
        }
        setCount(fmtNumber(total) + ' layanan ditemukan');

        var frag = document.createDocumentFragment();
        shown = {};
        services.forEach(function (svc, i) {
            if (svc && typeof svc === 'object') {
                frag.appendChild(card(svc, i));
                if (typeof svc.id === 'string') { shown[svc.id] = svc; }
            }
        });
        el.results.textContent = '';
        el.results.appendChild(frag);

        if (total === 0) {
            var filtered = state.q || state.agency || state.category || state.status;
            showNotice(filtered
                ? 'Tidak ada layanan yang cocok dengan pencarian Anda. Coba kata kunci ' +
                  'lain atau hapus filter.'
                : 'Katalog belum memuat layanan apa pun.',
                false, filtered ? 'Hapus pencarian' : null, resetAll);
        } else {
            hideNotice();
        }

        el.pager.hidden = pages <= 1;
        el.pageInfo.textContent = 'Halaman ' + fmtNumber(Math.min(state.page, pages)) +
                                  ' dari ' + fmtNumber(pages);
        el.prev.disabled = state.page <= 1;
        el.next.disabled = state.page >= pages;

        if (focusResults) {
            el.resultsTitle.focus();
        }
    }

    function card(svc, i) {
        var id = str(svc.id);
        var status = str(svc.status) || 'active';
        var retired = status === 'retired';
        var titleId = 'svc-' + i;
        var agency = svc.agency && typeof svc.agency === 'object' ? svc.agency : {};
        var url = safeHref(svc.url);

        var title = h('h3', { id: titleId });
        if (url && !retired) {
            title.appendChild(h('a', { href: url, text: str(svc.name) || id }));
        } else {
            title.textContent = str(svc.name) || id;
        }

        var statusBox = null;
        if (status === 'maintenance' || retired || svc.status_message) {
            statusBox = h('div', { className: 'card-status' });
            if (status === 'maintenance' && !svc.status_message) {
                statusBox.appendChild(h('p', { text: 'Layanan ini sedang dalam pemeliharaan.' }));
            }
            if (retired && !svc.status_message) {
                statusBox.appendChild(h('p', { text: 'Layanan ini sudah dihentikan dan tidak dapat dibuka lagi.' }));
            }
            if (svc.status_message) {
                statusBox.appendChild(h('p', { className: 'status-message', text: str(svc.status_message) }));
            }
            if (svc.status_until && status === 'maintenance') {
                statusBox.appendChild(h('p', { className: 'status-until',
                    text: 'Perkiraan selesai: ' + fmtDate(svc.status_until) }));
            }
        }

        var detailBtn = h('button', {
            type: 'button',
            className: 'button button-secondary detail-button',
            'data-id': id
        }, 'Detail', h('span', { className: 'sr-only', text: ' ' + (str(svc.name) || id) }));

        var actions = h('div', { className: 'card-actions' }, detailBtn);

        var article = h('article', {
            className: 'card is-' + (STATUS_LABELS[status] ? status : 'retired'),
            'aria-labelledby': titleId
        },
            title,
            h('p', { className: 'card-agency', text: str(agency.name) || str(agency.id) }),
            h('p', { className: 'card-meta' },
                badge(status),
                h('span', { className: 'chip card-category' },
                  h('span', { className: 'sr-only', text: 'Kategori: ' }),
                  categoryLabel(svc.category)),
                url ? h('span', { className: 'card-url' },
                        h('span', { className: 'sr-only', text: 'Alamat: ' }), url) : null),
            statusBox,
            svc.description ? h('p', { className: 'card-desc', text: str(svc.description) }) : null,
            actions);
        return h('li', null, article);
    }

    function resetAll() {
        clearTimeout(debounceTimer);
        debounceTimer = 0;
        state.q = state.agency = state.category = state.status = state.sort = '';
        state.page = 1;
        el.q.value = '';
        stateToForm();
        loadList();
        el.q.focus();
    }

    function goPage(delta) {
        state.page = Math.max(1, state.page + delta);
        loadList(true);
        el.resultsTitle.scrollIntoView({ block: 'start' });
    }

    /* ---- the detail view ---- */

    function parseHash() {
        var m = HASH_RE.exec(window.location.hash);
        return m ? m[1] + '/' + m[2] : null;
    }

    function openDetail(id, from) {
        if (!/^[a-z0-9][a-z0-9-]{0,62}\/[a-z0-9][a-z0-9-]{0,62}$/.test(id)) { return; }
        opener = from || null;
        var hash = '#layanan/' + id;
        if (window.location.hash !== hash) {
            history.pushState({ detail: id }, '',
                              window.location.pathname + window.location.search + hash);
            pushedHash = true;
        }
        showDetail(id);
    }

    function showDetail(id) {
        var seq = ++detailSeq;
        if (detailCtl) { detailCtl.abort(); }
        detailCtl = window.AbortController ? new AbortController() : null;

        /* what the list already knows shows at once; the API's answer follows */
        var known = Object.prototype.hasOwnProperty.call(shown, id) ? shown[id] : null;
        var knownJSON = known ? JSON.stringify(known) : null;
        if (known) {
            renderDetail(known);
        } else {
            el.detailTitle.textContent = 'Detail layanan';
            el.detailBody.textContent = '';
            el.detailBody.appendChild(h('p', { text: 'Memuat detail layanan…' }));
        }
        el.detailBody.setAttribute('aria-busy', 'true');
        if (!el.detail.open) {
            if (typeof el.detail.showModal === 'function') {
                el.detail.showModal();
            } else {
                el.detail.setAttribute('open', '');
            }
        }
        el.detailClose.focus();

        var parts = id.split('/');
        getJSON(apiUrl('services/' + encodeURIComponent(parts[0]) + '/' +
                       encodeURIComponent(parts[1])),
                detailCtl ? detailCtl.signal : undefined).then(function (svc) {
            if (seq !== detailSeq) { return; }
            el.detailBody.removeAttribute('aria-busy');
            if (JSON.stringify(svc) !== knownJSON) { renderDetail(svc || {}); }
        }).catch(function (err) {
            if (seq !== detailSeq || (err && err.name === 'AbortError')) { return; }
            el.detailBody.removeAttribute('aria-busy');
            if (known && !(err && err.status === 404)) { return; }
            el.detailBody.textContent = '';
            if (err && err.status === 404) {
                el.detailTitle.textContent = 'Layanan tidak ditemukan';
                el.detailBody.appendChild(h('p', {
                    text: 'Layanan dengan kode ' + id + ' tidak ada di katalog. ' +
                          'Mungkin alamatnya salah atau layanan sudah dihapus.' }));
            } else {
                el.detailTitle.textContent = 'Detail gagal dimuat';
                el.detailBody.appendChild(h('p', {
                    text: 'Maaf, detail layanan sedang tidak dapat dimuat. ' +
                          'Silakan coba lagi beberapa saat lagi.' }));
            }
        });
    }

    function renderDetail(svc) {
        var status = str(svc.status) || 'active';
        var retired = status === 'retired';
        var agency = svc.agency && typeof svc.agency === 'object' ? svc.agency : {};
        var url = safeHref(svc.url);
        var body = el.detailBody;

        el.detailTitle.textContent = str(svc.name) || str(svc.id);
        body.textContent = '';

        body.appendChild(h('p', { className: 'detail-agency', text: str(agency.name) || str(agency.id) }));
        body.appendChild(h('p', null, badge(status)));

        if (status !== 'active' || svc.status_message) {
            var box = h('div', { className: 'detail-status' + (retired ? ' is-retired' : '') });
            if (status === 'maintenance') {
                box.appendChild(h('p', { text: 'Layanan ini sedang dalam pemeliharaan. Untuk sementara alamatnya menampilkan halaman pemeliharaan.' }));
            } else if (retired) {
                box.appendChild(h('p', { text: 'Layanan ini tidak berlaku lagi dan tidak dapat dibuka.' }));
            }
            if (svc.status_message) {
                box.appendChild(h('p', { className: 'status-message', text: str(svc.status_message) }));
            }
            if (svc.status_until) {
                box.appendChild(h('p', { className: 'status-until',
                    text: 'Perkiraan selesai: ' + fmtDate(svc.status_until) }));
            }
            body.appendChild(box);
        }

        if (svc.description) {
            body.appendChild(h('p', { className: 'detail-desc', text: str(svc.description) }));
        }

        if (url && !retired) {
            body.appendChild(h('p', { className: 'detail-actions' },
                h('a', { href: url, className: 'button',
                         text: status === 'maintenance' ? 'Buka layanan (sedang pemeliharaan)'
                                                         : 'Buka layanan' })));
        }

        var dl = h('dl');
        function row(label, value) {
            if (value === null || value === undefined || value === '') { return; }
            dl.appendChild(h('dt', { text: label }));
            dl.appendChild(typeof value === 'string' ? h('dd', { text: value }) : h('dd', null, value));
        }

        row('Alamat', url ? h('code', { text: new URL(url, window.location.href).href }) : null);
        if (Array.isArray(svc.routes) && svc.routes.length) {
            var ul = h('ul', { className: 'routes' });
            svc.routes.forEach(function (r) {
                if (!r || typeof r !== 'object') { return; }
                ul.appendChild(h('li', null, h('code', { text: str(r.path) }), ' ',
                    h('span', { className: 'route-match',
                                text: '(' + (MATCH_LABELS[r.match] || str(r.match)) + ')' })));
            });
            row('Rute', ul);
        }
        row('Instansi', str(agency.name) || str(agency.id));
        row('Kategori', svc.category ? categoryLabel(svc.category) : '');
        if (Array.isArray(svc.tags) && svc.tags.length) {
            var tags = h('ul', { className: 'tags' });
            svc.tags.forEach(function (t) {
                if (typeof t === 'string') { tags.appendChild(h('li', { className: 'chip', text: t })); }
            });
            row('Tag', tags);
        }
        row('Status', STATUS_LABELS[status] || status);
        row('Dokumentasi', svc.docs_url ? link(svc.docs_url, str(svc.docs_url)) : null);
        row('Kontak', svc.contact ? contact(str(svc.contact)) : null);
        row('Versi', str(svc.version));
        row('Kode layanan', str(svc.id) ? h('code', { text: str(svc.id) }) : null);
        body.appendChild(dl);
    }

    function contact(c) {
        if (/^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(c)) {
            return h('a', { href: 'mailto:' + c, text: c });
        }
        if (safeHref(c) && /^https?:/i.test(c)) {
            return h('a', { href: c, text: c });
        }
        return c;
    }

    /* The dialog closed (close button, Escape or Back): tidy the history
     * and give the focus back. */
    function onDetailClosed() {
        /* "close" is a queued event: Forward may have opened the detail
         * again before it arrives; that newer view must stay */
        if (el.detail.open) { return; }
        if (detailCtl) { detailCtl.abort(); detailCtl = null; }
        detailSeq++;
        if (parseHash()) {
            if (pushedHash) {
                pushedHash = false;
                history.back();
            } else {
                history.replaceState(history.state, '',
                                     window.location.pathname + window.location.search);
            }
        }
        pushedHash = false;
        var target = opener;
        opener = null;
        if (!target || !document.body.contains(target)) {
            target = findDetailButton(lastDetailId) || el.resultsTitle;
        }
        target.focus();
    }

    var lastDetailId = null;

    function findDetailButton(id) {
        if (!id) { return null; }
        var list = el.results.querySelectorAll('.detail-button');
        for (var i = 0; i < list.length; i++) {
            if (list[i].getAttribute('data-id') === id) { return list[i]; }
        }
        return null;
    }

    function closeDetail() {
        if (!el.detail.open) { return; }
        if (typeof el.detail.close === 'function') {
            el.detail.close();     /* fires "close" */
        } else {
            el.detail.removeAttribute('open');
            onDetailClosed();
        }
    }

    /* Back, Forward, or a hash typed in the address bar */
    function syncFromHash() {
        var id = parseHash();
        if (id) {
            if (!el.detail.open || id !== lastDetailId) {
                pushedHash = false;
                lastDetailId = id;
                if (!el.detail.open) { opener = findDetailButton(id); }
                showDetail(id);
            }
        } else if (el.detail.open) {
            pushedHash = false;
            closeDetail();
        }
    }

    /* ---- start ---- */

    function init() {
        el.app = $('app');
        el.form = $('search-form');
        el.q = $('q');
        el.agency = $('agency');
        el.category = $('category');
        el.status = $('status');
        el.sort = $('sort');
        el.count = $('count');
        el.notice = $('notice');
        el.noticeText = $('notice-text');
        el.noticeAction = $('notice-action');
        el.results = $('results');
        el.resultsTitle = $('results-title');
        el.pager = $('pager');
        el.pageInfo = $('page-info');
        el.prev = $('prev');
        el.next = $('next');
        el.detail = $('detail');
        el.detailTitle = $('detail-title');
        el.detailBody = $('detail-body');
        el.detailClose = $('detail-close');
        if (!el.app || !el.results || !el.detail) { return; }

        var apiLink = $('api-link');
        if (apiLink) {
            apiLink.href = apiUrl('services');
            apiLink.textContent = new URL(apiUrl('services')).pathname;
        }

        readQuery();
        stateToForm();
        el.app.hidden = false;

        el.q.addEventListener('input', scheduleSearch);
        el.form.addEventListener('submit', function (ev) {
            ev.preventDefault();
            searchNow();
        });
        el.form.addEventListener('reset', function (ev) {
            ev.preventDefault();
            resetAll();
        });
        [el.agency, el.category, el.status, el.sort].forEach(function (s) {
            s.addEventListener('change', searchNow);
        });
        el.prev.addEventListener('click', function () { goPage(-1); });
        el.next.addEventListener('click', function () { goPage(1); });

        el.results.addEventListener('click', function (ev) {
            var btn = ev.target.closest ? ev.target.closest('.detail-button') : null;
            if (!btn) { return; }
            lastDetailId = btn.getAttribute('data-id');
            openDetail(lastDetailId, btn);
        });
        el.detailClose.addEventListener('click', closeDetail);
        el.detail.addEventListener('close', onDetailClosed);
        /* a click on the backdrop (outside the dialog box) closes it too */
        el.detail.addEventListener('click', function (ev) {
            if (ev.target === el.detail) {
                var r = el.detail.getBoundingClientRect();
                if (ev.clientX < r.left || ev.clientX > r.right ||
                    ev.clientY < r.top || ev.clientY > r.bottom) {
                    closeDetail();
                }
            }
        });
        window.addEventListener('popstate', syncFromHash);
        window.addEventListener('hashchange', syncFromHash);

        loadFilters();
        loadList();
        if (parseHash()) {
            lastDetailId = parseHash();
            showDetail(lastDetailId);
        }
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', init);
    } else {
        init();
    }
}());
