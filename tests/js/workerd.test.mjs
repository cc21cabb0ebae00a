// Workers under real workerd (Miniflare) on 127.0.0.1, bundled by wrangler's own bundler, which
// resolves 'flagsmith-webhooks' through the package's exports map (`workerd` condition) exactly
// as a deployment would: the shared vectors, the receiver table, 2,000 parallel requests, and the
// example in examples/cloudflare-worker.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { sign } from 'flagsmith-webhooks';

import { startWorker, stopWorkers } from './helpers/workers.mjs';

import { RECEIVER_SECRETS, SECRET, loadTest, rawRequest, runReceiverTable } from './helpers/receiver-table.mjs';
import { fixture, portableVectors } from './helpers/vectors.mjs';

let worker;
before(async () => {
  worker = await startWorker('tests/workers/receiver/wrangler.toml', { FLAGSMITH_WEBHOOK_SECRET: RECEIVER_SECRETS.join(',') });
});
after(stopWorkers);

const takeCalls = async () => (await fetch(`${worker}/calls`)).json();

test('the shared vector file passes inside workerd', async () => {
  const response = await fetch(`${worker}/conformance`, { method: 'POST', body: JSON.stringify(portableVectors()) });
  assert.equal(response.status, 200);
  assert.deepEqual((await response.json()).failures, []);
});

test('flagsmith-webhooks/verify passes the shared vectors inside workerd, on its own module', async () => {
  const response = await fetch(`${worker}/conformance/verify`, { method: 'POST', body: JSON.stringify(portableVectors()) });
  assert.equal(response.status, 200);
  const answer = await response.json();
  assert.deepEqual(answer.failures, []);
  assert.ok(answer.exports.includes('Verifier') && !answer.exports.includes('parse'), String(answer.exports));
});

test('createHandler under workerd answers the receiver table', () => runReceiverTable(worker, takeCalls));

test('2,000 signed requests in parallel batches are each handled exactly once in workerd', () => loadTest(worker, takeCalls));

test('the example Worker verifies and acts on events', async () => {
  const example = await startWorker('examples/cloudflare-worker/wrangler.toml', { FLAGSMITH_WEBHOOK_SECRET: SECRET });
  const body = fixture('03_flag_updated_multivariate.json');
  const headers = [['content-type', 'application/json'], ['X-Flagsmith-Signature', sign(SECRET, body)]];
  assert.equal((await rawRequest(example, { headers, body })).status, 200);
  assert.equal((await rawRequest(example, { headers, body })).status, 200, 'a duplicate delivery is acknowledged too');
  const tampered = body.toString().replace('Purchase', 'Purchased');
  assert.equal((await rawRequest(example, { headers, body: tampered })).status, 401);
  assert.equal((await rawRequest(example, { headers: [headers[0]], body })).status, 401);
  assert.equal((await rawRequest(example, { method: 'GET' })).status, 405);
});
