// The same request table against every Node receiver, each started for real on 127.0.0.1:
// node:http, Express, Fastify and Hono. Plus the loud error behind express.json(), 2,000
// parallel requests against the Node receiver, and the CLI end to end.
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { after, describe as suite, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { serve } from '@hono/node-server';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import Koa from 'koa';
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { createFastifyPlugin, createHandler, createNodeMiddleware, createWebhookHandler, sampleEvent, sign, signedRequest, signedRequestInit, verifyRequest } from 'flagsmith-webhooks';

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

suite('createNodeMiddleware with a path, mounted for a whole app', async () => {
  test('node:http: the path is the webhook, every other path is 404', async () => {
    const { calls, take } = recorder();
    const url = await listen(createServer(createNodeMiddleware({ ...receiverOptions(RECEIVER_SECRETS, calls), path: '/webhook' })));
    await runReceiverTable(url, take);
    const body = fixture('01_flag_updated_env_default.json');
    const signed = [['content-type', 'application/json'], ['X-Flagsmith-Signature', sign(SECRET, body)]];
    for (const request of [{ method: 'GET', path: '/health' }, { path: '/other', headers: signed, body }, { path: '/webhook/extra', headers: signed, body }]) {
      const response = await rawRequest(url, request);
      assert.equal(response.status, 404, `${request.method ?? 'POST'} ${request.path}`);
      assert.equal(JSON.parse(response.body).error, 'not_found');
    }
    assert.equal((await rawRequest(url, { path: '/webhook?source=flagsmith', headers: signed, body })).status, 200, 'a query string is not part of the path');
    assert.equal((await take()).length, 1);
  });

  test('Express: app.use() for the whole app, other routes reached through next()', async () => {
    const { calls, take } = recorder();
    const app = express();
    app.use(createNodeMiddleware({ ...receiverOptions(RECEIVER_SECRETS, calls), path: '/webhook' }));
    app.use(express.json());
    app.get('/health', (req, res) => res.json({ healthy: true }));
    app.post('/echo', (req, res) => res.json(req.body));
    const url = await listen(createServer(app));
    await runReceiverTable(url, take);
    const health = await rawRequest(url, { method: 'GET', path: '/health' });
    assert.equal(health.status, 200);
    assert.deepEqual(JSON.parse(health.body), { healthy: true });
    const echo = await rawRequest(url, { path: '/echo', headers: [['content-type', 'application/json']], body: '{"json": "still parsed"}' });
    assert.deepEqual(JSON.parse(echo.body), { json: 'still parsed' });
  });

  test('a path that is not one is refused when the middleware is created', () => {
    for (const path of ['webhook', '/webhook?x=1', 42]) {
      assert.throws(() => createNodeMiddleware({ secret: SECRET, path }), { code: 'invalid_option' }, String(path));
    }
  });
});

suite('a secret missing while the app is built', () => {
  test('creating a receiver does not throw; every request is answered 500 invalid_secret', async () => {
    const errors = [];
    const options = { secret: process.env.FLAGSMITH_WEBHOOK_SECRET_THAT_IS_NOT_SET, on: {}, onError: (error) => errors.push(error.code) };
    const handler = createHandler(options);
    const middleware = createNodeMiddleware(options);
    const body = fixture('01_flag_updated_env_default.json');
    const response = await handler(new Request('http://127.0.0.1/webhook', { method: 'POST', body, headers: { 'x-flagsmith-signature': sign(SECRET, body) } }));
    assert.equal(response.status, 500);
    assert.equal((await response.json()).error, 'invalid_secret');
    const url = await listen(createServer(middleware));
    const viaNode = await rawRequest(url, { headers: [['X-Flagsmith-Signature', sign(SECRET, body)]], body });
    assert.equal(viaNode.status, 500);
    assert.equal(JSON.parse(viaNode.body).error, 'invalid_secret');
    assert.deepEqual(errors, ['invalid_secret', 'invalid_secret']);
    // Every other option is still checked when the receiver is created.
    assert.throws(() => createHandler({ ...options, maxBodyBytes: -1 }), { code: 'invalid_option' });
  });
});

suite('Fastify', async () => {
  const { calls, take } = recorder();
  const app = Fastify();
  // The recipe: the plugin, registered for its own route; the rest of the app is untouched.
  app.register(createFastifyPlugin({ ...receiverOptions(RECEIVER_SECRETS, calls), path: '/webhook' }));
  app.post('/echo', async (request) => ({ parsed: request.body }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  closers.push(() => app.close());
  const url = `http://127.0.0.1:${app.server.address().port}`;
  test('answers the receiver table', () => runReceiverTable(url, take));

  test("the app's other routes keep Fastify's JSON parsing; 405 says what is allowed", async () => {
    const echo = await rawRequest(url, { path: '/echo', headers: [['content-type', 'application/json']], body: '{"a": [1, 2]}' });
    assert.equal(echo.status, 200);
    assert.deepEqual(JSON.parse(echo.body), { parsed: { a: [1, 2] } });
    const get = await rawRequest(url, { method: 'GET' });
    assert.equal(get.status, 405);
    assert.equal(get.headers.allow, 'POST');
    const huge = 'x'.repeat(1024 * 1024);
    const tooLarge = await rawRequest(url, { headers: [['X-Flagsmith-Signature', sign(SECRET, huge)]], body: huge });
    assert.equal(tooLarge.status, 413);
    assert.equal(JSON.parse(tooLarge.body).error, 'body_too_large');
  });

  test('createWebhookHandler gives the headers to send, Allow among them for 405', async () => {
    const handle = createWebhookHandler(receiverOptions(RECEIVER_SECRETS, []));
    const result = await handle({ method: 'GET', headers: {}, body: '' });
    assert.equal(result.status, 405);
    assert.deepEqual(result.headers, { 'content-type': 'application/json', allow: 'POST' });
  });
});

suite('Koa', async () => {
  const { calls, take } = recorder();
  const app = new Koa();
  // The recipe: before any body parser, the middleware answers the webhook's path itself.
  const webhook = createNodeMiddleware({ ...receiverOptions(RECEIVER_SECRETS, calls), path: '/webhook' });
  app.use(async (ctx, next) => {
    if (ctx.path !== '/webhook') return next();
    ctx.respond = false; // the middleware writes the response
    await webhook(ctx.req, ctx.res);
  });
  app.use((ctx) => {
    ctx.body = { other: ctx.path };
  });
  const url = await listen(createServer(app.callback()));
  test('answers the receiver table', () => runReceiverTable(url, take));
  test('other routes are left to the app', async () => {
    const other = await rawRequest(url, { method: 'GET', path: '/health' });
    assert.deepEqual(JSON.parse(other.body), { other: '/health' });
  });
});

suite('NestJS (on Express)', async () => {
  const { calls, take } = recorder();
  class AppModule {}
  Module({})(AppModule);
  // The recipe: Nest's body parsers off, the webhook's middleware first, then JSON parsing for
  // the rest of the app.
  const app = await NestFactory.create(AppModule, { bodyParser: false, logger: false });
  app.use('/webhook', createNodeMiddleware(receiverOptions(RECEIVER_SECRETS, calls)));
  app.useBodyParser('json');
  app.use('/echo', (req, res) => res.json({ parsed: req.body }));
  await app.listen(0, '127.0.0.1');
  closers.push(() => app.close());
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  test('answers the receiver table', () => runReceiverTable(url, take));
  test('the rest of the app still parses JSON', async () => {
    const echo = await rawRequest(url, { path: '/echo', headers: [['content-type', 'application/json']], body: '{"a": 1}' });
    assert.deepEqual(JSON.parse(echo.body), { parsed: { a: 1 } });
  });
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

suite('the CLI, end to end', async () => {
  const receiver = await nodeHttpReceiver();
  const url = `${receiver.url}/webhook`;
  const withSecret = { env: { ...process.env, FLAGSMITH_WEBHOOK_SECRET: SECRET } };
  /** Runs the CLI with `input` on standard input (a pipe); resolves to { code, stdout, stderr }. */
  const cliWith = (args, input, env = process.env) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input);
    });
  /** Starts `listen` on a free port; resolves to { url, output(), stop() }. */
  async function startListen(args) {
    const child = spawn(process.execPath, [cli, 'listen', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    for (let i = 0; i < 100 && !/listening on (\S+)/.test(output); i++) await new Promise((r) => setTimeout(r, 50));
    const address = /listening on http:\/\/([\d.:]+)\//.exec(output);
    assert.ok(address, output);
    closers.push(async () => child.kill());
    return { url: `http://${address[1]}`, output: () => output };
  }

  test('--version, help per command, and unknown commands', async () => {
    const version = JSON.parse(readFileSync(new URL('../../pkg/package.json', import.meta.url), 'utf8')).version;
    assert.equal(execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).trim(), version);
    for (const command of ['sign', 'verify', 'send', 'replay', 'listen']) {
      const help = execFileSync(process.execPath, [cli, command, '--help'], { encoding: 'utf8' });
      assert.match(help, new RegExp(`^usage: flagsmith-webhooks ${command}`), command);
    }
    const unknown = await cliWith(['frobnicate'], '');
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
  });

  test('sign refuses an empty body unless asked', async () => {
    const empty = await cliWith(['sign', '--secret', SECRET], '');
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /the body is empty/);
    const allowed = await cliWith(['sign', '--secret', SECRET, '--allow-empty'], '');
    assert.equal(allowed.stdout.trim(), sign(SECRET, ''));
  });

  test('send reads a piped body; an empty pipe is an error', async () => {
    const body = fixture('03_flag_updated_multivariate.json');
    const piped = await cliWith(['send', url], body, withSecret.env);
    assert.equal(piped.code, 0, piped.stderr);
    const [call] = await receiver.take();
    assert.equal(call.delivery.body, body.toString('utf8'), 'the piped bytes, not a sample');
    const empty = await cliWith(['send', url], '', withSecret.env);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /standard input is empty/);
    assert.deepEqual(await receiver.take(), []);
  });

  test('send --header, --unsigned and --signature', async () => {
    const headed = await cliWith(['send', url, '--event', 'FLAG_UPDATED', '--header', 'X-Request-Id: abc', '--header', 'X-Other:2'], '', withSecret.env);
    assert.equal(headed.code, 0, headed.stderr);
    const [call] = await receiver.take();
    assert.ok(call.delivery.headers.some(([name, value]) => name === 'X-Request-Id' && value === 'abc'), JSON.stringify(call.delivery.headers));
    assert.ok(call.delivery.headers.some(([name, value]) => name === 'X-Other' && value === '2'));
    const unsigned = await cliWith(['send', url, '--event', 'FLAG_UPDATED', '--unsigned'], '');
    assert.equal(unsigned.code, 1);
    assert.match(unsigned.stdout, /^401 .*\n.*missing_signature/s);
    const body = fixture('01_flag_updated_env_default.json');
    const chosen = await cliWith(['send', url, '--signature', sign(SECRET, body)], body);
    assert.equal(chosen.code, 0, chosen.stdout);
    const wrong = await cliWith(['send', url, '--signature', '0'.repeat(64)], body);
    assert.match(wrong.stdout, /^401 .*signature_mismatch/s);
    await receiver.take();
  });

  test('listen prints each verdict and forwards verified deliveries unchanged; replay resends every real request', async () => {
    const requests = JSON.parse(fixture('real/requests.json')).requests;
    const listener = await startListen(['--secret', 'real-secret-1', '--secret', 'real-secret-2', '--path', '/hook', '--forward-to', url]);
    const hook = `${listener.url}/hook`;
    const file = fileURLToPath(new URL('../fixtures/real/requests.json', import.meta.url));
    const replayed = await cliWith(['replay', file, hook], '');
    assert.equal(replayed.code, 1, 'the unsigned captures are refused');
    const lines = replayed.stdout.trim().split('\n');
    for (const request of requests) {
      const line = lines.find((l) => l.startsWith(`${request.file}: `));
      assert.match(line, request.signed_by ? /: 200 / : /: 401 .*missing_signature/, request.file);
    }
    assert.equal(lines.at(-1), `${requests.filter((r) => r.signed_by).length} of ${requests.length} replayed requests answered 2xx`);
    // Each verified delivery went on to the receiver with its own bytes and signature: that
    // receiver's secret is not the capture's, so it answered 401, which listen printed.
    assert.equal((listener.output().match(/^✓ verified /gm) ?? []).length, requests.filter((r) => r.signed_by).length);
    assert.equal((listener.output().match(/^  → forwarded to .*: 401 /gm) ?? []).length, requests.filter((r) => r.signed_by).length);
    assert.equal((listener.output().match(/^✗ missing_signature/gm) ?? []).length, requests.filter((r) => !r.signed_by).length);

    // A raw HTTP request as a request bin shows it, and a receiver's JSON capture.
    const real = requests.find((r) => r.signed_by === 'real-secret-1');
    const dir = mkdtempSync(join(tmpdir(), 'fw-replay-'));
    const rawFile = join(dir, 'request.http');
    writeFileSync(rawFile, Buffer.concat([Buffer.from(real.raw_head_bytes_latin1, 'latin1'), fixture(`real/${real.file}`)]));
    const raw = await cliWith(['replay', rawFile, hook], '');
    assert.equal(raw.code, 0, raw.stdout);
    const captureFile = join(dir, 'deliveries.jsonl');
    const body = fixture(`real/${real.file}`).toString('utf8');
    writeFileSync(captureFile, `${JSON.stringify({ headers: real.headers, body })}\n${JSON.stringify({ headers: real.headers, body })}\n`);
    const captured = await cliWith(['replay', captureFile, hook], '');
    assert.equal(captured.code, 0, captured.stdout);
    assert.match(captured.stdout, /2 of 2 replayed requests answered 2xx/);
    rmSync(dir, { recursive: true, force: true });

    // send -> listen -> the receiver, with a secret both share.
    const shared = await startListen(['--secret', SECRET, '--forward-to', url]);
    const sent = await cliWith(['send', `${shared.url}/`, '--event', 'NEW_VERSION_PUBLISHED'], '', withSecret.env);
    assert.equal(sent.code, 0, sent.stdout);
    const calls = await receiver.take();
    assert.deepEqual(calls.map((c) => c.route), ['NEW_VERSION_PUBLISHED']);
    assert.match(shared.output(), /✓ verified NEW_VERSION_PUBLISHED: .*\n  → forwarded to .*: 200 /);
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
