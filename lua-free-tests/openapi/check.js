#!/usr/bin/env node
'use strict';

/*
 * Checks the answers of a running catalog API against conf/openapi.yaml.
 *
 *   cd lua-free-tests/openapi && npm ci
 *   CATALOG_URL=http://127.0.0.1:8080/api/catalog/ node lua-free-tests/openapi/check.js
 *
 * Environment:
 *   CATALOG_URL       the API location (default http://127.0.0.1:8080/api/catalog/)
 *   OPENAPI_FILE      the document (default conf/openapi.yaml of this repository)
 *   CHECK_OUTCOMES    comma-separated resolve outcomes that must be seen
 *                     (e.g. "proxy,redirect,gone,maintenance,not_found,method_not_allowed")
 *   CHECK_VERBOSE     1: print the body of every failed check
 *
 * First the document itself is checked (OpenAPI 3.0.3, every $ref resolves,
 * every object schema has "additionalProperties: false", every operation
 * documents its answers).  Then the catalog is discovered (its services,
 * agencies, categories, tags) and a list of requests is made: every path,
 * with several parameter combinations, every error.  For each answer:
 *
 *   - the status is the one expected and is documented for the operation;
 *   - the documented headers are there and match their schemas, and the
 *     API's own headers that the answer does not document (ETag, Allow)
 *     are absent;
 *   - Content-Type is the documented media type; a body is valid UTF-8,
 *     valid JSON, valid against the schema of that status, and its objects
 *     list their members in the documented order; HEAD and 304 have none;
 *   - the query parameters are valid by the document's parameters exactly
 *     when the server accepted them (the document mirrors the code);
 *   - a few cross-checks: paging arithmetic, filters, one service equal to
 *     its entry in the list, HEAD headers equal to GET's, the same ETag
 *     everywhere, counts of agencies and categories.
 *
 * Prints one line per check ("ok N - ..." or "not ok N - ...") and exits 1
 * on any mismatch (2 when the document or the server cannot be read).
 */

const fs = require('fs');
const path = require('path');
const http = require('http');
const https = require('https');

const YAML = require('yaml');
const Ajv = require('ajv');


const ROOT = path.resolve(__dirname, '..', '..');
const DOC_FILE = process.env.OPENAPI_FILE || path.join(ROOT, 'conf', 'openapi.yaml');
const BASE = new URL(process.env.CATALOG_URL || 'http://127.0.0.1:8080/api/catalog/');
const VERBOSE = process.env.CHECK_VERBOSE === '1';

if (!BASE.pathname.endsWith('/')) {
    BASE.pathname += '/';
}

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'];
const MANAGED_HEADERS = ['etag', 'allow', 'access-control-allow-origin', 'cache-control'];

let nchecks = 0;
let nfailed = 0;


function report(ok, what, why, extra) {
    nchecks++;

    if (ok) {
        console.log(`ok ${nchecks} - ${what}`);
        return true;
    }

    nfailed++;
    console.log(`not ok ${nchecks} - ${what}: ${why}`);

    if (VERBOSE && extra !== undefined) {
        console.log(`#   ${String(extra).slice(0, 2000).replace(/\n/g, '\n#   ')}`);
    }

    return false;
}


function fatal(msg) {
    console.log(`Bail out! ${msg}`);
    process.exit(2);
}


/* ------------------------------------------------------------------ */
/* the document                                                         */

function loadDocument() {
    let text;

    try {
        text = fs.readFileSync(DOC_FILE, 'utf8');
    } catch (e) {
        fatal(`cannot read ${DOC_FILE}: ${e.message}`);
    }

    let doc;

    try {
        doc = YAML.parse(text, { maxAliasCount: 1000 });
    } catch (e) {
        fatal(`${DOC_FILE}: ${e.message}`);
    }

    return doc;
}


/* a JSON pointer ("#/components/schemas/Service") inside the document */

function deref(doc, ref) {
    if (!ref.startsWith('#/')) {
        return undefined;
    }

    let node = doc;

    for (const raw of ref.slice(2).split('/')) {
        const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');

        if (node === null || typeof node !== 'object' || !(key in node)) {
            return undefined;
        }

        node = node[key];
    }

    return node;
}


/* follows $ref of a parameter, header, response (not of schemas) */

function resolved(doc, node) {
    let guard = 0;

    while (node && node.$ref && guard++ < 16) {
        node = deref(doc, node.$ref);
    }

    return node;
}


/*
 * OpenAPI 3.0 schema to JSON Schema for ajv: "nullable" becomes a type
 * list (or an anyOf with null), refs to components point into one schema
 * registered as "oas", extensions and OpenAPI-only keywords go.
 */

