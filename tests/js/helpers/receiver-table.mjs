// The table of requests every receiver must answer the same way, and a raw HTTP/1.1 client
// that sends exactly the bytes and header lines a case needs (a repeated header, a header in
// another case), as Flagsmith's python-requests client would.
import assert from 'node:assert/strict';
import { connect } from 'node:net';

import { parse, sign, toFlagsmithJson } from 'flagsmith-webhooks';

import { MAX_BODY_BYTES } from './receiver-options.mjs';
import { fixture, vectors } from './vectors.mjs';

export const SECRET = vectors.fixture_secret;
export const OLD_SECRET = 'previous-secret';
export const RECEIVER_SECRETS = [SECRET, OLD_SECRET];

/**
 * Sends one request over a fresh connection; resolves to { status, headers, body } as soon as the
 * response is complete (framed by Content-Length or chunked encoding), so it does not depend on
 * when the server closes. A server may answer early (405, 413) and reset the connection while the
 * body is still being sent; a response that was complete by then is kept.
 */
export function rawRequest(baseUrl, { method = 'POST', path = '/webhook', headers = [], body = '' }) {
  const url = new URL(baseUrl);
  const payload = Buffer.from(body);
  const lines = [`${method} ${path} HTTP/1.1`, `Host: ${url.host}`, 'User-Agent: python-requests/2.33.0', 'Connection: close'];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  if (method !== 'GET' || payload.length) lines.push(`Content-Length: ${payload.length}`);
  return new Promise((resolve, reject) => {
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error) => {
      if (settled) return;
      const response = parseResponse(received);
      if (response) {
        settled = true;
        socket.destroy();
        resolve(response);
      } else if (error) {
        settled = true;
        socket.destroy();
        reject(error);
      }
    };
    const socket = connect(Number(url.port), url.hostname, () => {
      socket.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (payload.length) socket.write(payload, () => {});
    });
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on('error', (error) => finish(error));
    socket.on('close', () => finish(new Error(`connection closed before a complete response (${received.length} bytes)`)));
    socket.setTimeout(15_000, () => finish(new Error('timeout')));
  });
}

/** The response if `raw` holds a complete one, else undefined. */
function parseResponse(raw) {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const [statusLine, ...headerLines] = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(headerLines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  const rest = raw.subarray(headEnd + 4);
  let body;
  if (headers['transfer-encoding'] === 'chunked') {
    body = dechunk(rest);
    if (body === undefined) return undefined;
  } else {
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < length) return undefined;
    body = rest.subarray(0, length);
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: body.toString('utf8') };
}

/** The body of a complete chunked message, or undefined while it is incomplete. */
function dechunk(raw) {
  const parts = [];
  let offset = 0;
  for (;;) {
    const end = raw.indexOf('\r\n', offset);
    if (end < 0) return undefined;
    const size = parseInt(raw.subarray(offset, end).toString('latin1'), 16);
    if (size === 0) return Buffer.concat(parts);
    if (raw.length < end + 2 + size + 2) return undefined;
    parts.push(raw.subarray(end + 2, end + 2 + size));
    offset = end + 2 + size + 2;
  }
}

const json = ['content-type', 'application/json'];
const signed = (body, secret = SECRET, name = 'X-Flagsmith-Signature') => [json, [name, sign(secret, body)]];

function explodingBody() {
  const event = JSON.parse(fixture('01_flag_updated_env_default.json'));
  event.data.new_state.feature.name = 'explode';
  return toFlagsmithJson(event);
}

