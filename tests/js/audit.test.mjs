// The audit-log sink: every real AUDIT_LOG_CREATED request, sent twice over HTTP to a receiver
// with `audit`, is stored once in an fsync'd JSON Lines file; the hash chain verifies and names
// the first removed, altered, moved, inserted or cut record; stored records' signatures check
// again; every query filter; the file replays through the CLI.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { AuditSink, createNodeMiddleware, fileAuditStore, memoryAuditStore, parse, sampleEvent, verifyChain, verifyStoredRecord } from 'flagsmith-webhooks';

import { closeNow } from '../../scripts/serve.mjs';
import { rawRequest } from './helpers/receiver-table.mjs';
import { fixture } from './helpers/vectors.mjs';

const cli = fileURLToPath(new URL('../../pkg/bin/flagsmith-webhooks.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'fw-audit-'));
const file = join(dir, 'audit.jsonl');
const SECRETS = ['real-secret-1', 'real-secret-2'];
const requests = JSON.parse(fixture('real/requests.json')).requests;
const audits = requests.filter((r) => r.event_type === 'AUDIT_LOG_CREATED' && r.signed_by);
let server;
let url;

before(async () => {
  const sink = new AuditSink({ store: fileAuditStore(file) });
  server = createServer(createNodeMiddleware({ secrets: SECRETS, audit: sink }));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${server.address().port}/`;
});

after(async () => {
  if (server) await closeNow(server);
  rmSync(dir, { recursive: true, force: true });
});

const HOP = new Set(['host', 'content-length', 'connection']);
const send = (request) => rawRequest(url, { path: '/', headers: request.headers.filter(([name]) => !HOP.has(name.toLowerCase())), body: fixture(`real/${request.file}`) });

test('each audit record is stored once, however often it arrives', async () => {
  assert.ok(audits.length >= 8, `${audits.length} signed audit requests`);
  for (const request of [...audits, ...audits.slice().reverse()]) {
    const response = await send(request);
    assert.equal(response.status, 200, request.file);
  }
  // Concurrent copies too.
  const responses = await Promise.all(audits.map(send));
  assert.deepEqual([...new Set(responses.map((r) => r.status))], [200]);
  const ids = new Set(audits.map((r) => parse(fixture(`real/${r.file}`)).data.id));
  const stored = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(stored.length, ids.size);
  assert.deepEqual(new Set(stored.map((r) => r.key)), new Set([...ids].map((id) => `audit:${id}`)));
  // Each stored record is the delivery as received: its signature checks again.
  for (const record of stored) assert.notEqual(verifyStoredRecord(record, SECRETS), -1, record.key);
  assert.deepEqual(await verifyChain(stored), { ok: true, count: stored.length, head: stored.at(-1).hash });
});

test('verifyChain names the first removed, altered, moved, inserted or cut record', async () => {
  const stored = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const head = stored.at(-1).hash;
  const removed = stored.filter((_, index) => index !== 2);
  assert.deepEqual([(await verifyChain(removed)).ok, (await verifyChain(removed)).index], [false, 2]);
  const altered = structuredClone(stored);
  altered[3].body = altered[3].body.replace('"log": "', '"log": "X');
  assert.match((await verifyChain(altered)).reason, /altered/);
  assert.equal((await verifyChain(altered)).index, 3);
  const moved = structuredClone(stored);
  [moved[1], moved[4]] = [moved[4], moved[1]];
  assert.equal((await verifyChain(moved)).index, 1);
  const inserted = structuredClone(stored);
  inserted.splice(5, 0, { ...structuredClone(stored[5]), key: 'audit:999' });
  assert.equal((await verifyChain(inserted)).ok, false);
  assert.equal((await verifyChain(inserted)).index, 5);
  // Cut from the end: only a head kept elsewhere shows it.
  const cut = stored.slice(0, -1);
  assert.equal((await verifyChain(cut)).ok, true);
  assert.match((await verifyChain(cut, { expectedHead: head })).reason, /cut from the end/);
  // A rewritten chain (every hash recomputed) does not end at the kept head either.
  assert.equal((await verifyChain(stored, { expectedHead: head })).ok, true);
});

test('queries filter as the audit log page does', async () => {
  const sink = new AuditSink({ store: fileAuditStore(file) });
  const all = await sink.records();
  assert.ok(all.length >= 5);
  const sample = all.find((r) => r.data.related_object_type) ?? all[0];
  for (const [query, check] of [
    [{ relatedObjectType: sample.data.related_object_type }, (r) => r.data.related_object_type === sample.data.related_object_type],
    [{ author: sample.data.author?.email?.toUpperCase() }, (r) => r.data.author?.email === sample.data.author?.email],
    [{ project: sample.data.project.name }, (r) => r.data.project.name === sample.data.project.name],
    [{ project: sample.data.project.id }, (r) => r.data.project.id === sample.data.project.id],
    [{ text: sample.data.log.slice(0, 8).toLowerCase() }, (r) => r.data.log.toLowerCase().includes(sample.data.log.slice(0, 8).toLowerCase())],
    [{ from: sample.data.created_date, to: sample.data.created_date }, (r) => r.data.created_date === sample.data.created_date],
  ]) {
    const found = await sink.records(query);
    assert.ok(found.length >= 1, JSON.stringify(query));
    assert.deepEqual(found.map((r) => r.key), all.filter(check).map((r) => r.key), JSON.stringify(query));
  }
  const withEnvironment = all.find((r) => r.data.environment);
  if (withEnvironment) assert.ok((await sink.records({ environment: withEnvironment.data.environment.name })).length >= 1);
  assert.deepEqual(await sink.records({ text: 'no log line says this' }), []);
});

test('a sink reopened on the file continues the chain; the Test webhook sample is keyed by its delivery', async () => {
  const sink = new AuditSink({ store: fileAuditStore(file) });
  const before = (await sink.verify()).count;
  const sample = sampleEvent('AUDIT_LOG_CREATED');
  delete sample.data.id; // as the dashboard's Test webhook sends it
  const delivery = { headers: [['content-type', 'application/json']], body: JSON.stringify(sample), receivedAt: new Date().toISOString(), deliveryKey: 'a'.repeat(64) };
  assert.deepEqual((await sink.add(delivery, sample)).key, `delivery:${'a'.repeat(64)}`);
  assert.equal((await sink.add(delivery, sample)).stored, false);
  assert.equal((await sink.verify()).count, before + 1);
  assert.equal((await sink.verify({ expectedHead: await sink.head() })).ok, true);
  assert.equal((await new AuditSink().add(delivery, sampleEvent('FLAG_UPDATED'))).stored, false);
});

test('concurrent adds chain in one order; a memory store works the same', async () => {
  const sink = new AuditSink({ store: memoryAuditStore() });
  const adds = Array.from({ length: 50 }, (_, i) => {
    const event = sampleEvent('AUDIT_LOG_CREATED');
    event.data.id = i + 1;
    return sink.add({ headers: [], body: JSON.stringify(event), deliveryKey: String(i) }, event);
  });
  assert.equal((await Promise.all(adds)).filter((r) => r.stored).length, 50);
  assert.deepEqual((await sink.verify()).count, 50);
});

test('the audit file replays through the CLI, byte for byte with each signature', async () => {
  const replayFile = join(dir, 'replay.jsonl');
  writeFileSync(replayFile, readFileSync(file, 'utf8').split('\n').filter((line) => line.includes('"audit:')).join('\n'));
  // Asynchronously: the receiver answers from this very process.
  let output;
  try {
    ({ stdout: output } = await promisify(execFile)(process.execPath, [cli, 'replay', replayFile, url], { encoding: 'utf8' }));
  } catch (error) {
    assert.fail(`replay failed: ${error.stdout}${error.stderr}`);
  }
  assert.match(output, /(\d+) of \1 replayed requests answered 2xx/);
});
