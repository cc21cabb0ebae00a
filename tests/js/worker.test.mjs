// Workers under real workerd (Miniflare) on 127.0.0.1, bundled by wrangler's own bundler, which
// resolves 'flagsmith-webhooks' through the package's exports map (`workerd` condition) exactly
// as a deployment would: the shared vectors, the receiver table, 2,000 parallel requests, and the
// example in examples/cloudflare-worker.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Miniflare } from 'miniflare';
import { sign } from 'flagsmith-webhooks';

import { RECEIVER_SECRETS, SECRET, loadTest, rawRequest, runReceiverTable } from './receiver-table.mjs';
import { fixture, portableVectors } from './vectors.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const cleanups = [];

/** Bundles a Worker with wrangler and starts it under workerd; resolves to its URL. */
export async function startWorker(config, bindings) {
  const outdir = mkdtempSync(join(tmpdir(), 'fw-worker-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir, '--config', join(root, config)], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRoot: outdir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    bindings,
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  const url = await mf.ready;
  assert.equal(url.hostname, '127.0.0.1');
  cleanups.push(async () => {
    await mf.dispose();
    rmSync(outdir, { recursive: true, force: true });
  });
  return url.origin;
}

let worker;
before(async () => {
  worker = await startWorker('tests/worker/wrangler.toml', { FLAGSMITH_WEBHOOK_SECRET: RECEIVER_SECRETS.join(',') });
});
after(async () => {
  for (const cleanup of cleanups) await cleanup();
});

const takeCalls = async () => (await fetch(`${worker}/calls`)).json();

test('the shared vector file passes inside workerd', async () => {
  const response = await fetch(`${worker}/conformance`, { method: 'POST', body: JSON.stringify(portableVectors()) });
  assert.equal(response.status, 200);
  assert.deepEqual((await response.json()).failures, []);
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