const OAS_ONLY = new Set(['nullable', 'example', 'externalDocs', 'xml', 'discriminator',
    'deprecated']);

function convertSchema(s) {
    if (Array.isArray(s)) {
        return s.map(convertSchema);
    }

    if (s === null || typeof s !== 'object') {
        return s;
    }

    const out = {};

    for (const [k, v] of Object.entries(s)) {
        if (k.startsWith('x-') || OAS_ONLY.has(k)) {
            continue;
        }

        if (k === '$ref') {
            out.$ref = v.replace(/^#\/components\/schemas\//, 'oas#/$defs/');
            continue;
        }

        if (k === 'properties') {
            out.properties = {};

            for (const [p, ps] of Object.entries(v)) {
                out.properties[p] = convertSchema(ps);
            }

            continue;
        }

        if (k === 'enum') {
            out.enum = v.slice();
            continue;
        }

        out[k] = convertSchema(v);
    }

    if (s.nullable === true) {
        if (out.type !== undefined) {
            out.type = [].concat(out.type, 'null');

            if (out.enum && !out.enum.includes(null)) {
                out.enum.push(null);
            }

        } else {
            return { anyOf: [out, { type: 'null' }] };
        }
    }

    return out;
}


function makeAjv(doc) {
    const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
    const defs = {};

    for (const [name, s] of Object.entries(doc.components.schemas)) {
        defs[name] = convertSchema(s);
    }

    ajv.addSchema({ $id: 'oas', $defs: defs });

    return ajv;
}


/* every node of the document, with its JSON pointer */

function walk(node, ptr, fn) {
    fn(node, ptr);

    if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
            walk(v, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, fn);
        }
    }
}


function isSchemaPointer(ptr) {
    return /\/schema(\/|$)/.test(ptr) || /^#\/components\/schemas\//.test(ptr);
}


function checkDocument(doc, ajv) {
    report(doc.openapi === '3.0.3', 'document: openapi is 3.0.3', `got ${doc.openapi}`);

    report(typeof doc.info === 'object' && /\/api\/catalog\//.test(doc.info.description || ''),
           'document: info.description says where the API is served',
           'no "/api/catalog/" in info.description');

    const bad = [];
    const objects = [];

    walk(doc, '#', (node, ptr) => {
        if (node && typeof node === 'object' && typeof node.$ref === 'string'
            && deref(doc, node.$ref) === undefined)
        {
            bad.push(`${ptr}: ${node.$ref}`);
        }

        if (node && typeof node === 'object' && node.type === 'object' && isSchemaPointer(ptr)
            && !ptr.endsWith('/properties'))
        {
            objects.push(ptr);

            if (node.additionalProperties !== false) {
                bad.push(`${ptr}: object without "additionalProperties: false"`);
            }
        }
    });

    report(bad.length === 0, `document: every $ref resolves, every object schema (${objects.length}) is closed`,
           bad.join('; '));

    for (const name of ['Service', 'Agency', 'Category', 'ServicesPage', 'Resolve', 'Error']) {
        report(doc.components.schemas[name] !== undefined, `document: schema ${name}`, 'missing');
    }

    for (const name of ['ETag', 'Cache-Control', 'Access-Control-Allow-Origin']) {
        report(doc.components.headers[name] !== undefined, `document: header ${name}`, 'missing');
    }

    /* every schema compiles */

    let compiled = 0;

    for (const name of Object.keys(doc.components.schemas)) {
        try {
            ajv.getSchema(`oas#/$defs/${name}`);
            compiled++;
        } catch (e) {
            report(false, `document: schema ${name} compiles`, e.message);
        }
    }

    report(compiled === Object.keys(doc.components.schemas).length,
           `document: ${compiled} schemas compile for ajv`, 'see above');

    /* every path: GET, HEAD and the 405 of the others; 304 on GET/HEAD */

    for (const [p, item] of Object.entries(doc.paths)) {
        for (const m of METHODS) {
            const op = item[m];

            if (!op) {
                report(false, `document: ${m.toUpperCase()} ${p} is documented`, 'missing');
                continue;
            }

            const codes = Object.keys(op.responses || {});
            const want = (m === 'get' || m === 'head') ? ['200', '304'] : ['405'];
            const missing = want.filter((c) => !codes.includes(c));

            report(missing.length === 0, `document: ${m.toUpperCase()} ${p} answers ${want.join(', ')}`,
                   `missing ${missing.join(', ')}`);
        }
    }
}


