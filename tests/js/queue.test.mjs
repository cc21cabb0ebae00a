// The Cloudflare Queues recipe under real workerd (Miniflare runs Queues and KV locally): the
// receiver verifies and enqueues, the consumer runs the handlers with retries and processes
// each delivery key once. Also the example in examples/cloudflare-queue end to end.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';

import { sampleEvent, sign, toFlagsmithJson } from 'flagsmith-webhooks';

import { rawRequest } from './helpers/receiver-table.mjs';
import { startWorkerInstance, stopWorkers } from './helpers/workers.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
after(stopWorkers);

const queues = (consumerOptions = {}) => ({
  queueProducers: { FLAGSMITH_DELIVERIES: { queueName: 'flagsmith-deliveries' } },
  queueConsumers: { 'flagsmith-deliveries': { maxBatchSize: 10, maxBatchTimeout: 0.1, maxRetries: 5, retryDelay: 0, ...consumerOptions } },
  kvNamespaces: ['FLAGSMITH_SEEN', 'LOG'],
});

function signedPost(url, body) {
  return rawRequest(url, { path: '/', headers: [['content-type', 'application/json'], ['X-Flagsmith-Signature', sign(SECRET, body)]], body });
}

async function until(check, what, timeoutMs = 30_000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > timeoutMs) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function logOf(mf) {
  const log = await mf.getKVNamespace('LOG');
  const entries = {};
  for (const { name } of (await log.list()).keys) entries[name] = await log.get(name);
  return entries;
}

test('a consumer that fails twice then succeeds processes the delivery once; duplicates are processed once', async () => {
  const { url, mf } = await startWorkerInstance('tests/workers/queue/wrangler.toml', { FLAGSMITH_WEBHOOK_SECRET: SECRET }, { miniflare: queues() });
  const flaky = sampleEvent('FLAG_UPDATED');
  flaky.data.changed_by = 'flaky@example.com';
  const steady = sampleEvent('FLAG_UPDATED');
  steady.data.changed_by = 'steady@example.com';
  const drifted = sampleEvent('FLAG_UPDATED');
  drifted.data.changed_by = 'drift@example.com';
  drifted.data.new_state.enabled = 'yes';
  const bodies = [toFlagsmithJson(flaky), toFlagsmithJson(steady), toFlagsmithJson(drifted)];
  // The steady delivery arrives three times, as Flagsmith sends byte-identical copies.
  for (const body of [bodies[0], bodies[1], bodies[1], bodies[1], bodies[2]]) {
    const response = await signedPost(url, body);
    assert.equal(response.status, 200, response.body);
  }
  const log = await until(async () => {
    const entries = await logOf(mf);
    return Object.keys(entries).filter((k) => k.startsWith('processed:')).length === 3 && Object.keys(entries).some((k) => k.endsWith(':3')) ? entries : undefined;
  }, 'three processed deliveries');
  const processed = Object.entries(log).filter(([k]) => k.startsWith('processed:'));
  assert.deepEqual(processed.map(([, count]) => count), ['1', '1', '1'], 'each delivery processed exactly once');
  const attempts = Object.entries(log).filter(([k]) => k.startsWith('attempt:'));
  const flakyAttempts = attempts.filter(([, author]) => author === 'flaky@example.com').map(([k]) => Number(k.split(':').at(-1)));
  assert.deepEqual(flakyAttempts.sort(), [1, 2, 3], 'two failures, then the third attempt succeeded');
  assert.equal(attempts.filter(([, author]) => author === 'steady@example.com').length, 1, 'the two copies were skipped');
  const conforming = Object.entries(log).filter(([k]) => k.startsWith('conforming:')).map(([, v]) => v).sort();
  assert.deepEqual(conforming, ['false', 'true', 'true'], 'the drifted delivery reached the consumer, marked non-conforming');
  // A forged request never reaches the queue.
  const forged = await rawRequest(url, { path: '/', headers: [['X-Flagsmith-Signature', sign('wrong', bodies[1])]], body: bodies[1] });
  assert.equal(forged.status, 401);
});

test('the example in examples/cloudflare-queue mirrors flag state through the queue', async () => {
  const { url, mf } = await startWorkerInstance('examples/cloudflare-queue/wrangler.toml', { FLAGSMITH_WEBHOOK_SECRET: SECRET }, { miniflare: queues() });
  const event = sampleEvent('FLAG_UPDATED');
  const body = toFlagsmithJson(event);
  assert.equal((await signedPost(url, body)).status, 200);
  const state = event.data.new_state;
  const seen = await mf.getKVNamespace('FLAGSMITH_SEEN');
  const stored = await until(() => seen.get(`flag:${state.environment.id}:${state.feature.name}`), 'the flag state');
  assert.deepEqual(JSON.parse(stored), { enabled: state.enabled, value: state.feature_state_value });
});
