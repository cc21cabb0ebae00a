// `flagsmith-webhooks/verify`: the Verifier over the verify-only module, imported by its name
// through the exports map. Held to the full package over generated inputs: both must give the
// same answer, and the same error, for everything either takes.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as full from 'flagsmith-webhooks';
import * as lean from 'flagsmith-webhooks/verify';

import { fixture, portableVectors, vectors } from './helpers/vectors.mjs';
import { occurrences } from './helpers/bytes.mjs';
import { random } from './helpers/random.mjs';
import { runConformance } from './helpers/conformance.mjs';

const require = createRequire(import.meta.url);
const SECRET = vectors.fixture_secret;
const BODY = fixture('01_flag_updated_env_default.json');

/** What a call did: its value, or its error's class, code, hint and message. */
function outcome(call) {
  try {
    return { value: call() };
  } catch (error) {
    return { error: [error instanceof full.FlagsmithWebhookError, error.code, error.hint, error.message] };
  }
}

test('the shared vector file passes through flagsmith-webhooks/verify', () => {
  assert.deepEqual(runConformance(lean, portableVectors()), []);
});

test('it exports the verifying part of the package, and the same constants', () => {
  assert.deepEqual(Object.keys(lean).sort(), [
    'DEFAULT_MAX_BODY_BYTES',
    'FlagsmithWebhookError',
    'MAX_BODY_BYTES_LIMIT',
    'SIGNATURE_HEADER',
    'Verifier',
    'default',
    'init',
    'initSync',
    'sign',
    'verify',
    'wasmMemoryBytes',
  ]);
  for (const name of ['DEFAULT_MAX_BODY_BYTES', 'MAX_BODY_BYTES_LIMIT', 'SIGNATURE_HEADER']) assert.equal(lean[name], full[name], name);
  assert.deepEqual(Object.keys(require('flagsmith-webhooks/verify')).sort(), Object.keys(lean).sort());
});

test('over generated secrets, bodies and headers it answers as the full package does', () => {
  const next = random(20261128);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const secrets = ['k', SECRET, ` ${SECRET}\n`, 'é€😀', new Uint8Array([0, 255, 7]), ''];
  const bodies = [BODY, BODY.toString('utf8'), '', '{"a": "é€😀 \\ud83d"}', 'x'.repeat(300), new Uint8Array(3000).fill(65), '{"a": 1}\n', '\ud800'];
  let compared = 0;
  for (let round = 0; round < 400; round++) {
    const secretList = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(secrets));
    const body = pick(bodies);
    const signed = outcome(() => full.sign(secretList.at(-1), body));
    const tag = signed.value ?? '00'.repeat(32);
    const flip = (text) => text.slice(0, 10) + (text[10] === '0' ? '1' : '0') + text.slice(11);
    const headers = [
      tag, tag.toUpperCase(), `sha256=${tag}`, ` ${tag} `, `${flip(tag)},${tag}`, [flip(tag), tag], flip(tag), tag.slice(1),
      `${tag}0`, 'zz'.repeat(32), '', undefined, null, 42, 'é'.repeat(32), tag.slice(0, 63) + 'é',
    ];
    const header = pick(headers);
    const options = pick([undefined, undefined, { maxBodyBytes: 100 }, { maxBodyBytes: 0 }, 'big']);
    const both = (use) => {
      const a = outcome(() => use(full, new full.Verifier(secretList)));
      const b = outcome(() => use(lean, new lean.Verifier(secretList)));
      assert.deepEqual(b, a, `${JSON.stringify(secretList.map(String))} ${JSON.stringify(header)} ${String(body).slice(0, 40)}`);
      compared++;
    };
    both((api, verifier) => verifier.match(body, header, options));
    both((api, verifier) => verifier.verify(body, header, options));
    both((api, verifier) => verifier.sign(body, options));
    both((api) => api.verify(secretList.length === 1 ? secretList[0] : secretList, body, header, options));
    both((api) => api.sign(secretList[0], body, options));
  }
  assert.equal(compared, 2000);
});

test('bad arguments are refused with the full package\'s codes and words', () => {
  const cases = [
    (api) => new api.Verifier(undefined),
    (api) => new api.Verifier([]),
    (api) => new api.Verifier(['a', '']),
    (api) => new api.Verifier(42),
    (api) => new api.Verifier('k', { maxBodyBytes: '1mb' }),
    (api) => api.verify('k', { parsed: true }, 'x'),
    (api) => api.sign('k', null),
    (api) => api.sign('k', 'x'.repeat(11), { maxBodyBytes: 10 }),
    (api) => api.sign('k', 'é'.repeat(6), { maxBodyBytes: 10 }),
  ];
  cases.forEach((call, index) => {
    const got = outcome(() => call(lean));
    assert.ok(got.error, `case ${index} threw`);
    assert.deepEqual(got, outcome(() => call(full)), `case ${index}`);
  });
});