/* ------------------------------------------------------------------ */
/* requests                                                             */

function request(method, rel, headers) {
    const client = BASE.protocol === 'https:' ? https : http;

    return new Promise((resolve, reject) => {
        const req = client.request({
            hostname: BASE.hostname,
            port: BASE.port || (BASE.protocol === 'https:' ? 443 : 80),
            method,
            path: BASE.pathname + rel,
            headers: Object.assign({ Connection: 'close' }, headers || {}),
            agent: false
        }, (res) => {
            const chunks = [];

            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({
                status: res.statusCode,
                headers: res.headers,
                raw: res.rawHeaders,
                body: Buffer.concat(chunks)
            }));
            res.on('error', reject);
        });

        req.setTimeout(10000, () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end();
    });
}


/* the documented operation of a path relative to the API location */

function operationOf(doc, rel, method) {
    const p = rel.split('?')[0].replace(/\/+$/, '');
    let template;

    if (p === 'services' || p === 'agencies' || p === 'categories' || p === 'resolve') {
        template = `/${p}`;

    } else if (p.startsWith('services/')) {
        template = '/services/{agency}/{service}';

    } else {
        return { template: null, op: null };
    }

    return { template, op: doc.paths[template][method.toLowerCase()] };
}


/* the response the document gives for a status (after $ref) */

function documentedResponse(doc, op, status) {
    if (!op || !op.responses) {
        return undefined;
    }

    return resolved(doc, op.responses[String(status)] || op.responses.default);
}


/* "a=1&b=%20" as [name, raw value or null] pairs, empty pieces skipped */

function queryPairs(rel) {
    const i = rel.indexOf('?');

    if (i < 0) {
        return [];
    }

    return rel.slice(i + 1).split('&').filter((s) => s.length).map((s) => {
        const eq = s.indexOf('=');
        return eq < 0 ? [s, null] : [s.slice(0, eq), s.slice(eq + 1)];
    });
}


function percentDecode(s, plus) {
    const bytes = [];

    for (let i = 0; i < s.length; i++) {
        const c = s[i];

        if (c === '+' && plus) {
            bytes.push(0x20);

        } else if (c === '%') {
            const h = s.slice(i + 1, i + 3);

            if (!/^[0-9a-fA-F]{2}$/.test(h)) {
                return null;
            }

            bytes.push(parseInt(h, 16));
            i += 2;

        } else {
            for (const b of Buffer.from(c, 'utf8')) {
                bytes.push(b);
            }
        }
    }

    return Buffer.from(bytes);
}


const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(buf) {
    try {
        return utf8.decode(buf);
    } catch (e) {
        return null;
    }
}


/*
 * Whether the document's parameters accept the query string of a request:
 * the reason it does not, or null.  The common rules of the operations'
 * descriptions apply: names as sent, a value %-decoded, valid UTF-8, no
 * control characters; an empty value is absent where allowEmptyValue.
 */

function docRejects(doc, ajv, op, rel) {
    const params = (op.parameters || []).map((p) => resolved(doc, p)).filter((p) => p.in === 'query');
    const byName = new Map(params.map((p) => [p.name, p]));
    const pairs = queryPairs(rel);
    const seen = new Map();
    const query = rel.includes('?') ? rel.slice(rel.indexOf('?') + 1) : '';

    if (op['x-max-query-bytes'] !== undefined
        && Buffer.byteLength(query) > op['x-max-query-bytes'])
    {
        return 'query string too long';
    }

    for (const [name, raw] of pairs) {
        const p = byName.get(name);

        if (!p) {
            if (op['x-unknown-parameters'] === 'rejected') {
                return `unknown parameter ${name}`;
            }

            continue;
        }

        if (seen.has(name)) {
            return `${name} twice`;
        }

        seen.set(name, raw === null ? '' : raw);
    }

    for (const p of params) {
        const raw = seen.get(p.name);

        if (raw === undefined || (raw === '' && p.allowEmptyValue)) {
            if (p.required) {
                return `${p.name} is required`;
            }

            continue;
        }

        const buf = percentDecode(raw, p.name === 'q');

        if (buf === null) {
            return `${p.name}: bad %-encoding`;
        }

        const text = decodeUtf8(buf);

        if (text === null) {
            return `${p.name}: not UTF-8`;
        }

        if (/[\x00-\x1f\x7f]/.test(text)) {
            return `${p.name}: control characters`;
        }

        const schema = p.schema || {};

        if (schema['x-max-bytes'] !== undefined && buf.length > schema['x-max-bytes']) {
            return `${p.name}: over ${schema['x-max-bytes']} bytes`;
        }

        let value = text;

        if (schema.type === 'integer') {
            if (!/^[0-9]{1,10}$/.test(text)) {
                return `${p.name}: not a whole number`;
            }

            value = Number(text);
        }

        const validate = ajv.compile(convertSchema(schema));

        if (!validate(value)) {
            return `${p.name}: ${ajv.errorsText(validate.errors)}`;
        }
    }

    return null;
}


