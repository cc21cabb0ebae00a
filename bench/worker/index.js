// Runs one contender N times per request inside workerd. The Workers clock only advances on
// I/O, so timing happens outside (bench/workerd.mjs): per-operation time is the request's
// time minus a no-op request's, divided by N. Each contender sets itself up on its first use, so
// that a fresh Worker's first request (the cold-start figure) includes only its own setup.
import { createHmac, timingSafeEqual } from 'node:crypto';

import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { Verifier, verify } from 'flagsmith-webhooks';

const SECRET = 'whsec_demo_f1agsm1th';
// Bodies up to 4 MB are measured: over the default limit (1 MiB), so every call raises it.
const LIMIT = { maxBodyBytes: 8 * 1024 * 1024 };
const secretBytes = new TextEncoder().encode(SECRET);
const bodies = new Map();
let verifier;
let webKey;

function body(size) {
  if (!bodies.has(size)) {
    const unit = new TextEncoder().encode('{"data": {"changed_by": "jane.doe@example.com", "enabled": true}, "event_type": "FLAG_UPDATED"} ');
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i += unit.length) out.set(unit.subarray(0, Math.min(unit.length, size - i)), i);
    const hex = createHmac('sha256', secretBytes).update(out).digest('hex');
    // The same bytes as text, for receivers that read `await request.text()`.
    const text = new TextDecoder().decode(out);
    bodies.set(size, { bytes: out, text, hex, sig: Uint8Array.from(hex.match(/../g), (h) => parseInt(h, 16)) });
  }
  return bodies.get(size);
}

const contenders = {
  noop: () => true,
  'flagsmith-webhooks Verifier.verify': (b) => (verifier ??= new Verifier(SECRET, LIMIT)).verify(b.bytes, b.hex),
  'flagsmith-webhooks verify (one-shot)': (b) => verify(SECRET, b.bytes, b.hex, LIMIT),
  // Not an async function: the warm loop must time subtle.verify's own promise, nothing more.
  'WebCrypto subtle.verify (key imported once)': (b) =>
    webKey
      ? crypto.subtle.verify('HMAC', webKey, b.sig, b.bytes)
      : crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']).then((key) => {
          webKey = key;
          return crypto.subtle.verify('HMAC', key, b.sig, b.bytes);
        }),
  'flagsmith-webhooks Verifier.verify, string body': (b) => (verifier ??= new Verifier(SECRET, LIMIT)).verify(b.text, b.hex),
  // What WebCrypto needs for the same string: its bytes first.
  'WebCrypto subtle.verify, string body': (b) =>
    webKey
      ? crypto.subtle.verify('HMAC', webKey, b.sig, new TextEncoder().encode(b.text))
      : crypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']).then((key) => {
          webKey = key;
          return crypto.subtle.verify('HMAC', key, b.sig, new TextEncoder().encode(b.text));
        }),
  'node:crypto (nodejs_compat)': (b) => timingSafeEqual(createHmac('sha256', secretBytes).update(b.bytes).digest(), b.sig),
  '@noble/hashes': (b) => timingSafeEqual(nobleHmac(nobleSha256, secretBytes, b.bytes), b.sig),
  'hash-wasm': async () => {
    // Compiles wasm from bytes at run time, which workerd forbids: reported, not timed.
    const { createHMAC, createSHA256 } = await import('hash-wasm');
    await createHMAC(createSHA256(), secretBytes);
    return true;
  },
};

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const run = contenders[url.searchParams.get('op')];
    const b = body(Number(url.searchParams.get('size')));
    const n = Number(url.searchParams.get('n'));
    try {
      for (let i = 0; i < n; i++) {
        const result = run(b);
        if ((result instanceof Promise ? await result : result) !== true) throw new Error('wrong answer');
      }
      return new Response('ok');
    } catch (error) {
      return new Response(String(error.message ?? error), { status: 500 });
    }
  },
};