test('a Verifier keeps no secret in sight, frees once, and is refused after free()', () => {
  const verifier = new lean.Verifier([SECRET, 'old']);
  assert.equal(verifier.size, 2);
  assert.equal(String(verifier), 'Verifier { secrets: 2 }');
  assert.deepEqual(JSON.parse(JSON.stringify(verifier)), { secrets: 2 });
  assert.equal(lean.verify(verifier, BODY, full.sign(SECRET, BODY)), true, 'a Verifier passed in place of secrets');
  verifier.free();
  verifier.free();
  assert.deepEqual(outcome(() => verifier.verify(BODY, 'x')).error.slice(1, 2), ['verifier_freed']);
  // Bytes the caller passed are theirs: never zeroed behind their back.
  const bytes = new TextEncoder().encode(SECRET);
  new lean.Verifier(bytes).free();
  assert.equal(new TextDecoder().decode(bytes), SECRET);
});

test('one-shot verifiers are freed: a loop over fresh secret lists leaves wasm memory flat', () => {
  const run = () => {
    for (let i = 0; i < 20000; i++) lean.verify([`secret-${i}`, 'x'], BODY, 'ab'.repeat(32));
  };
  run();
  const before = lean.wasmMemoryBytes();
  run();
  assert.equal(lean.wasmMemoryBytes(), before);
});

test('the Node entry carries the verify-only module and nothing of the full one', () => {
  const bundle = readFileSync(fileURLToPath(import.meta.resolve('flagsmith-webhooks/verify')), 'utf8');
  assert.doesNotMatch(bundle, /wbindgen|flagsmith_webhooks_bg|validateScratch/);
  // In a fresh process, importing it reads no file besides its own: the module is inline.
  const script = `
    const fs = process.getBuiltinModule('node:fs');
    const read = fs.readFileSync;
    const seen = [];
    fs.readFileSync = (file, ...rest) => (seen.push(String(file)), read(file, ...rest));
    const { verify, sign } = await import('flagsmith-webhooks/verify');
    if (!verify('k', '{}', sign('k', '{}'))) throw new Error('no match');
    console.log(JSON.stringify(seen.filter((file) => file.endsWith('.wasm'))));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('.', import.meta.url)), encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  assert.deepEqual(JSON.parse(child.stdout), []);
});

test('no copy of a secret stays in the verify-only module\'s memory, as bytes or as a string', async () => {
  // The browser entry and its binding, loaded unbundled: the binding module read here is the
  // very one its Verifier uses.
  const entry = new URL(import.meta.resolve('flagsmith-webhooks/verify'));
  const browser = await import(new URL('../verify/browser.js', entry));
  const { binding } = await import(new URL('../lib/verify-binding.js', entry));
  browser.initSync(readFileSync(new URL('flagsmith_webhooks_verify.wasm', entry)));
  const memory = () => binding.scratch.bytes();
  const body = new TextEncoder().encode('{"event_type": "FLAG_UPDATED"}');

  for (const length of [8, 32, 64, 65, 200]) {
    const secrets = [0, 1].map(() => crypto.getRandomValues(new Uint8Array(length)));
    // One as a string of non-ASCII characters too (encoded straight into wasm memory).
    const text = Array.from(secrets[1], (byte) => String.fromCharCode(0x100 + byte)).join('');
    const masked = [secrets[0], new TextEncoder().encode(text)].map((secret) => secret.map((byte) => byte ^ 0x5a));
    const pattern = (index) => Array.from(masked[index], (byte) => byte ^ 0x5a);
    const verifier = new browser.Verifier([secrets[0], text, ' padded secret ']);
    const signature = verifier.sign(body);
    assert.equal(verifier.verify(body, signature), true);
    assert.equal(verifier.verify(body, 'f'.repeat(64)), false);
    for (const index of [0, 1]) {
      assert.deepEqual(occurrences(memory(), pattern(index)), [], `${length}-byte secret ${index + 1}: found while the verifier lives`);
    }
    verifier.free();
    for (const index of [0, 1]) {
      assert.deepEqual(occurrences(memory(), pattern(index)), [], `${length}-byte secret ${index + 1}: found after free()`);
    }
  }
});

test('init() from a URL that is not there says what to check', () => {
  // In a fresh process, so that the browser entry's module is not yet loaded.
  const browserEntry = new URL('../verify/browser.js', import.meta.resolve('flagsmith-webhooks/verify')).href;
  const script = `
    const { createServer } = await import('node:http');
    const { init } = await import(${JSON.stringify(browserEntry)});
    const server = createServer((request, response) => response.writeHead(404).end('not here'));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const failure = await init('http://127.0.0.1:' + server.address().port + '/flagsmith_webhooks_verify.wasm').then(() => ({}), (error) => error);
    server.close();
    console.log(JSON.stringify({ code: failure.code, message: failure.message }));`;
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(child.status, 0, child.stderr);
  const failure = JSON.parse(child.stdout);
  assert.equal(failure.code, 'not_initialised');
  assert.match(failure.message, /404 from http:\/\/127\.0\.0\.1:\d+\/flagsmith_webhooks_verify\.wasm.*bundler emits/);
});