/** Every case: the request, the status, and the handler route expected to run (null: none). */
export function receiverTable() {
  const base = fixture('01_flag_updated_env_default.json').toString('utf8');
  const cases = [];
  for (const file of Object.keys(JSON.parse(fixture('signatures.json')).bodies)) {
    const body = fixture(file);
    cases.push({ name: `signed fixture ${file}`, request: { headers: signed(body), body }, status: 200, route: JSON.parse(body).event_type });
  }
  // The 30 requests captured from a real Flagsmith server, with their own header lines; the
  // body's bytes unchanged, signed with this table's secret (they were signed with the
  // capture's).
  const HOP = new Set(['host', 'content-length', 'connection', 'x-flagsmith-signature']);
  for (const real of JSON.parse(fixture('real/requests.json')).requests) {
    const body = fixture(`real/${real.file}`);
    const headers = [...real.headers.filter(([name]) => !HOP.has(name.toLowerCase())), ['X-Flagsmith-Signature', sign(SECRET, body)]];
    cases.push({ name: `real request ${real.file}`, request: { headers, body }, status: 200, route: real.event_type ?? 'identity' });
  }
  const identity = vectors.parse.find((c) => c.identity).body;
  cases.push({ name: 'signed identity integration body', request: { headers: signed(identity), body: identity }, status: 200, route: 'identity' });
  const unknown = '{"data": {"x": 1}, "event_type": "SEGMENT_ARCHIVED"}';
  cases.push({ name: 'signed unknown event type', request: { headers: signed(unknown), body: unknown }, status: 200, route: 'default' });
  cases.push(...driftCases());
  cases.push(
    { name: 'tampered body', request: { headers: signed(base), body: base.replace('"enabled": true', '"enabled": false') }, status: 401, route: null, code: 'signature_mismatch' },
    { name: 'wrong secret', request: { headers: signed(base, 'not-the-secret'), body: base }, status: 401, route: null, code: 'signature_mismatch' },
    { name: 'second secret during rotation', request: { headers: signed(base, OLD_SECRET), body: base }, status: 200, route: 'FLAG_UPDATED' },
    { name: 'missing header', request: { headers: [json], body: base }, status: 401, route: null, code: 'missing_signature' },
    { name: 'header in lower case', request: { headers: signed(base, SECRET, 'x-flagsmith-signature'), body: base }, status: 200, route: 'FLAG_UPDATED' },
    { name: 'header in upper case', request: { headers: signed(base, SECRET, 'X-FLAGSMITH-SIGNATURE'), body: base }, status: 200, route: 'FLAG_UPDATED' },
    {
      name: 'repeated header (a wrong value, then the right one)',
      request: { headers: [json, ['X-Flagsmith-Signature', '0'.repeat(64)], ['X-Flagsmith-Signature', sign(SECRET, base)]], body: base },
      status: 200,
      route: 'FLAG_UPDATED',
    },
    { name: 'wrong method (GET)', request: { method: 'GET', headers: [], body: '' }, status: 405, route: null },
    { name: 'wrong method (PUT, signed)', request: { method: 'PUT', headers: signed(base), body: base }, status: 405, route: null },
    { name: 'oversize body', request: { headers: signed('x'.repeat(MAX_BODY_BYTES + 1)), body: 'x'.repeat(MAX_BODY_BYTES + 1) }, status: 413, route: null, code: 'body_too_large' },
    { name: 'non-JSON body, correctly signed', request: { headers: signed('not json'), body: 'not json' }, status: 400, route: null, code: 'invalid_json' },
    { name: 'handler throws', request: { headers: signed(explodingBody()), body: explodingBody() }, status: 500, route: null, code: 'handler_failed' },
  );
  return cases;
}

/**
 * Authentic deliveries that do not fit the model, as Flagsmith's planned changes would send:
 * each `data` field of each fixture removed, null, or of the wrong type, and FLAG_CREATED built
 * from each FLAG_UPDATED fixture. Every one is answered 200 and reaches user code: typed when
 * it still fits (parse accepts it), else through `nonConforming` with a deviation at the
 * mutated field.
 */
export function driftCases() {
  const cases = [];
  const add = (name, event, field) => {
    const body = toFlagsmithJson(event);
    let route;
    try {
      const parsed = parse(body);
      route = parsed.event_type ?? 'identity';
    } catch {
      route = 'nonConforming';
    }
    cases.push({ name, request: { headers: signed(body), body }, status: 200, route, deviationAt: route === 'nonConforming' ? field : undefined });
  };
  for (const file of Object.keys(JSON.parse(fixture('signatures.json')).bodies)) {
    const original = JSON.parse(fixture(file));
    if (original.event_type === 'FLAG_UPDATED') {
      const created = structuredClone(original);
      created.event_type = 'FLAG_CREATED';
      delete created.data.previous_state;
      add(`FLAG_CREATED from ${file}`, created);
    }
    for (const field of Object.keys(original.data)) {
      const removed = structuredClone(original);
      delete removed.data[field];
      add(`${file}: data.${field} removed`, removed, `data.${field}`);
      const nulled = structuredClone(original);
      nulled.data[field] = null;
      add(`${file}: data.${field} null`, nulled, `data.${field}`);
      const retyped = structuredClone(original);
      retyped.data[field] = typeof original.data[field] === 'string' ? 42 : 'a string';
      add(`${file}: data.${field} of the wrong type`, retyped, `data.${field}`);
    }
  }
  return cases;
}

