// FlagMirror: the state of every flag a stream of webhooks told it about, the same whatever
// order the deliveries arrive in. Checked on every real captured request, in capture order,
// reversed and in 200 random orders with duplicates, against what the captured actions did;
// then on generated streams (order independence, idempotence, deletions for good); then wired
// into a receiver.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { FlagMirror, createHandler, parse, sampleEvent, sign, signedRequest, toFlagsmithJson } from 'flagsmith-webhooks';

import { fixture } from './helpers/vectors.mjs';
import { random } from './helpers/random.mjs';

const requests = JSON.parse(fixture('real/requests.json')).requests;
const events = requests.map((r) => parse(fixture(`real/${r.file}`)));

function shuffled(items, next) {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

const mirrorOf = (stream) => {
  const mirror = new FlagMirror();
  for (const event of stream) mirror.apply(structuredClone(event));
  return JSON.stringify(mirror.toJSON());
};

test('every real request, in any order and with duplicates, gives the same mirror', () => {
  const inOrder = mirrorOf(events);
  assert.equal(mirrorOf([...events].reverse()), inOrder, 'reversed');
  const next = random(18);
  for (let round = 0; round < 200; round++) {
    const withCopies = events.flatMap((event) => (next() < 0.3 ? [event, event, event] : [event]));
    assert.equal(mirrorOf(shuffled(withCopies, next)), inOrder, `random order #${round}`);
  }
});

test('the mirror says what the captured actions did', () => {
  const mirror = new FlagMirror();
  for (const event of events) mirror.apply(event);
  const env = 'Capture Env';
  // create, toggle on, change the value, then toggled off with a master API key.
  const standard = mirror.get({ environment: env, feature: 'capture_std' });
  assert.equal(standard.enabled, false, 'toggle_standard_feature_off_via_master_api_key');
  assert.match(standard.value, /^Grüße 🚀 <strong>x<\/strong>/, 'change_standard_value_to_unicode_html_string');
  // The segment override changed to a boolean and disabled.
  const segment = mirror.get({ environment: env, feature: 'capture_std', segment: 'capture_segment' });
  assert.deepEqual([segment.enabled, segment.value], [false, true], 'change_segment_override_to_bool_and_disable');
  // The identity override changed to an integer (by identifier or by id).
  const identity = mirror.get({ environment: env, feature: 'capture_std', identity: 'user-üñî-日本-😀' });
  assert.equal(identity.value, 1234, 'change_identity_override_int');
  assert.deepEqual(mirror.get({ environment: 1, feature: 1, identity: 1 }), identity);
  // The multivariate feature of the versioned environment was deleted: gone, for good, although
  // its FLAG_DELETED timestamps (the state's own last edits) are earlier than its updates.
  const deleted = events.find((e) => e.event_type === 'FLAG_DELETED').data.previous_state;
  assert.equal(mirror.get({ environment: deleted.environment.id, feature: deleted.feature.id }), undefined);
  assert.equal(mirror.isDeleted({ environment: deleted.environment.id, feature: deleted.feature.id }), true);
  // The processor-mode environment's feature, toggled off.
  assert.equal(mirror.get({ environment: 'Processor Env', feature: 'capture_proc' }).enabled, false);
  // The Test webhook button's sample (made-up ids 1/1/1) left nothing behind.
  assert.equal(mirror.get({ environment: env, feature: 'test_feature' }), undefined);
  assert.ok(mirror.list(env).every((state) => state.feature.name !== 'test_feature'));
  const sample = events[requests.findIndex((r) => r.triggering_action.startsWith('test_webhook'))];
  const fresh = new FlagMirror();
  assert.match(fresh.apply(sample).reason, /Test webhook sample/);
  assert.deepEqual(fresh.toJSON().states, []);
  // Nothing but flag events changes it, and each says why it was ignored.
  assert.match(mirror.apply(events.find((e) => e.event_type === 'AUDIT_LOG_CREATED')).reason, /not a flag event/);
  assert.match(mirror.apply(events.find((e) => e.event_type === 'NEW_VERSION_PUBLISHED')).reason, /names no environment/);
});

/** A random stream over a few environments, features and scopes, with deletions. */
function generatedStream(next) {
  const stream = [];
  for (let i = 0; i < 60; i++) {
    const event = sampleEvent('FLAG_UPDATED');
    const state = event.data.new_state;
    state.environment = { id: 1 + Math.floor(next() * 2), name: 'env' };
    state.feature.id = 1 + Math.floor(next() * 3);
    state.feature.name = `feature_${state.feature.id}`;
    state.enabled = next() < 0.5;
    state.feature_state_value = Math.floor(next() * 4);
    const scope = next();
    state.identity = scope < 0.3 ? 1 + Math.floor(next() * 2) : null;
    state.identity_identifier = state.identity === null ? null : `user_${state.identity}`;
    state.feature_segment = scope > 0.7 ? { priority: 0, segment: { description: null, id: 5, name: 'beta' } } : null;
    // Few distinct times, so that ties happen and must still be settled the same way.
    event.data.timestamp = next() < 0.1 ? '' : `2026-01-0${1 + Math.floor(next() * 3)}T00:00:00.000000Z`;
    if (next() < 0.05) {
      const deletion = sampleEvent('FLAG_DELETED');
      deletion.data.previous_state = { ...state, identity: null, identity_identifier: null, feature_segment: null };
      stream.push(parse(toFlagsmithJson(deletion)));
    } else {
      stream.push(parse(toFlagsmithJson(event)));
    }
  }
  return stream;
}

test('generated streams: order independence, idempotence, deletions for good', () => {
  const next = random(2026);
  for (let round = 0; round < 100; round++) {
    const stream = generatedStream(next);
    const expected = mirrorOf(stream);
    assert.equal(mirrorOf(shuffled(stream, next)), expected, `order, stream #${round}`);
    assert.equal(mirrorOf([...stream, ...stream]), expected, `applied twice, stream #${round}`);
    const json = JSON.parse(expected);
    for (const { environment, feature } of json.deleted) {
      assert.ok(!json.states.some((s) => s.environment.id === environment && s.feature.id === feature), `deleted stays deleted, stream #${round}`);
    }
  }
});

test('toJSON restores with fromJSON, subscribers hear each change, replaceAll resynchronises', () => {
  const mirror = new FlagMirror();
  const heard = [];
  const unsubscribe = mirror.subscribe((change) => heard.push([change.feature.name, change.scope, change.after?.enabled ?? 'deleted']));
  for (const event of events) mirror.apply(event);
  assert.ok(heard.length >= 8, JSON.stringify(heard));
  assert.ok(heard.some(([, , after]) => after === 'deleted'));
  unsubscribe();
  const restored = FlagMirror.fromJSON(JSON.parse(JSON.stringify(mirror.toJSON())));
  assert.deepEqual(restored.toJSON(), mirror.toJSON());
  assert.deepEqual(restored.get({ environment: 'Capture Env', feature: 'capture_std' }), mirror.get({ environment: 'Capture Env', feature: 'capture_std' }));
  assert.throws(() => FlagMirror.fromJSON({ states: [] }), { code: 'invalid_option' });
  // A resynchronisation: a full state from elsewhere, then webhooks on top of it.
  restored.replaceAll({ format: mirror.toJSON().format, states: [], deleted: [] });
  assert.equal(restored.list('Capture Env').length, 0);
  restored.apply(events.find((e) => e.event_type === 'FLAG_UPDATED' && e.data.new_state.feature.name === 'capture_proc'));
  assert.equal(restored.list(2).length, 1);
});

test('a receiver with `mirror` keeps it current before its handlers run', async () => {
  const mirror = new FlagMirror();
  const seen = [];
  const handler = createHandler({
    secret: 'secret',
    mirror,
    on: { FLAG_UPDATED: (event) => seen.push(mirror.get({ environment: event.data.new_state.environment.id, feature: event.data.new_state.feature.id })?.enabled) },
  });
  const event = sampleEvent('FLAG_UPDATED');
  event.data.new_state.enabled = true;
  const response = await handler(signedRequest('https://example.test/webhook', 'secret', event));
  assert.equal(response.status, 200);
  assert.deepEqual(seen, [true]);
  // A forged delivery changes nothing.
  const forged = structuredClone(event);
  forged.data.new_state.enabled = false;
  forged.data.timestamp = '2099-01-01T00:00:00.000000Z';
  const request = new Request('https://example.test/webhook', { method: 'POST', body: toFlagsmithJson(forged), headers: { 'x-flagsmith-signature': sign('wrong', toFlagsmithJson(forged)) } });
  assert.equal((await handler(request)).status, 401);
  assert.equal(mirror.get({ environment: event.data.new_state.environment.id, feature: event.data.new_state.feature.id }).enabled, true);
});

test('listen --mirror --audit: every real request replayed gives the same snapshot, kept atomically, and a verifying audit file', async () => {
  const { spawn, execFile } = await import('node:child_process');
  const { mkdtempSync, readFileSync, rmSync, readdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { fileURLToPath } = await import('node:url');
  const { promisify } = await import('node:util');
  const { verifyChain } = await import('flagsmith-webhooks');
  const cli = fileURLToPath(new URL('../../pkg/bin/flagsmith-webhooks.js', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'fw-listen-'));
  const child = spawn(process.execPath, [cli, 'listen', '--port', '0', '--secret', 'real-secret-1', '--secret', 'real-secret-2', '--mirror', join(dir, 'mirror.json'), '--audit', join(dir, 'audit.jsonl')], { stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    for (let i = 0; i < 100 && !/listening on/.test(output); i++) await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (http:\/\/[\d.:]+\/)/.exec(output)[1];
    await promisify(execFile)(process.execPath, [cli, 'replay', fileURLToPath(new URL('../fixtures/real/requests.json', import.meta.url)), url]).catch(() => {});
    // What the signed requests alone make of a mirror (the unsigned ones were refused).
    const expected = new FlagMirror();
    requests.forEach((request, index) => request.signed_by && expected.apply(events[index]));
    assert.deepEqual(JSON.parse(readFileSync(join(dir, 'mirror.json'), 'utf8')), expected.toJSON());
    assert.deepEqual(readdirSync(dir).filter((name) => name.endsWith('.tmp')), [], 'no temporary file left');
    const audit = readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    assert.ok(audit.length >= 5);
    assert.equal((await verifyChain(audit)).ok, true);
  } finally {
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the shared mirror vectors (tests/mirror-vectors.json), in order and reversed', async () => {
  const { readFileSync } = await import('node:fs');
  const { cases } = JSON.parse(readFileSync(new URL('../mirror-vectors.json', import.meta.url), 'utf8'));
  assert.ok(cases.length >= 10);
  for (const testCase of cases) {
    for (const order of ['given', 'reversed']) {
      const mirror = new FlagMirror();
      const stream = order === 'given' ? testCase.events : [...testCase.events].reverse();
      const changes = stream.map((body) => mirror.apply(parse(body)).changed).filter(Boolean).length;
      const label = `${testCase.name} (${order})`;
      if (testCase.changes !== undefined) assert.equal(changes, testCase.changes, label);
      for (const { absent, deleted, value, enabled, ...query } of testCase.expect) {
        const state = mirror.get(query);
        if (absent) assert.equal(state, undefined, `${label}: ${JSON.stringify(query)}`);
        else {
          assert.equal(state?.value, value, `${label}: ${JSON.stringify(query)}`);
          if (enabled !== undefined) assert.equal(state.enabled, enabled, label);
        }
        if (deleted) assert.equal(mirror.isDeleted(query), true, label);
      }
    }
  }
});

test('the Rust and JavaScript mirrors write the same snapshot for every generated stream', async () => {
  const { execFileSync } = await import('node:child_process');
  const { fileURLToPath } = await import('node:url');
  const canonical = (value) =>
    Array.isArray(value)
      ? `[${value.map(canonical).join(',')}]`
      : value !== null && typeof value === 'object'
        ? `{${Object.keys(value).sort().map((key) => `${JSON.stringify(key)}:${canonical(value[key])}`).join(',')}}`
        : JSON.stringify(value);
  const next = random(77);
  const streams = Array.from({ length: 60 }, () => shuffled(generatedStream(next), next).map((event) => toFlagsmithJson(event)));
  streams.push(requests.map((r) => fixture(`real/${r.file}`).toString('utf8')));
  // One stream per line: a JSON array of bodies.
  const output = execFileSync('cargo', ['run', '--quiet', '--locked', '--example', 'describe', '--', '--mirror'], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    input: `${streams.map((stream) => JSON.stringify(stream)).join('\n')}\n`,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const rust = output.trim().split('\n');
  assert.equal(rust.length, streams.length);
  streams.forEach((stream, index) => {
    const mirror = new FlagMirror();
    for (const body of stream) mirror.apply(parse(body));
    assert.equal(rust[index], canonical(mirror.toJSON()), `stream #${index}`);
  });
});
