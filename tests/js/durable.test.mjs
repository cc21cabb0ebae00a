// The Durable Objects under real workerd (Miniflare): a receiver Worker forwards every verified
// delivery to a FlagMirrorObject and an AuditLogObject. Every real signed request, each sent
// ten times and all at once, with reads of a flag during the writes, gives the same mirror as
// a FlagMirror in this process, and every audit record once in a chain that verifies; a
// restarted workerd (persisted storage) answers the same.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { FlagMirror, parse } from 'flagsmith-webhooks';

import { rawRequest } from './helpers/receiver-table.mjs';
import { fixture } from './helpers/vectors.mjs';
import { bundleWorker, startBundledWorker } from './helpers/workers.mjs';

const persist = mkdtempSync(join(tmpdir(), 'fw-durable-'));
const outdir = bundleWorker('tests/workers/durable/wrangler.toml');
const bindings = { SECRET_1: 'real-secret-1', SECRET_2: 'real-secret-2' };
const options = { miniflare: { durableObjects: { FLAGS: 'FlagMirrorObject', AUDIT: 'AuditLogObject' }, durableObjectsPersist: persist } };
const running = [];
after(async () => {
  for (const stop of running) await stop();
  rmSync(persist, { recursive: true, force: true });
  rmSync(outdir, { recursive: true, force: true });
});

const requests = JSON.parse(fixture('real/requests.json')).requests;
const signed = requests.filter((r) => r.signed_by);
const HOP = new Set(['host', 'content-length', 'connection']);
const deliver = (url, request) => rawRequest(url, { path: '/', headers: request.headers.filter(([name]) => !HOP.has(name.toLowerCase())), body: fixture(`real/${request.file}`) });
const getJson = async (url, path) => JSON.parse((await rawRequest(url, { method: 'GET', path })).body);

test('concurrent deliveries with copies, reads during writes, then a restart: nothing lost, nothing twice', async () => {
  const first = await startBundledWorker(outdir, bindings, options);
  running.push(first.stop);
  const reads = [];
  // Each signed request ten times, all 200 at once (Flagsmith's own copies, and retries).
  const deliveries = signed.flatMap((request) => Array(10).fill(request));
  const statuses = await Promise.all(
    deliveries.map((request, index) => {
      // A read of a flag every few writes: it must answer (a state or null), never fail.
      if (index % 5 === 0) reads.push(rawRequest(first.url, { method: 'GET', path: '/flag?environment=1&feature=capture_std' }));
      return deliver(first.url, request).then((response) => response.status);
    }),
  );
  assert.deepEqual([...new Set(statuses)], [200]);
  for (const read of await Promise.all(reads)) assert.equal(read.status, 200);

  const expected = new FlagMirror();
  for (const request of signed) expected.apply(parse(fixture(`real/${request.file}`)));
  assert.deepEqual(await getJson(first.url, '/snapshot'), expected.toJSON());
  assert.deepEqual(await getJson(first.url, '/flag?environment=Capture%20Env&feature=capture_std'), expected.get({ environment: 'Capture Env', feature: 'capture_std' }));

  const audits = signed.filter((r) => r.event_type === 'AUDIT_LOG_CREATED');
  const ids = new Set(audits.map((r) => parse(fixture(`real/${r.file}`)).data.id));
  const records = await getJson(first.url, '/audit');
  assert.equal(records.length, ids.size, 'each audit record once');
  assert.equal((await getJson(first.url, '/audit/verify')).ok, true);
  assert.ok((await getJson(first.url, `/audit?text=${encodeURIComponent(records[0].data.log.slice(0, 6))}`)).length >= 1);

  // A restart: a new workerd on the same persisted storage.
  await first.stop();
  running.pop();
  const second = await startBundledWorker(outdir, bindings, options);
  running.push(second.stop);
  assert.deepEqual(await getJson(second.url, '/snapshot'), expected.toJSON());
  assert.equal((await getJson(second.url, '/audit')).length, ids.size);
  // Deliveries after the restart continue both: copies are still recognised.
  for (const request of audits) assert.equal((await deliver(second.url, request)).status, 200);
  assert.equal((await getJson(second.url, '/audit')).length, ids.size);
  assert.equal((await getJson(second.url, '/audit/verify')).ok, true);
});