/**
 * Runs the table against a receiver; `takeCalls` returns (and clears) the handler calls since
 * the last take. `frameworkAnswers405`: the framework, not the receiver, answers other methods
 * (Next.js's App Router does, without an Allow header).
 */
export async function runReceiverTable(baseUrl, takeCalls, { path = '/webhook', frameworkAnswers405 = false } = {}) {
  await takeCalls();
  for (const testCase of receiverTable()) {
    const response = await rawRequest(baseUrl, { path, ...testCase.request });
    assert.equal(response.status, testCase.status, `${testCase.name}: status (${response.body.slice(0, 300)})`);
    // A 405 says which method is allowed (RFC 9110); nothing else carries Allow.
    if (!frameworkAnswers405) assert.equal(response.headers.allow, testCase.status === 405 ? 'POST' : undefined, `${testCase.name}: Allow`);
    if (testCase.code) {
      const body = JSON.parse(response.body);
      assert.equal(body.error, testCase.code, testCase.name);
      assert.ok(!response.body.includes(SECRET) && !response.body.includes(OLD_SECRET), `${testCase.name}: secret in the response`);
    }
    const calls = await takeCalls();
    if (testCase.route === null) {
      assert.deepEqual(calls, [], `${testCase.name}: no handler may run`);
    } else {
      assert.equal(calls.length, 1, `${testCase.name}: exactly one handler call`);
      assert.equal(calls[0].route, testCase.route, testCase.name);
      assert.match(calls[0].deliveryKey, /^[0-9a-f]{64}$/, testCase.name);
      assert.equal(calls[0].conforming, testCase.route !== 'nonConforming', testCase.name);
      if (testCase.deviationAt) {
        assert.ok(
          calls[0].deviations.some((d) => d.path === testCase.deviationAt || d.path.startsWith(`${testCase.deviationAt}.`)),
          `${testCase.name}: a deviation at ${testCase.deviationAt} in ${JSON.stringify(calls[0].deviations)}`,
        );
      } else {
        assert.deepEqual(calls[0].deviations, [], testCase.name);
      }
      // The captured delivery is enough to run it again: the body byte for byte, the signature.
      assert.equal(calls[0].delivery.body, Buffer.from(testCase.request.body).toString('utf8'), testCase.name);
      assert.ok(calls[0].delivery.headers.some(([name]) => name.toLowerCase() === 'x-flagsmith-signature'), testCase.name);
    }
  }
}

/** 2,000 distinct signed requests in parallel batches: every one answered 200 and handled once. */
export async function loadTest(baseUrl, takeCalls, { total = 2000, concurrency = 50, path = '/webhook' } = {}) {
  await takeCalls();
  const template = JSON.parse(fixture('01_flag_updated_env_default.json'));
  const statuses = [];
  for (let start = 0; start < total; start += concurrency) {
    const batch = [];
    for (let i = start; i < Math.min(total, start + concurrency); i++) {
      template.data.changed_by = `load-${i}@example.com`;
      const body = toFlagsmithJson(template);
      batch.push(rawRequest(baseUrl, { path, headers: signed(body), body }).then((r) => r.status));
    }
    statuses.push(...(await Promise.all(batch)));
  }
  const calls = await takeCalls();
  assert.equal(statuses.length, total);
  assert.deepEqual([...new Set(statuses)], [200]);
  assert.equal(calls.length, total, 'handler calls');
  const senders = new Set(calls.map((c) => c.changed_by));
  assert.equal(senders.size, total, 'each request handled exactly once');
  assert.equal(new Set(calls.map((c) => c.deliveryKey)).size, total, 'distinct delivery keys');
}
