// The same request table against every Node receiver, each started for real on 127.0.0.1:
// node:http, Express, Fastify and Hono. Plus the loud error behind express.json(), 2,000
// parallel requests against the Node receiver, and the CLI end to end.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, describe as suite, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

import { createHandler, createNodeMiddleware, createWebhookHandler, sampleEvent, sign, signedRequest, signedRequestInit, verifyRequest } from 'flagsmith-webhooks';

import { closeNow } from '../../scripts/serve.mjs';
import { receiverOptions } from './helpers/receiver-options.mjs';
import { RECEIVER_SECRETS, SECRET, loadTest, rawRequest, runReceiverTable } from './helpers/receiver-table.mjs';
import { fixture } from './helpers/vectors.mjs';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../pkg/bin/flagsmith-webhooks.js', import.meta.url));
const closers = [];
after(async () => {
  for (const close of closers) await close();
});

async function listen(server) {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => closeNow(server));
  return `http://127.0.0.1:${server.address().port}`;
}

function recorder() {
  const calls = [];
  return { calls, take: async () => calls.splice(0) };
}

async function nodeHttpReceiver() {
  const { calls, take } = recorder();
  const url = await listen(createServer(createNodeMiddleware(receiverOptions(RECEIVER_SECRETS, calls))));
  return { url, take };
}

suite('node:http', async () => {
  const receiver = await nodeHttpReceiver();
  test('answers the receiver table', () => runReceiverTable(receiver.url, receiver.take));
  test('2,000 signed requests in parallel batches are each handled exactly once', () => loadTest(receiver.url, receiver.take));
});

suite('Express', async () => {
  const { calls, take } = recorder();
  const app = express();
  // The recipe: the raw body on the webhook route (limit above maxBodyBytes so ours applies).
  app.use('/webhook', express.raw({ type: 'application/json', limit: '10mb' }), createNodeMiddleware(receiverOptions(RECEIVER_SECRETS, calls)));
  app.use(express.json());
  const url = await listen(createServer(app));
  test('answers the receiver table', () => runReceiverTable(url, take));

  test('behind express.json() it fails loudly and says how to fix it', async () => {
    const wrong = express();
    wrong.use(express.json());
    wrong.post('/webhook', createNodeMiddleware(receiverOptions(RECEIVER_SECRETS, [])));
    const wrongUrl = await listen(createServer(wrong));
    const body = fixture('01_flag_updated_env_default.json');
    const response = await rawRequest(wrongUrl, { headers: [['content-type', 'application/json'], ['X-Flagsmith-Signature', sign(SECRET, body)]], body });
    assert.equal(response.status, 500);
    const reply = JSON.parse(response.body);
    assert.equal(reply.error, 'body_already_parsed');
    assert.match(reply.message, /express\.raw\(\{ type: 'application\/json' \}\)/);
    assert.match(reply.message, /before app\.use\(express\.json\(\)\)/);
  });
});

