// Bodies and headers reach wasm through one scratch area that JavaScript writes directly (a
// loop for short ASCII strings, encodeInto for the rest, in steps when a string is not ASCII).
// Every way of writing must give the bytes Node's own UTF-8 encoder gives: checked against
// node:crypto over generated strings of every kind and length, across memory growth.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import test from 'node:test';

import { Verifier, parse, sign, verify } from 'flagsmith-webhooks';
import * as verifyOnly from 'flagsmith-webhooks/verify';

import { random } from './helpers/random.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
const expected = (text) => createHmac('sha256', SECRET).update(Buffer.from(text, 'utf8')).digest('hex');

const PIECES = [
  () => 'a',
  () => '{"k": 1}',
  () => String.fromCharCode(0x7f),
  () => 'é', // two bytes
  () => String.fromCharCode(0xff),
  () => '€', // three bytes
  () => '😀', // a surrogate pair, four bytes
  () => '\ud800', // a lone high surrogate: U+FFFD
  () => '\udc00', // a lone low surrogate: U+FFFD
];

function generated(next, length) {
  let text = '';
  const asciiOnly = next() < 0.4;
  while (text.length < length) text += asciiOnly ? String.fromCharCode(32 + Math.floor(next() * 95)) : PIECES[Math.floor(next() * PIECES.length)]();
  return text.slice(0, length);
}

test('string bodies of every kind and length sign and verify as their UTF-8 bytes do', () => {
  const next = random(20261128);
  const verifier = new Verifier(SECRET);
  const lengths = [0, 1, 2, 55, 127, 128, 255, 256, 257, 300, 1000, 4096];
  let cases = 0;
  for (let round = 0; round < 150; round++) {
    for (const length of lengths) {
      const text = generated(next, length);
      const signature = expected(text);
      assert.equal(verifier.sign(text), signature, JSON.stringify(text));
      assert.equal(sign(SECRET, text), signature);
      assert.equal(verifier.verify(text, signature), true);
      assert.equal(verifier.verify(Buffer.from(text, 'utf8'), signature), true);
      cases++;
    }
  }
  assert.equal(cases, 150 * lengths.length);
});

test('the scratch area grows and shrinks back to small bodies without mixing them up', () => {
  const next = random(7);
  const verifier = new Verifier(SECRET);
  const limit = { maxBodyBytes: 8 * 1024 * 1024 };
  for (const length of [10, 600_000, 20, 2_000_000, 5]) {
    // Non-ASCII long strings take the stepwise path, which grows the area mid-write.
    const text = 'x'.repeat(length >> 1) + generated(next, length - (length >> 1));
    assert.equal(verifier.sign(text, limit), expected(text), `length ${length}`);
    const small = generated(next, 40);
    assert.equal(verifier.sign(small), expected(small));
  }
});

test('a header that is not ASCII is malformed, not a crash, and does not disturb the body', () => {
  const body = '{"data": {}, "event_type": "SEGMENT_ARCHIVED"}';
  const signature = expected(body);
  assert.equal(verify(SECRET, body, `é${signature}`), false);
  assert.equal(verify(SECRET, body, `${signature}, ÿ`), true);
  assert.throws(() => new Verifier(SECRET).verifyAndParse(body, 'é'.repeat(64)), { code: 'malformed_signature' });
  assert.deepEqual(new Verifier(SECRET).verifyAndParse(body, signature), JSON.parse(body));
});

test('parse reads a non-ASCII string body as its UTF-8 bytes', () => {
  const body = '{"data": {"note": "é€😀"}, "event_type": "SEGMENT_ARCHIVED"}';
  assert.deepEqual(parse(body), JSON.parse(body));
  assert.deepEqual(parse(Buffer.from(body)), JSON.parse(body));
  assert.throws(() => parse(`${body.slice(0, -1)}é`), { code: 'invalid_json' });
});

// A header of exactly 64 hexadecimal digits is decoded in JavaScript and handed over as 32 bytes
// (it saved about a tenth of a 55-byte verify); every other header goes to the core as text. The
// two paths must agree on every 64-character header: an array header always takes the text path.
test('64-character headers: the decoded path and the core agree', () => {
  const verifier = new Verifier(['another secret', SECRET]);
  const next = random(64);
  const alphabet = '0123456789abcdefABCDEF';
  const odd = [' ', ',', 'g', 'G', 'x', '=', '\t', 'é', '٣', '\u0000', '-', '+'];
  let matched = 0;
  for (let round = 0; round < 3000; round++) {
    const body = generated(next, Math.floor(next() * 300));
    const right = expected(body);
    let header = next() < 0.5 ? right : [...right].map(() => alphabet[Math.floor(next() * alphabet.length)]).join('');
    if (next() < 0.5) header = [...header].map((c) => (next() < 0.5 ? c.toUpperCase() : c)).join('');
    if (next() < 0.4) {
      const at = Math.floor(next() * 64);
      header = header.slice(0, at) + odd[Math.floor(next() * odd.length)] + header.slice(at + 1);
    }
    assert.equal(header.length, 64);
    const decoded = verifier.match(body, header);
    assert.equal(decoded, verifier.match(body, [header]), header);
    assert.equal(decoded, header.toLowerCase() === right ? 1 : -1, header);
    if (decoded === 1) matched++;
  }
  assert.ok(matched > 500, `${matched}`);
});

test('secret strings of every kind and length key the HMAC as their UTF-8 bytes do, alone and in lists', () => {
  const next = random(4242);
  const body = '{"event_type": "FLAG_UPDATED"}';
  let cases = 0;
  for (let round = 0; round < 200; round++) {
    const secrets = Array.from({ length: 1 + Math.floor(next() * 3) }, () => generated(next, 1 + Math.floor(next() * 90)));
    const last = secrets.at(-1);
    const signature = createHmac('sha256', Buffer.from(last, 'utf8')).update(body).digest('hex');
    for (const api of [{ Verifier }, verifyOnly]) {
      const verifier = new api.Verifier(secrets);
      assert.equal(verifier.match(body, signature), secrets.indexOf(last), JSON.stringify(secrets));
      assert.equal(new api.Verifier(last).sign(body), signature);
      assert.equal(new api.Verifier(new TextEncoder().encode(last)).sign(body), signature);
      verifier.free();
      cases++;
    }
  }
  assert.equal(cases, 400);
});
