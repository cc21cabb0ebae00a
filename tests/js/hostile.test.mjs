// Hostile input through the wasm package (the same table as tests/hostile.rs, plus what only
// JavaScript can pass): a specific outcome each time, and after every error the same wasm
// instance keeps working.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Verifier, parse, sign, verify, verifyAndParse } from 'flagsmith-webhooks';

import { codeOf } from './helpers/codes.mjs';
import { fixture } from './helpers/vectors.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
const GOOD = fixture('01_flag_updated_env_default.json');
const GOOD_SIGNATURE = sign(SECRET, GOOD);

function stillWorks(name) {
  assert.equal(verify(SECRET, GOOD, GOOD_SIGNATURE), true, `${name}: the instance still verifies`);
  assert.equal(parse(GOOD).event_type, 'FLAG_UPDATED', `${name}: the instance still parses`);
}

test('hostile bodies each get a specific outcome, and the instance keeps working', () => {
  const cases = [
    ['empty body', '', 'invalid_json'],
    ['JSON nested 10,000 deep (arrays)', '['.repeat(10_000) + ']'.repeat(10_000), 'invalid_json'],
    ['JSON nested 10,000 deep (objects)', '{"a": '.repeat(10_000) + '1' + '}'.repeat(10_000), 'invalid_json'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]), 'invalid_json'],
    ['lone surrogate escape', '{"data": "\\ud800", "event_type": "X"}', 'invalid_json'],
    ['byte-order mark', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"data": {}, "event_type": "X"}')]), 'invalid_json'],
    ['raw NUL inside a string', '{"data": "a\u0000b", "event_type": "X"}', 'invalid_json'],
    ['duplicate keys (the last wins)', '{"event_type": "FLAG_UPDATED", "data": {}, "event_type": "X"}', 'ok'],
    // JSON.parse would read these as Infinity and a rounded integer: one body, two meanings.
    ['a number beyond a 64-bit float in an unknown field', '{"data": {"n": 1e400}, "event_type": "X"}', 'invalid_json'],
    ['an integer literal beyond 64 bits in an unknown field', '{"data": {"m": 123456789012345678901234567890}, "event_type": "X"}', 'invalid_payload'],
    ['an integer beyond 2^53 in an unknown field', '{"data": {"m": 9007199254740993}, "event_type": "X"}', 'invalid_payload'],
    ['serde_json\'s reserved number key where an id belongs', GOOD.toString().replace('"id": 23', '"id": {"$serde_json::private::Number": "7168"}'), 'invalid_payload'],
    ['serde_json\'s reserved raw-value key anywhere', '{"data": {"x": {"$serde_json::private::RawValue": "1"}}, "event_type": "X"}', 'invalid_payload'],
    ['FLAG_UPDATED with a null new_state', GOOD.toString().replace(/"new_state": \{.*?"multivariate_feature_state_values": \[\]\}, "previous/, '"new_state": null, "previous'), 'invalid_payload'],
    ['a huge number where an id belongs', GOOD.toString().replace('"id": 23', '"id": 99999999999999999999999'), 'invalid_payload'],
    ['an array', '[]', 'invalid_payload'],
    ['an object passed instead of bytes', { data: {} }, 'invalid_body'],
    ['a number passed instead of bytes', 42, 'invalid_body'],
    ['undefined passed instead of bytes', undefined, 'invalid_body'],
  ];
  for (const [name, body, expected] of cases) {
    assert.equal(codeOf(() => parse(body)), expected, name);
    stillWorks(name);
  }
  // The largest safe integer is still a number that means the same everywhere.
  assert.equal(parse('{"data": {"n": 9007199254740991}, "event_type": "X"}').data.n, Number.MAX_SAFE_INTEGER);
});

test('hostile signatures and secrets', () => {
  const cases = [
    ['63 characters', GOOD_SIGNATURE.slice(0, 63), 'malformed_signature'],
    ['65 characters', `${GOOD_SIGNATURE}0`, 'malformed_signature'],
    ['1 MB of characters', 'a'.repeat(1 << 20), 'malformed_signature'],
    ['non-hex', GOOD_SIGNATURE.replace(/[0-9]/g, 'z'), 'malformed_signature'],
    ['sha256= with nothing after it', 'sha256=', 'malformed_signature'],
    ['mixed case', GOOD_SIGNATURE.slice(0, 32).toUpperCase() + GOOD_SIGNATURE.slice(32), 'ok'],
    ['sha256= prefix', `sha256=${GOOD_SIGNATURE}`, 'ok'],
    ['empty', '', 'missing_signature'],
    ['an object', { sha256: GOOD_SIGNATURE }, 'missing_signature'],
  ];
  for (const [name, signature, expected] of cases) {
    const started = performance.now();
    assert.equal(codeOf(() => verifyAndParse(SECRET, GOOD, signature)), expected, name);
    assert.equal(verify(SECRET, GOOD, signature), expected === 'ok', name);
    assert.ok(performance.now() - started < 2000, `${name}: bounded time`);
    stillWorks(name);
  }
  for (const [name, secret] of [['empty secret', ''], ['no secret', undefined], ['a number', 7], ['an empty list', []]]) {
    assert.equal(codeOf(() => verify(secret, GOOD, GOOD_SIGNATURE)), 'invalid_secret', name);
    assert.equal(codeOf(() => new Verifier(secret)), 'invalid_secret', name);
    stillWorks(name);
  }
});

test('a 64 MiB body is signed, verified and rejected as JSON in bounded time, when the limit allows it', () => {
  const body = new Uint8Array(64 << 20).fill(0x61);
  const options = { maxBodyBytes: 64 << 20 };
  const started = performance.now();
  const signature = sign(SECRET, body, options);
  assert.equal(verify(SECRET, body, signature, options), true);
  assert.equal(codeOf(() => parse(body, options)), 'invalid_json');
  assert.ok(performance.now() - started < 20_000, `${performance.now() - started} ms`);
  stillWorks('64 MiB');
  // Under the default limit (1 MiB) the same body is refused before it reaches wasm memory.
  assert.equal(verify(SECRET, body, signature), false);
  for (const run of [() => parse(body), () => verifyAndParse(SECRET, body, signature), () => sign(SECRET, body)]) {
    assert.equal(codeOf(run), 'body_too_large');
  }
});