suite('Fastify', async () => {
  const { calls, take } = recorder();
  const app = Fastify();
  // The recipe: keep JSON bodies as raw Buffers, and hand them to createWebhookHandler.
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (request, body, done) => done(null, body));
  const handle = createWebhookHandler(receiverOptions(RECEIVER_SECRETS, calls));
  app.all('/webhook', async (request, reply) => {
    const result = await handle({ method: request.method, headers: request.headers, body: request.body });
    return reply.code(result.status).send(result.body);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  const url = `http://127.0.0.1:${app.server.address().port}`;
  test('answers the receiver table', () => runReceiverTable(url, take));
});

suite('Hono (on @hono/node-server)', async () => {
  const { calls, take } = recorder();
  const app = new Hono();
  const handler = createHandler(receiverOptions(RECEIVER_SECRETS, calls));
  // The recipe: Hono runs on the Fetch API, so the handler takes the raw Request.
  app.all('/webhook', (c) => handler(c.req.raw));
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await once(server, 'listening');
  closers.push(() => closeNow(server));
  const url = `http://127.0.0.1:${server.address().port}`;
  test('answers the receiver table', () => runReceiverTable(url, take));
});

suite('the CLI', async () => {
  const receiver = await nodeHttpReceiver();

  test('send posts a realistic signed event that the receiver accepts', async () => {
    for (const type of ['FLAG_UPDATED', 'FLAG_DELETED', 'AUDIT_LOG_CREATED', 'NEW_VERSION_PUBLISHED']) {
      const { stdout } = await run(process.execPath, [cli, 'send', `${receiver.url}/webhook`, '--event', type], { env: { ...process.env, FLAGSMITH_WEBHOOK_SECRET: SECRET } });
      assert.match(stdout, /^200 OK\n/, type);
      const calls = await receiver.take();
      assert.deepEqual(calls.map((c) => c.route), [type]);
    }
  });

  test('send with a body file, and a wrong secret exits non-zero with the 401', async () => {
    const file = fileURLToPath(new URL('../fixtures/07_flag_deleted.json', import.meta.url));
    const { stdout } = await run(process.execPath, [cli, 'send', `${receiver.url}/webhook`, '--secret', SECRET, '--body', file]);
    assert.match(stdout, /^200 OK/);
    await assert.rejects(run(process.execPath, [cli, 'send', `${receiver.url}/webhook`, '--secret', 'wrong', '--body', file]), (error) => {
      assert.equal(error.code, 1);
      assert.match(error.stdout, /^401 Unauthorized\n.*signature_mismatch/s);
      return true;
    });
    await receiver.take();
  });

  test("sign prints what Python's hmac computes for the same input", () => {
    const body = fixture('real/013_flag_updated_change_standard_value_to_unicode_html_string__env-signed.json');
    const ours = execFileSync(process.execPath, [cli, 'sign', '--secret', 's3cr3t ✓'], { input: body, encoding: 'utf8' }).trim();
    const python = execFileSync('python3', ['-c', "import hmac,hashlib,sys; print(hmac.new('s3cr3t ✓'.encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())"], { input: body, encoding: 'utf8' }).trim();
    assert.equal(ours, python);
  });

  test('verify exits 0 when valid and 1 with the diagnosis otherwise', async () => {
    const file = fileURLToPath(new URL('../fixtures/01_flag_updated_env_default.json', import.meta.url));
    const signature = sign(SECRET, fixture('01_flag_updated_env_default.json'));
    const { stdout } = await run(process.execPath, [cli, 'verify', '--secret', SECRET, '--signature', signature, '--body', file]);
    assert.match(stdout, /^valid: butter_bar in Production/);
    await assert.rejects(run(process.execPath, [cli, 'verify', '--secret', `${SECRET}\n`, '--signature', signature, '--body', file]), (error) => {
      assert.equal(error.code, 1);
      assert.match(error.stderr, /secret_whitespace/);
      assert.ok(!error.stderr.includes(SECRET));
      return true;
    });
  });
});

test('signedRequest and verifyRequest: a test helper and the low-level check agree', async () => {
  const event = sampleEvent('FLAG_UPDATED');
  const request = signedRequest('https://example.test/webhook', SECRET, event);
  assert.equal(request.headers.get('content-type'), 'application/json');
  const received = await verifyRequest(request, [SECRET]);
  assert.deepEqual(received, event);
  assert.match(received.deliveryKey, /^[0-9a-f]{64}$/);
  assert.equal(Object.keys(received).includes('deliveryKey'), false, 'deliveryKey is not enumerable');
  assert.equal(JSON.stringify(received), JSON.stringify(event));
  const init = signedRequestInit(SECRET, event);
  // The delivery key identifies the delivery but is no signature (it once was the HMAC itself).
  assert.notEqual(received.deliveryKey, init.headers['X-Flagsmith-Signature']);
  assert.equal(received.deliveryKey, (await verifyRequest(signedRequest('https://example.test/webhook', SECRET, event), SECRET)).deliveryKey);
  await assert.rejects(verifyRequest(signedRequest('https://example.test/', 'other', event), SECRET), { code: 'signature_mismatch' });
  const big = new Request('https://example.test/', { method: 'POST', body: 'x'.repeat(2048) });
  await assert.rejects(verifyRequest(big, SECRET, { maxBodyBytes: 1024 }), { code: 'body_too_large' });
});
