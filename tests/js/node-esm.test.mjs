// The built package, imported by its name through its exports map (ESM, Node).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import * as api from 'flagsmith-webhooks';
import { FlagsmithWebhookError, SIGNATURE_HEADER, Verifier, parse, sign, verify, verifyAndParse } from 'flagsmith-webhooks';

import { runConformance } from './helpers/conformance.mjs';
import { bodyShapes, fixture, portableVectors, vectors } from './helpers/vectors.mjs';

const SECRET = vectors.fixture_secret;
const BODY = fixture('01_flag_updated_env_default.json');
const SIGNATURE = sign(SECRET, BODY);

test('the shared vector file passes in Node', () => {
  assert.deepEqual(runConformance(api, portableVectors()), []);
});

test('every body shape is used as the same bytes', () => {
  for (const [shape, body] of Object.entries(bodyShapes(BODY))) {
    assert.equal(sign(SECRET, body), SIGNATURE, shape);
    assert.equal(verify(SECRET, body, SIGNATURE), true, shape);
    assert.equal(verifyAndParse(SECRET, body, SIGNATURE).data.new_state.feature.name, 'butter_bar', shape);
    assert.equal(parse(body).event_type, 'FLAG_UPDATED', shape);
  }
});

test('a non-ASCII body is signed as its UTF-8 bytes, whether given as text or bytes', () => {
  const text = '{"v": "Grüße 🚀"}';
  const expected = '82e878448e489a88eb2017ab2251a99f7d00e823348e4bf246188aa3e3160f4e';
  assert.equal(sign('s3cr3t', text), expected);
  assert.equal(sign('s3cr3t', Buffer.from(text)), expected);
  assert.equal(sign(new TextEncoder().encode('s3cr3t'), text), expected);
  const escaped = fixture('real/013_flag_updated_change_standard_value_to_unicode_html_string__env-signed.json');
  const event = parse(escaped);
  assert.match(event.data.new_state.feature_state_value, /é/);
});

test('a missing header is false from verify and missing_signature from verifyAndParse', () => {
  for (const absent of [undefined, null, '', '  ', []]) {
    assert.equal(verify(SECRET, BODY, absent), false);
    assert.throws(() => verifyAndParse(SECRET, BODY, absent), { code: 'missing_signature' });
  }
});

test('a repeated header matches when any one value does', () => {
  const other = '0'.repeat(64);
  assert.equal(verify(SECRET, BODY, [other, SIGNATURE]), true);
  assert.equal(verify(SECRET, BODY, `${other}, ${SIGNATURE}`), true);
  assert.equal(verify(SECRET, BODY, [other, other]), false);
  assert.equal(new Verifier(SECRET).match(BODY, [SIGNATURE.toUpperCase()]), 0);
});

test('verify never throws for a bad signature, whatever its type', () => {
  for (const odd of ['sha256=', 'x'.repeat(100_000), 42, {}, true, Symbol.iterator.description]) {
    assert.equal(verify(SECRET, BODY, odd), false);
  }
});

test('errors carry stable codes and never the secret', () => {
  const cases = [
    [() => verifyAndParse(SECRET, BODY, 'abc'), 'malformed_signature'],
    [() => verifyAndParse(SECRET, BODY, '0'.repeat(64)), 'signature_mismatch'],
    [() => parse('{"data": '), 'invalid_json'],
    [() => parse('[]'), 'invalid_payload'],
    [() => verify('', BODY, SIGNATURE), 'invalid_secret'],
    [() => verify(undefined, BODY, SIGNATURE), 'invalid_secret'],
    [() => new Verifier([]), 'invalid_secret'],
    [() => verify(SECRET, JSON.parse(BODY), SIGNATURE), 'invalid_body'],
    [() => verify(SECRET, undefined, SIGNATURE), 'invalid_body'],
    [() => parse(12), 'invalid_body'],
  ];
  for (const [run, code] of cases) {
    assert.throws(run, (error) => {
      assert.ok(error instanceof FlagsmithWebhookError, code);
      assert.ok(error instanceof Error);
      assert.equal(error.code, code);
      assert.equal(error.name, 'FlagsmithWebhookError');
      assert.ok(!error.message.includes(SECRET), error.message);
      assert.ok(error.message.length > 40, `a message that says what to do: ${error.message}`);
      return true;
    });
  }
});

test('a parsed object passed as the body explains how to get the raw bytes', () => {
  assert.throws(() => verifyAndParse(SECRET, JSON.parse(BODY), SIGNATURE), /express\.raw/);
});

test('re-serialising the body is diagnosed', () => {
  const stringified = JSON.stringify(JSON.parse(BODY));
  assert.throws(() => verifyAndParse(SECRET, stringified, SIGNATURE), { code: 'signature_mismatch', hint: 'compact_separators' });
  const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
  assert.throws(() => verifyAndParse(SECRET, pretty, SIGNATURE), { hint: 'pretty_printed' });
});