/* the members of every object in the documented order */

function orderErrors(doc, body) {
    const shapes = [];
    const errors = [];

    for (const [name, s] of Object.entries(doc.components.schemas)) {
        if (s.properties) {
            shapes.push({ name, keys: Object.keys(s.properties) });
        }
    }

    (function visit(v, where) {
        if (Array.isArray(v)) {
            v.forEach((x, i) => visit(x, `${where}[${i}]`));
            return;
        }

        if (v === null || typeof v !== 'object') {
            return;
        }

        const keys = Object.keys(v);

        for (const shape of shapes) {
            const want = shape.keys.filter((k) => k in v);

            if (want.length === keys.length && want.length === shape.keys.length
                && want.join() !== keys.join())
            {
                errors.push(`${where || 'body'}: ${keys.join(',')} is not in the order of ${shape.name}`);
            }
        }

        for (const k of keys) {
            visit(v[k], `${where}.${k}`);
        }
    })(body, '');

    return errors;
}


/*
 * One request and the checks of its answer against the document.  c:
 *   method, rel (path relative to the API, with query), headers,
 *   status (expected), beyond (the 400 comes from a rule the parameter
 *   schemas cannot say, such as ".." above the root), check (extra
 *   function on the parsed body).
 * Returns the answer, with its parsed JSON as .json.
 */

async function exchange(doc, ajv, c) {
    const method = c.method || 'GET';
    const what = `${method} ${c.rel || '(location)'}${c.headers ? ' ' + JSON.stringify(c.headers) : ''}`;
    let res;

    try {
        res = await request(method, c.rel, c.headers);
    } catch (e) {
        report(false, what, `request failed: ${e.message}`);
        return null;
    }

    let { template, op } = operationOf(doc, c.rel, method);
    let docResponse;
    let getResponse;

    if (template === null) {
        docResponse = resolved(doc, doc.components.responses[
            (method === 'GET' || method === 'HEAD') ? 'UnknownPath' : 'MethodNotAllowed']);
        getResponse = resolved(doc, doc.components.responses.UnknownPath);

    } else {
        docResponse = documentedResponse(doc, op, res.status);
        getResponse = documentedResponse(doc, doc.paths[template].get, res.status);
    }

    const problems = [];

    if (c.status !== undefined && res.status !== c.status) {
        problems.push(`status ${res.status}, expected ${c.status}`);
    }

    if (docResponse === undefined) {
        problems.push(`status ${res.status} is not documented for ${method} ${template}`);
    }

    /* the parameters: the document accepts what the server accepts */

    if (op && op.parameters && (res.status === 200 || res.status === 400)) {
        const why = docRejects(doc, ajv, op, c.rel);

        if (res.status === 200 && why !== null) {
            problems.push(`the server accepted what the document rejects (${why})`);
        }

        if (res.status === 400 && why === null && !c.beyond) {
            problems.push('the server rejected what the document accepts');
        }
    }

    /* headers */

    if (docResponse) {
        const documented = new Set(Object.keys(docResponse.headers || {}).map((h) => h.toLowerCase()));

        for (const [name, h0] of Object.entries(docResponse.headers || {})) {
            const h = resolved(doc, h0);
            const v = res.headers[name.toLowerCase()];

            if (v === undefined) {
                if (h.required) {
                    problems.push(`no ${name} header`);
                }
                continue;
            }

            const validate = ajv.compile(convertSchema(h.schema || {}));

            if (!validate(v)) {
                problems.push(`${name}: ${JSON.stringify(v)} ${ajv.errorsText(validate.errors)}`);
            }
        }

        for (const name of MANAGED_HEADERS) {
            if (!documented.has(name) && res.headers[name] !== undefined) {
                problems.push(`undocumented ${name} header: ${res.headers[name]}`);
            }
        }
    }

    /* content type and body */

    const media = (r) => (r && r.content) ? Object.keys(r.content)[0] : undefined;
    const docMedia = media(docResponse) || (method === 'HEAD' ? media(getResponse) : undefined);
    let json;

    if (res.status === 304 || method === 'HEAD') {
        if (res.body.length) {
            problems.push(`a body of ${res.body.length} bytes`);
        }

        if (method === 'HEAD' && res.status !== 304 && docMedia
            && res.headers['content-type'] !== docMedia)
        {
            problems.push(`Content-Type ${res.headers['content-type']}, documented ${docMedia}`);
        }

    } else if (docResponse && docResponse.content) {
        if (res.headers['content-type'] !== docMedia) {
            problems.push(`Content-Type ${res.headers['content-type']}, documented ${docMedia}`);
        }

        const text = decodeUtf8(res.body);

        if (text === null) {
            problems.push('the body is not valid UTF-8');

        } else {
            try {
                json = JSON.parse(text);
            } catch (e) {
                problems.push(`the body is not JSON: ${e.message}`);
            }
        }

        if (json !== undefined) {
            const schema = docResponse.content[docMedia].schema;
            const validate = ajv.compile(convertSchema(schema));

            if (!validate(json)) {
                problems.push(`body: ${ajv.errorsText(validate.errors, { separator: '; ' })}`);
            }

            problems.push(...orderErrors(doc, json));
        }

    } else if (docResponse && res.body.length) {
        problems.push(`an undocumented body of ${res.body.length} bytes`);
    }

    if (json !== undefined && c.check) {
        try {
            const more = c.check(json, res);

            if (more) {
                problems.push(...[].concat(more));
            }
        } catch (e) {
            problems.push(`check: ${e.message}`);
        }
    }

    report(problems.length === 0, `${what} -> ${res.status}`, problems.join('; '),
           res.body.toString('utf8'));

    res.json = json;

    return res;
}


