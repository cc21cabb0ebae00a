// What happens to an authentic delivery, end to end with real servers on 127.0.0.1: early
// acknowledgement of slow handlers before Flagsmith's 10-second timeout, failure capture and
// re-running a captured delivery, the replay window, de-duplication, and the delivery key.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, test } from 'node:test';

import {
  DEFAULT_ACKNOWLEDGE_AFTER_MS,
  Verifier,
  createNodeMiddleware,
  createWebhookHandler,
  memoryDeliveryStore,
  sampleEvent,
  sign,
  signedTimeOf,
  toFlagsmithJson,
  verify,
  verifyDelivery,
} from 'flagsmith-webhooks';

import { closeNow } from '../../scripts/serve.mjs';
import { fixture } from './helpers/vectors.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
const closers = [];
after(async () => {
  for (const close of closers) await close();
});

async function serve(options) {
  const server = createServer(createNodeMiddleware({ secret: SECRET, ...options }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => closeNow(server));
  return `http://127.0.0.1:${server.address().port}/webhook`;
}

/** POSTs as Flagsmith does: the signed body, a 10-second timeout. */
function post(url, body, { secret = SECRET, timeoutMs = 10_000 } = {}) {
  return fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', 'X-Flagsmith-Signature': sign(secret, body) },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function eventAt(time) {
  const event = sampleEvent('FLAG_UPDATED');
  event.data.timestamp = new Date(time).toISOString().replace('Z', '000Z');
  return toFlagsmithJson(event);
}

test('a slow handler is acknowledged before a 10-second client gives up, and runs on; its failure still reaches onError', async () => {
  assert.equal(DEFAULT_ACKNOWLEDGE_AFTER_MS, 8000);
  const finished = [];
  const errors = [];
  const url = await serve({
    on: {
      FLAG_UPDATED: async (event) => {
        await sleep(10_500);
        finished.push(event.data.changed_by);
        if (event.data.changed_by === 'fail@example.com') throw new Error('late failure');
      },
    },
    onError: (error, context) => errors.push({ code: error.code, message: error.cause.message, delivery: context.delivery, early: context.conforming }),
  });
  const bodies = ['ok@example.com', 'fail@example.com'].map((author) => {
    const event = sampleEvent('FLAG_UPDATED');
    event.data.changed_by = author;
    return toFlagsmithJson(event);
  });
  const started = performance.now();
  // Default options: answered after 8 s, within the client's 10 s.
  const responses = await Promise.all(bodies.map((body) => post(url, body)));
  const waited = performance.now() - started;
  for (const response of responses) {
    assert.equal(response.status, 202);
    const reply = await response.json();
    assert.equal(reply.acknowledged, 'early');
  }
  assert.ok(waited >= 7900 && waited < 10_000, `answered after ${waited} ms`);
  assert.deepEqual(finished, [], 'the handlers were still running when the answer went out');
  await sleep(3000);
  assert.deepEqual(finished.sort(), ['fail@example.com', 'ok@example.com']);
  assert.equal(errors.length, 1);
  assert.equal(errors[0].code, 'handler_failed');
  assert.equal(errors[0].message, 'late failure', 'what the handler threw is the cause');
  assert.equal(errors[0].delivery.body, bodies[1], 'the failure comes with the delivery to store and re-run');
});

test('with acknowledgeAfterMs: false the receiver waits for the handlers, and a client timeout cuts it off', async () => {
  let done = 0;
  const url = await serve({ acknowledgeAfterMs: false, on: { FLAG_UPDATED: async () => sleep(1500).then(() => done++) } });
  await assert.rejects(post(url, eventAt(Date.now()), { timeoutMs: 1000 }), { name: 'TimeoutError' });
  await sleep(800);
  assert.equal(done, 1);
  const quick = await serve({ acknowledgeAfterMs: 100, on: { FLAG_UPDATED: () => sleep(300) } });
  assert.equal((await post(quick, eventAt(Date.now()))).status, 202);
});

test('a failed delivery captured by onError runs again through the same receiver', async () => {
  let attempts = 0;
  const captured = [];
  const options = {
    secrets: [SECRET, 'old-secret'],
    acknowledgeAfterMs: false,
    on: {
      FLAG_UPDATED: (event) => {
        attempts++;
        if (attempts === 1) throw new Error('the database was down');
      },
    },
    onError: (error, context) => captured.push(JSON.parse(JSON.stringify(context.delivery))),
  };
  const url = await serve(options);
  const body = fixture('01_flag_updated_env_default.json');
  const response = await post(url, body);
  assert.equal(response.status, 500);
  assert.equal((await response.json()).error, 'handler_failed');
  assert.equal(captured.length, 1);
  // What a user would store: one JSON line, the inspector's {headers, body} shape.
  const line = JSON.stringify(captured[0]);
  const stored = JSON.parse(line);
  assert.equal(stored.body, body.toString('utf8'));
  assert.ok(stored.headers.some(([name, value]) => name.toLowerCase() === 'x-flagsmith-signature' && value === sign(SECRET, body)));
  // Run again later, through a receiver built with the same options.
  const again = await createWebhookHandler(options)({ method: 'POST', headers: stored.headers, body: stored.body });
  assert.equal(again.status, 200);
  assert.equal(attempts, 2);
});

test('the replay window: fresh, old, future, undated, and the Test webhook samples', async () => {
  const now = Date.parse('2026-11-28T12:00:00Z');
  const handled = [];
  const rejected = [];
  const base = {
    acknowledgeAfterMs: false,
    onEvent: (event) => handled.push(event.event_type),
    onError: (error, context) => rejected.push({ code: error.code, delivery: context.delivery?.body }),
  };
  const url = await serve({ ...base, replay: { now: () => now } });
  const strict = await serve({ ...base, replay: { now: () => now, maxAgeSeconds: 60, undated: 'reject' } });
  const cases = [
    ['signed now', eventAt(now), url, 200],
    ['signed 59 minutes ago', eventAt(now - 59 * 60_000), url, 200],
    ['signed 61 minutes ago', eventAt(now - 61 * 60_000), url, 400, 'delivery_too_old'],
    ['dated 4 minutes ahead (clock skew)', eventAt(now + 4 * 60_000), url, 200],
    ['dated 6 minutes ahead', eventAt(now + 6 * 60_000), url, 400, 'delivery_from_the_future'],
    ['an empty timestamp, undated accepted', toFlagsmithJson({ ...sampleEvent('FLAG_UPDATED'), data: { ...sampleEvent('FLAG_UPDATED').data, timestamp: '' } }), url, 200],
    ['FLAG_DELETED, undated accepted', fixture('07_flag_deleted.json'), url, 200],
    ["the Test webhook button's sample (2021), undated accepted", fixture('11_test_button_environment_sample.json'), url, 200],
    ["the organisation sample (2020), undated accepted", fixture('12_test_button_organisation_sample.json'), url, 200],
    ['an audit record from 2 minutes ago, 60 s window', toFlagsmithJson({ ...sampleEvent('AUDIT_LOG_CREATED'), data: { ...sampleEvent('AUDIT_LOG_CREATED').data, created_date: new Date(now - 120_000).toISOString() } }), strict, 400, 'delivery_too_old'],
    ['FLAG_DELETED when undated is rejected', fixture('07_flag_deleted.json'), strict, 400, 'delivery_undated'],
    ['NEW_VERSION_PUBLISHED when undated is rejected', toFlagsmithJson(sampleEvent('NEW_VERSION_PUBLISHED')), strict, 400, 'delivery_undated'],
  ];
  for (const [name, body, target, status, code] of cases) {
    const response = await post(target, body);
    assert.equal(response.status, status, name);
    if (code) {
      assert.equal((await response.json()).error, code, name);
      assert.equal(rejected.at(-1).code, code, `${name}: reported to onError`);
      assert.equal(rejected.at(-1).delivery, body.toString('utf8'), `${name}: with the captured delivery`);
    }
  }
  assert.equal(signedTimeOf(JSON.parse(fixture('05_flag_updated_identity_override_core.json'))).time > 0, true);
  assert.throws(() => createNodeMiddleware({ secret: SECRET, replay: { maxAgeSeconds: -1 } }), { code: 'invalid_option' });
  assert.throws(() => createNodeMiddleware({ secret: SECRET, replay: { undated: 'maybe' } }), { code: 'invalid_option' });
});

test('de-duplication: byte-identical copies are handled once, concurrent ones too; a failed one can be retried', async () => {
  let handled = 0;
  let failNext = false;
  const url = await serve({
    dedupe: true,
    acknowledgeAfterMs: false,
    on: {
      FLAG_UPDATED: async () => {
        await sleep(50);
        if (failNext) {
          failNext = false;
          throw new Error('once');
        }
        handled++;
      },
    },
  });
  const body = eventAt(Date.now());
  // Three copies at once (Flagsmith sends two or three per action), then a retry later.
  const replies = await Promise.all([post(url, body), post(url, body), post(url, body)]);
  const answers = await Promise.all(replies.map((r) => r.json()));
  assert.deepEqual(replies.map((r) => r.status), [200, 200, 200]);
  assert.equal(answers.filter((a) => a.duplicate).length, 2);
  assert.equal(handled, 1);
  assert.equal((await (await post(url, body)).json()).duplicate, true);
  assert.equal(handled, 1);
  // A different body is a different delivery; a failure releases the key for a later copy.
  failNext = true;
  const other = eventAt(Date.now() - 1000);
  assert.equal((await post(url, other)).status, 500);
  assert.equal((await post(url, other)).status, 200);
  assert.equal(handled, 2);

  // The memory store is bounded and expires.
  let clock = 0;
  const store = memoryDeliveryStore({ maxEntries: 3, now: () => clock });
  for (const key of ['a', 'b', 'c', 'd']) assert.equal(store.claim(key, 10), true);
  assert.equal(store.size, 3);
  assert.equal(store.claim('a', 10), true, 'the oldest went first');
  assert.equal(store.claim('d', 10), false);
  clock = 11_000;
  assert.equal(store.claim('d', 10), true, 'expired');
});

test('the delivery key: equal for byte-identical copies, different for different bodies, never a signature', () => {
  const secrets = ['current', 'previous', ' padded '];
  const verifier = new Verifier(secrets);
  const keys = new Set();
  for (let i = 0; i < 300; i++) {
    const event = sampleEvent(i % 2 ? 'FLAG_UPDATED' : 'AUDIT_LOG_CREATED');
    if (event.data.changed_by !== undefined) event.data.changed_by = `user-${i}@example.com`;
    else event.data.log = `record ${i}`;
    const body = toFlagsmithJson(event);
    const secret = secrets[i % secrets.length];
    const signature = sign(secret, body);
    const first = verifier.verifyDelivery(body, signature);
    const copy = verifier.verifyDelivery(Buffer.from(body), signature);
    assert.equal(first.deliveryKey, copy.deliveryKey);
    assert.equal(first.secretIndex, i % secrets.length);
    assert.match(first.deliveryKey, /^[0-9a-f]{64}$/);
    keys.add(first.deliveryKey);
    // In every encoding a header could carry it, under every configured secret and its trim.
    const bytes = Buffer.from(first.deliveryKey, 'hex');
    for (const candidate of [first.deliveryKey, first.deliveryKey.toUpperCase(), `sha256=${first.deliveryKey}`, bytes.toString('base64'), bytes.toString('base64url')]) {
      for (const key of [...secrets, 'padded']) assert.equal(verify(key, body, candidate), false);
    }
    assert.notEqual(first.deliveryKey, signature);
  }
  assert.equal(keys.size, 300);
  // The one-shot form agrees.
  const body = fixture('01_flag_updated_env_default.json');
  assert.equal(verifyDelivery(SECRET, body, sign(SECRET, body)).deliveryKey, new Verifier(SECRET).verifyDelivery(body, sign(SECRET, body)).deliveryKey);
});

test('early acknowledgement in the other receivers: createHandler on Hono, createWebhookHandler on Fastify', async () => {
  const { serve: serveHono } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const { default: Fastify } = await import('fastify');
  const { createHandler } = await import('flagsmith-webhooks');
  const finished = [];
  const options = (name) => ({
    secret: SECRET,
    acknowledgeAfterMs: 200,
    on: { FLAG_UPDATED: () => sleep(800).then(() => finished.push(name)) },
  });

  const hono = new Hono();
  const handler = createHandler(options('hono'));
  hono.post('/webhook', (c) => handler(c.req.raw));
  const honoServer = serveHono({ fetch: hono.fetch, port: 0, hostname: '127.0.0.1' });
  await once(honoServer, 'listening');
  closers.push(() => closeNow(honoServer));

  const fastify = Fastify();
  fastify.register(async (scope) => {
    scope.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => done(null, body));
    const handle = createWebhookHandler(options('fastify'));
    scope.post('/webhook', async (request, reply) => {
      const result = await handle({ method: request.method, headers: request.headers, body: request.body });
      return reply.code(result.status).send(result.body);
    });
  });
  await fastify.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => fastify.close());

  const body = eventAt(Date.now());
  for (const url of [`http://127.0.0.1:${honoServer.address().port}/webhook`, `http://127.0.0.1:${fastify.server.address().port}/webhook`]) {
    const started = performance.now();
    const response = await post(url, body, { timeoutMs: 700 });
    assert.equal(response.status, 202, url);
    assert.ok(performance.now() - started < 700);
  }
  await sleep(1000);
  assert.deepEqual(finished.sort(), ['fastify', 'hono']);
});