test('Verifier: rotation, match index, signing with the first secret, no secret in output', () => {
  const verifier = new Verifier(['new-secret', SECRET]);
  assert.equal(verifier.match(BODY, SIGNATURE), 1);
  assert.equal(verifier.verify(BODY, SIGNATURE), true);
  assert.equal(verifier.sign(BODY), sign('new-secret', BODY));
  assert.equal(verifier.size, 2);
  const shown = [String(verifier), JSON.stringify(verifier), require('node:util').inspect(verifier)].join(' ');
  assert.ok(!shown.includes('new-secret') && !shown.includes(SECRET), shown);
});

const require = createRequire(import.meta.url);

test('import and require are interchangeable: errors are instanceof either class, verifiers work in either', async () => {
  const cjs = require('flagsmith-webhooks');
  assert.equal(SIGNATURE_HEADER, cjs.SIGNATURE_HEADER);
  let fromRequire;
  try {
    cjs.parse('[]');
  } catch (error) {
    fromRequire = error;
  }
  assert.ok(fromRequire instanceof FlagsmithWebhookError, 'a require() error is instanceof the import class');
  assert.throws(() => parse('[]'), cjs.FlagsmithWebhookError);
  assert.ok(!(new Error('x') instanceof FlagsmithWebhookError));
  const request = cjs.signedRequest('https://example.test/', SECRET, JSON.parse(BODY));
  const event = await api.verifyRequest(request, new cjs.Verifier(SECRET));
  assert.equal(event.event_type, 'FLAG_UPDATED');
});

test('the parsed event is plain JSON with Flagsmith field names', () => {
  const event = parse(fixture('03_flag_updated_multivariate.json'));
  assert.equal(Object.getPrototypeOf(event), Object.prototype);
  const [first] = event.data.new_state.multivariate_feature_state_values;
  assert.deepEqual(first, { id: 9101, multivariate_feature_option: { id: 611, value: 'Purchase' }, percentage_allocation: 30 });
  const unknown = parse('{"data": {"x": 1}, "event_type": "SEGMENT_ARCHIVED", "extra": [true]}');
  assert.deepEqual(unknown, { data: { x: 1 }, event_type: 'SEGMENT_ARCHIVED', extra: [true] });
});

test('init() and initSync() are harmless no-ops in Node', async () => {
  await api.init();
  api.initSync();
  assert.equal(verify(SECRET, BODY, SIGNATURE), true);
});

test('the ESM entry exports exactly what require() does', async () => {
  const names = (module) => Object.keys(module).filter((name) => name !== 'default' && name !== '__esModule').sort();
  assert.deepEqual(names(api), names(require('flagsmith-webhooks')));
});

test('the one-shot cache cannot confuse a list of secrets with one secret', () => {
  const signedByX = sign('x', BODY);
  assert.equal(verify(['x', 'y'], BODY, signedByX), true);
  // One secret that spells the list with separators must not reuse the list's verifier.
  assert.equal(verify('x\u0000y\u00002', BODY, signedByX), false);
  assert.equal(verify('x\u0000y', BODY, signedByX), false);
  assert.equal(verify('x', BODY, signedByX), true);
  assert.equal(verify(['x'], BODY, signedByX), true);
  assert.equal(verify('y', BODY, signedByX), false);
  // Two lists that would join to the same string are not confused either.
  const signedByA = sign('a', BODY);
  assert.equal(verify(['a', 'b\u0000c'], BODY, signedByA), true);
  assert.equal(verify(['a\u0000b', 'c'], BODY, signedByA), false);
});

// The Node entry reads its .wasm beside itself. `node -e` and the REPL define a global
// __dirname ('.'), which once made the ES module build look in the working directory.
test('import and require find the .wasm beside themselves, also under node -e', () => {
  const script = `const m = await import('flagsmith-webhooks'); const c = require('flagsmith-webhooks');
    process.stdout.write(String(m.verify('k', '{}', c.sign('k', '{}'))));`;
  const out = execFileSync(process.execPath, ['-e', `(async () => { ${script} })()`], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    encoding: 'utf8',
  });
  assert.equal(out, 'true');
});

// The ES module build gets node:fs from process.getBuiltinModule (a static import of node:fs
// costs a quarter of the cold start); without it, import says what to do and require still works.
test('on a Node without process.getBuiltinModule, import explains and require works', () => {
  const withoutIt = ['--import', 'data:text/javascript,delete process.getBuiltinModule'];
  const run = (code) =>
    spawnSync(process.execPath, [...withoutIt, '--input-type=module', '-e', code], { encoding: 'utf8' });
  const imported = run(`await import('flagsmith-webhooks')`);
  assert.notEqual(imported.status, 0);
  assert.match(imported.stderr, /Upgrade to Node\.js 20\.16\+ or 22\.3\+, or load the package with require\(\)/);
  const required = run(`import { createRequire } from 'node:module';
    const m = createRequire(import.meta.url)('flagsmith-webhooks');
    process.stdout.write(String(m.verify('k', '{}', m.sign('k', '{}'))));`);
  assert.equal(required.stderr, '');
  assert.equal(required.stdout, 'true');
});