/* ------------------------------------------------------------------ */
/* the list of requests                                                 */

function enc(s) {
    return encodeURIComponent(s);
}


function pageCheck(total, page, perPage) {
    return (j) => {
        const want = Math.max(0, Math.min(perPage, total - (page - 1) * perPage));
        const errs = [];

        if (total !== null && j.total !== total) {
            errs.push(`total ${j.total}, expected ${total}`);
        }

        if (j.page !== page || j.per_page !== perPage) {
            errs.push(`page ${j.page}/${j.per_page}, expected ${page}/${perPage}`);
        }

        if (total !== null && j.services.length !== want) {
            errs.push(`${j.services.length} services, expected ${want}`);
        }

        return errs;
    };
}


function allMatch(pred, label) {
    return (j) => j.services.filter((s) => !pred(s)).map((s) => `${s.id} does not match ${label}`);
}


async function main() {
    const doc = loadDocument();
    const ajv = makeAjv(doc);

    checkDocument(doc, ajv);

    const x = (c) => exchange(doc, ajv, c);

    /* discover the catalog */

    const first = await x({ rel: 'services?per_page=200', status: 200 });

    if (!first || !first.json) {
        fatal(`cannot read ${BASE.href}services`);
    }

    const total = first.json.total;
    let all = first.json.services;

    for (let page = 2; all.length < total; page++) {
        const r = await x({ rel: `services?per_page=200&page=${page}`, status: 200 });

        if (!r || !r.json || r.json.services.length === 0) {
            break;
        }

        all = all.concat(r.json.services);
    }

    report(all.length === total, `discovered ${all.length} services of ${total}`, 'paging lost some');

    const keys = all.map((s) => s.id);
    report(new Set(keys).size === keys.length, 'every service listed once', 'duplicates');

    const etag = first.headers.etag;

    const agencies = await x({ rel: 'agencies', status: 200, check: (j) => {
        const errs = [];
        const ids = j.map((a) => a.id);
        const sorted = ids.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

        if (ids.join() !== sorted.join()) {
            errs.push('agencies not sorted by id');
        }

        const sum = j.reduce((n, a) => n + a.services, 0);

        if (sum !== total) {
            errs.push(`agencies count ${sum} services, the list ${total}`);
        }

        for (const a of j) {
            const n = all.filter((s) => s.agency.id === a.id).length;

            if (n !== a.services) {
                errs.push(`${a.id}: ${a.services} services, the list has ${n}`);
            }
        }

        return errs;
    } });

    const categories = await x({ rel: 'categories', status: 200, check: (j) => {
        const errs = [];
        const ids = j.map((c) => c.id);
        const sorted = ids.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

        if (ids.join() !== sorted.join()) {
            errs.push('categories not sorted by id');
        }

        for (const c of j) {
            const n = all.filter((s) => s.category === c.id).length;

            if (n !== c.services) {
                errs.push(`${c.id}: ${c.services} services, the list has ${n}`);
            }
        }

        if (j.reduce((n, c) => n + c.services, 0) !== total) {
            errs.push('category counts do not add up to total');
        }

        return errs;
    } });

    const agencyIds = agencies && agencies.json ? agencies.json.map((a) => a.id) : [];
    const categoryIds = categories && categories.json ? categories.json.map((c) => c.id) : [];
    const tags = [...new Set(all.flatMap((s) => s.tags))];
    const svc = all[0];
    const agency = svc ? svc.agency.id : 'dukcapil';
    const category = svc ? svc.category : 'kependudukan';
    const tag = tags[0] || 'ktp';
    const words = svc ? svc.name.split(/\s+/).filter((w) => /^[\p{L}\p{N}]{3,}$/u.test(w)) : [];
    const word = words[0] || 'ktp';

    /* services: lists, filters, search, paging, sorts */

    const list = [
        { rel: 'services', status: 200, check: pageCheck(total, 1, 20) },
        { rel: 'services/', status: 200, check: pageCheck(total, 1, 20) },
        { rel: 'services?page=1&per_page=20', status: 200, check: pageCheck(total, 1, 20) },
        { rel: 'services?per_page=1', status: 200, check: pageCheck(total, 1, 1) },
        { rel: 'services?per_page=1&page=2', status: 200, check: pageCheck(total, 2, 1) },
        { rel: 'services?page=2&per_page=5', status: 200, check: pageCheck(total, 2, 5) },
        { rel: 'services?per_page=200', status: 200, check: pageCheck(total, 1, 200) },
        { rel: `services?page=${Math.floor(total / 3) + 2}&per_page=3`, status: 200,
          check: pageCheck(total, Math.floor(total / 3) + 2, 3) },
        { rel: 'services?page=1000000', status: 200, check: pageCheck(total, 1000000, 20) },
        { rel: 'services?page=1000000&per_page=200', status: 200, check: pageCheck(total, 1000000, 200) },
        { rel: 'services?page=01&per_page=007', status: 200, check: pageCheck(total, 1, 7) },
        { rel: 'services?q=&agency=&category=&tag=&status=', status: 200, check: pageCheck(total, 1, 20) },
        { rel: 'services?&&per_page=3&', status: 200, check: pageCheck(total, 1, 3) },
        { rel: 'services?q', status: 200, check: pageCheck(total, 1, 20) },
        { rel: `services?agency=${enc(agency)}&per_page=200`, status: 200,
          check: allMatch((s) => s.agency.id === agency, `agency ${agency}`) },
        { rel: `services?category=${enc(category)}&per_page=200`, status: 200,
          check: allMatch((s) => s.category === category, `category ${category}`) },
        { rel: `services?tag=${enc(tag)}&per_page=200`, status: 200,
          check: allMatch((s) => s.tags.includes(tag), `tag ${tag}`) },
        { rel: `services?agency=${enc(agency)}&category=${enc(category)}&tag=${enc(tag)}&status=active&per_page=200`,
          status: 200,
          check: allMatch((s) => s.agency.id === agency && s.category === category
                          && s.tags.includes(tag) && s.status === 'active', 'all filters') },
        { rel: 'services?agency=tidak-ada', status: 200, check: pageCheck(0, 1, 20) },
        { rel: 'services?category=tidak-ada', status: 200, check: pageCheck(0, 1, 20) },
        { rel: 'services?tag=tidak-ada', status: 200, check: pageCheck(0, 1, 20) },
        { rel: `services?q=${enc(word)}`, status: 200,
          check: (j) => (j.total >= 1 ? [] : [`q=${word} found nothing`]) },
        { rel: `services?q=${enc(word.toUpperCase())}&per_page=200`, status: 200 },
        { rel: `services?q=${enc(word.slice(0, 3))}`, status: 200,
          check: (j) => (j.total >= 1 ? [] : [`prefix ${word.slice(0, 3)} found nothing`]) },
        { rel: `services?q=${enc(words.slice(0, 2).join(' '))}&sort=relevance`, status: 200 },
        { rel: `services?q=${words.slice(0, 2).map(enc).join('+')}&sort=name`, status: 200 },
        { rel: `services?q=${enc(word)}&sort=agency&per_page=2&page=2`, status: 200 },
        { rel: 'services?q=zzzzzqqqq', status: 200, check: pageCheck(0, 1, 20) },
        { rel: 'services?q=---', status: 200, check: pageCheck(total, 1, 20) },
        { rel: `services?q=${'a'.repeat(256)}`, status: 200 },
        { rel: `services?q=${'%C3%A9'.repeat(128)}`, status: 200 },
        { rel: 'services?sort=name', status: 200, check: pageCheck(total, 1, 20) },
        { rel: 'services?sort=agency&per_page=200', status: 200, check: (j) => {
            const ids = j.services.map((s) => s.agency.id);
            const sorted = ids.slice().sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
            return ids.join() === sorted.join() ? [] : ['not sorted by agency'];
        } },
        { rel: 'services?sort=relevance', status: 200, check: pageCheck(total, 1, 20) }
    ];

    for (const st of ['active', 'maintenance', 'retired']) {
        const n = all.filter((s) => s.status === st).length;
        list.push({ rel: `services?status=${st}&per_page=200`, status: 200,
                    check: (j) => pageCheck(n, 1, 200)(j).concat(
                        allMatch((s) => s.status === st, `status ${st}`)(j)) });
    }

    /* services: bad requests */

    const bad = [
        'services?x=1', 'services?Q=ktp', 'services?=1', 'services?page=1&page=2', 'services?q=a&q=b',
        'services?sort=name&sort=name', 'services?page=0', 'services?page=-1', 'services?page=abc',
        'services?page=1.5', 'services?page=1000001', 'services?page=99999999999',
        'services?page=%2B1', 'services?per_page=0', 'services?per_page=201', 'services?per_page=x',
        'services?sort=x', 'services?sort=NAME', 'services?status=x', 'services?status=Active',
        'services?q=%zz', 'services?q=%4', 'services?q=%ff', 'services?q=%C0%80', 'services?q=%ED%A0%80',
        'services?q=%01', 'services?q=a%0Ab', 'services?q=%7F', 'services?agency=%0d',
        'services?tag=%E2%82', 'services?category=%', `services?q=${'a'.repeat(257)}`,
        `services?q=${'%C3%A9'.repeat(129)}`, `services?agency=${'a'.repeat(201)}`,
        `services?category=${'a'.repeat(201)}`, `services?tag=${'a'.repeat(201)}`,
        'services?page=0&x=1'
    ];

    for (const rel of bad) {
        list.push({ rel, status: 400 });
    }

    /* one service: each of them, and unknown ones */

    for (const s of all) {
        list.push({ rel: `services/${s.id}`, status: 200,
                    check: (j) => (JSON.stringify(j) === JSON.stringify(s)
                                   ? [] : ['differs from its entry in the list']) });
    }

    if (svc) {
        list.push({ rel: `services/${svc.id}/`, status: 200 });
        list.push({ rel: `services/${svc.id}?ignored=1&page=0`, status: 200 });
        list.push({ rel: `services/${svc.id}/x`, status: 404 });
        list.push({ rel: `services/${svc.agency.id}`, status: 404 });
        list.push({ rel: `services/${svc.id.toUpperCase()}`, status: 404 });
    }

    list.push({ rel: 'services/tidak-ada/tidak-ada', status: 404 });
    list.push({ rel: 'services/x', status: 404 });

    /* agencies, categories: the query string is ignored */

    list.push({ rel: 'agencies?x=1', status: 200 });
    list.push({ rel: 'categories/', status: 200 });

    /* resolve: every service's address, other methods and hosts */

    const outcomes = new Set();
    const noteOutcome = (j) => { outcomes.add(j.outcome); return []; };

    for (const s of all) {
        for (const r of s.routes) {
            list.push({ rel: `resolve?path=${enc(r.path)}`, status: 200, check: noteOutcome });
        }

        list.push({ rel: `resolve?path=${enc(s.url + '/sub/../x')}&method=DELETE`, status: 200,
                    check: noteOutcome });
    }

    list.push(
        { rel: 'resolve?path=/tidak-ada-sama-sekali', status: 200, check: (j) => {
            noteOutcome(j);
            return j.outcome === 'not_found' ? [] : [`outcome ${j.outcome}`];
        } },
        { rel: 'resolve?path=/', status: 200 },
        { rel: 'resolve?path=//a//b/./c/..&method=&host=', status: 200,
          check: (j) => (j.path === '/a/b/' && j.method === 'GET' && j.host === null
                         ? [] : [`path ${j.path} method ${j.method} host ${j.host}`]) },
        { rel: 'resolve?path=/a%20b+c&host=Layanan.Example.GO.ID.:8443&method=PURGE', status: 200,
          check: (j) => (j.path === '/a b+c' && j.host === 'layanan.example.go.id' && j.method === 'PURGE'
                         ? [] : [`path ${j.path} host ${j.host} method ${j.method}`]) },
        { rel: `resolve?path=/x&other=${'a'.repeat(100)}`, status: 200 },
        { rel: 'resolve', status: 400 },
        { rel: 'resolve?path=', status: 400 },
        { rel: 'resolve?method=GET', status: 400 },
        { rel: 'resolve?path=x', status: 400 },
        { rel: 'resolve?path=/..', status: 400, beyond: 'climbs above the root' },
        { rel: 'resolve?path=/a/../..', status: 400, beyond: 'climbs above the root' },
        { rel: 'resolve?path=/a&path=/b', status: 400 },
        { rel: 'resolve?path=/a%zz', status: 400 },
        { rel: 'resolve?path=/a%0a', status: 400 },
        { rel: 'resolve?path=/a&method=get', status: 400 },
        { rel: `resolve?path=/a&method=${'A'.repeat(33)}`, status: 400 },
        { rel: 'resolve?path=/a&method=GET&method=GET', status: 400 },
        { rel: 'resolve?path=/a&host=a%20b', status: 400 },
        { rel: 'resolve?path=/a&host=%5B::1%5D', status: 400 },
        { rel: 'resolve?path=/a&host=a&host=b', status: 400 },
        { rel: `resolve?path=/${'a'.repeat(2100)}`, status: 400 }
    );

    /* unknown paths */

    for (const rel of ['', 'foo', 'servicesx', 'agencies/x', 'categories/x', 'resolvex', 'service',
                       'api/catalog/services'])
    {
        list.push({ rel, status: 404 });
    }

    for (const c of list) {
        await x(c);
    }

    const want = (process.env.CHECK_OUTCOMES || '').split(',').filter((s) => s.length);
    const missing = want.filter((o) => !outcomes.has(o));

    report(missing.length === 0, `resolve outcomes seen: ${[...outcomes].sort().join(', ')}`,
           `missing ${missing.join(', ')}`);

    /* HEAD: the headers of GET, no body */

    const heads = ['services', 'services?q=' + enc(word) + '&per_page=3', 'agencies', 'categories',
                   'resolve?path=/', 'services?page=0', 'services/tidak-ada/x', 'resolve', 'foo'];

    if (svc) {
        heads.push(`services/${svc.id}`);
    }

    for (const rel of heads) {
        const g = await request('GET', rel);
        const h = await x({ method: 'HEAD', rel, status: g.status, check: null });

        if (h) {
            const same = ['content-type', 'content-length', 'etag', 'cache-control',
                          'access-control-allow-origin']
                .filter((n) => h.headers[n] !== g.headers[n]);

            report(same.length === 0, `HEAD ${rel}: the headers of GET`,
                   same.map((n) => `${n}: ${h.headers[n]} vs ${g.headers[n]}`).join('; '));
        }
    }

    /* 405 on every path */

    for (const rel of ['services', 'services?q=x', 'agencies', 'categories', 'resolve?path=/',
                       'foo', ...(svc ? [`services/${svc.id}`] : [])])
    {
        for (const m of ['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
            await x({ method: m, rel, status: 405 });
        }
    }

    /* conditional requests */

    const inm = [etag, `W/${etag}`, `"nope", ${etag}`, '*'];

    for (const rel of ['services', 'services?q=' + enc(word), 'agencies', 'categories',
                       'resolve?path=/', ...(svc ? [`services/${svc.id}`] : [])])
    {
        for (const v of inm) {
            const r = await x({ rel, headers: { 'If-None-Match': v }, status: 304 });

            if (r) {
                report(r.headers.etag === etag, `GET ${rel} If-None-Match ${v}: the same ETag`,
                       `${r.headers.etag} vs ${etag}`);
            }
        }

        await x({ rel, headers: { 'If-None-Match': '"0000000000000000-0"' }, status: 200 });
        await x({ method: 'HEAD', rel, headers: { 'If-None-Match': etag }, status: 304 });
    }

    /* the same ETag on every 200 */

    const tags2 = new Set();

    for (const rel of ['services', 'agencies', 'categories', 'resolve?path=/',
                       ...(svc ? [`services/${svc.id}`] : [])])
    {
        const r = await request('GET', rel);
        tags2.add(r.headers.etag);
    }

    report(tags2.size === 1 && tags2.has(etag), 'one ETag for every answer of the catalog',
           [...tags2].join(', '));

    console.log(`1..${nchecks}`);
    console.log(`# ${nchecks} checks, ${nfailed} failed (${BASE.href}, ${path.relative(process.cwd(), DOC_FILE) || DOC_FILE})`);

    process.exit(nfailed ? 1 : 0);
}


main().catch((e) => fatal(e.stack || String(e)));
