// Benchmarks the package against node:crypto, WebCrypto, @noble/hashes and hash-wasm in one
// Node process. Every figure is a ratio to node:crypto measured in the same run: the median of
// the rounds' ratios, with the contenders' order rotated each round, because these machines are
// shared and noisy. Run with `bash scripts/bench.sh` (not part of the tests).
//
//   node bench/node.mjs [--quick] [--json FILE]
import { createHmac, timingSafeEqual, webcrypto } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

import { createHMAC, createSHA256 } from 'hash-wasm';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { Verifier, sign, verify, verifyAndParse } from 'flagsmith-webhooks';
import { Verifier as LeanVerifier } from 'flagsmith-webhooks/verify';

const quick = process.argv.includes('--quick');
const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : undefined;
const ROUNDS = quick ? 3 : 7;
const MIN_MS = quick ? 60 : 150;

const SECRET = 'whsec_demo_f1agsm1th';
const secretBytes = Buffer.from(SECRET);
const fixture = readFileSync(new URL('../tests/fixtures/01_flag_updated_env_default.json', import.meta.url));

/** An ASCII JSON-looking body of exactly `size` bytes (content does not affect HMAC speed). */
function syntheticBody(size) {
  const unit = Buffer.from('{"data": {"changed_by": "jane.doe@example.com", "enabled": true}, "event_type": "FLAG_UPDATED"} ');
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i += unit.length) unit.copy(out, i, 0, Math.min(unit.length, size - i));
  return out;
}

const SIZES = [
  ['55 B', syntheticBody(55)],
  ['128 B', syntheticBody(128)],
  ['1.2 KB (fixture)', fixture],
  ['16 KB', syntheticBody(16 * 1024)],
  ['256 KB', syntheticBody(256 * 1024)],
  ['4 MB', syntheticBody(4 * 1024 * 1024)],
];

function measureSync(fn, batch) {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MIN_MS) {
    for (let i = 0; i < batch; i++) {
      if (fn() !== true) throw new Error('a contender returned a wrong answer');
    }
    count += batch;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

async function measureAsync(fn, batch) {
  let count = 0;
  const start = performance.now();
  let now = start;
  while (now - start < MIN_MS) {
    for (let i = 0; i < batch; i++) {
      if ((await fn()) !== true) throw new Error('a contender returned a wrong answer');
    }
    count += batch;
    now = performance.now();
  }
  return count / ((now - start) / 1000);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

async function contendersFor(body) {
  const signature = createHmac('sha256', secretBytes).update(body).digest('hex');
  // The 4 MB body is over the default limit (1 MiB): every call of ours raises it.
  const limit = { maxBodyBytes: 8 * 1024 * 1024 };
  const verifier = new Verifier(SECRET, limit);
  const lean = new LeanVerifier(SECRET, limit);
  const webKey = await webcrypto.subtle.importKey('raw', secretBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const hashWasm = await createHMAC(createSHA256(), secretBytes);
  const sigBytes = () => Buffer.from(signature, 'hex');
  const text = body.toString('latin1');
  return {
    verify: {
      baseline: 'node:crypto',
      contenders: {
        // What a careful hand-rolled receiver does: decode the header, HMAC, constant-time compare.
        'node:crypto': () => {
          const expected = sigBytes();
          const actual = createHmac('sha256', secretBytes).update(body).digest();
          return expected.length === actual.length && timingSafeEqual(actual, expected);
        },
        'flagsmith-webhooks verify (one-shot)': () => verify(SECRET, body, signature, limit),
        'flagsmith-webhooks Verifier.verify': () => verifier.verify(body, signature),
        'flagsmith-webhooks/verify Verifier.verify': () => lean.verify(body, signature),
        'WebCrypto subtle.verify (key imported once)': { async: () => webcrypto.subtle.verify('HMAC', webKey, sigBytes(), body) },
        '@noble/hashes': () => {
          const actual = nobleHmac(nobleSha256, secretBytes, body);
          return timingSafeEqual(actual, sigBytes());
        },
        'hash-wasm (keyed once)': () => {
          hashWasm.init();
          hashWasm.update(body);
          return timingSafeEqual(hashWasm.digest('binary'), sigBytes());
        },
      },
    },
    // A string body (`await request.text()`), against node:crypto given the same string.
    verifyString: {
      baseline: 'node:crypto, string body',
      contenders: {
        'node:crypto, string body': () => {
          const expected = sigBytes();
          const actual = createHmac('sha256', secretBytes).update(text).digest();
          return expected.length === actual.length && timingSafeEqual(actual, expected);
        },
        'flagsmith-webhooks Verifier.verify, string body': () => verifier.verify(text, signature),
        'flagsmith-webhooks verify (one-shot), string body': () => verify(SECRET, text, signature, limit),
      },
    },
    sign: {
      baseline: 'node:crypto sign',
      contenders: {
        'node:crypto sign': () => createHmac('sha256', secretBytes).update(body).digest('hex') === signature,
        'flagsmith-webhooks sign': () => sign(SECRET, body, limit) === signature,
        'flagsmith-webhooks Verifier.sign': () => verifier.sign(body) === signature,
      },
    },
  };
}

async function run(group, body) {
  const names = Object.keys(group.contenders);
  const samples = Object.fromEntries(names.map((n) => [n, []]));
  const batch = body.length >= 256 * 1024 ? 1 : body.length >= 16 * 1024 ? 10 : 100;
  for (let round = 0; round < ROUNDS; round++) {
    const order = names.map((_, i) => names[(i + round) % names.length]);
    for (const name of order) {
      const fn = group.contenders[name];
      samples[name].push(typeof fn === 'function' ? measureSync(fn, batch) : await measureAsync(fn.async, batch));
    }
  }
  // Each round's ratio pairs two measurements taken close together, so a slow spell of the
  // shared machine moves both; the median of those ratios is steadier than a ratio of medians.
  const ratios = (n) => samples[n].map((opsPerSecond, round) => opsPerSecond / samples[group.baseline][round]);
  return Object.fromEntries(names.map((n) => [n, { opsPerSecond: median(samples[n]), ratio: median(ratios(n)) }]));
}

async function parseGroup() {
  const signature = createHmac('sha256', secretBytes).update(fixture).digest('hex');
  const verifier = new Verifier(SECRET);
  const text = fixture.toString('utf8');
  return {
    baseline: 'node:crypto verify + JSON.parse',
    contenders: {
      'node:crypto verify + JSON.parse': () => {
        const expected = Buffer.from(signature, 'hex');
        const actual = createHmac('sha256', secretBytes).update(fixture).digest();
        if (!timingSafeEqual(actual, expected)) return false;
        return JSON.parse(fixture.toString('utf8')).event_type === 'FLAG_UPDATED';
      },
      'flagsmith-webhooks Verifier.verifyAndParse': () => verifier.verifyAndParse(fixture, signature).event_type === 'FLAG_UPDATED',
      'flagsmith-webhooks verifyAndParse (one-shot)': () => verifyAndParse(SECRET, fixture, signature).event_type === 'FLAG_UPDATED',
      'node:crypto verify + JSON.parse, string body': () => {
        const expected = Buffer.from(signature, 'hex');
        const actual = createHmac('sha256', secretBytes).update(text).digest();
        if (!timingSafeEqual(actual, expected)) return false;
        return JSON.parse(text).event_type === 'FLAG_UPDATED';
      },
      'flagsmith-webhooks Verifier.verifyAndParse, string body': () => verifier.verifyAndParse(text, signature).event_type === 'FLAG_UPDATED',
    },
  };
}

/**
 * A receiver request's library work on a 256 KB body (a long string, so that hashing, not
 * validation, dominates): the delivery key now comes from the verification pass; the 0.1
 * receivers computed it with a second HMAC over the body.
 */
async function receiverGroup() {
  const body = Buffer.from(`{"data": {"blob": "${'x'.repeat(256 * 1024)}"}, "event_type": "SEGMENT_ARCHIVED"}`);
  const signature = createHmac('sha256', secretBytes).update(body).digest('hex');
  const verifier = new Verifier(SECRET);
  return {
    body,
    baseline: 'verifyAndParse, no key (one HMAC pass)',
    contenders: {
      'verifyAndParse, no key (one HMAC pass)': () => verifier.verifyAndParse(body, signature).event_type === 'SEGMENT_ARCHIVED',
      'verifyDelivery, with the key (what receivers run)': () => verifier.verifyDelivery(body, signature).deliveryKey.length === 64,
      'verifyAndParse + sign for the key (the 0.1 receivers)': () => verifier.verifyAndParse(body, signature).event_type === 'SEGMENT_ARCHIVED' && verifier.sign(body).length === 64,
    },
  };
}

const results = { machine: `${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}`, rounds: ROUNDS, minMs: MIN_MS, verify: {}, verifyString: {}, sign: {} };
for (const [label, body] of SIZES) {
  const groups = await contendersFor(body);
  results.verify[label] = await run(groups.verify, body);
  results.verifyString[label] = await run(groups.verifyString, body);
  results.sign[label] = await run(groups.sign, body);
  process.stderr.write(`measured ${label}\n`);
}
results.verifyAndParse = await run(await parseGroup(), fixture);
const receiver = await receiverGroup();
results.receiver = await run(receiver, receiver.body);

const fmt = (r) => `${r.ratio.toFixed(2)}×`;
function table(title, bySize) {
  const names = Object.keys(Object.values(bySize)[0]);
  const labels = Object.keys(bySize);
  const lines = [`### ${title}`, '', `| | ${labels.join(' | ')} |`, `|---|${labels.map(() => '---:').join('|')}|`];
  for (const name of names) lines.push(`| ${name} | ${labels.map((l) => fmt(bySize[l][name])).join(' | ')} |`);
  const base = Object.values(bySize)[0];
  const baseName = Object.keys(base).find((n) => Math.abs(base[n].ratio - 1) < 1e-9);
  lines.push(`| (${baseName}, operations per second) | ${labels.map((l) => Math.round(bySize[l][baseName].opsPerSecond).toLocaleString('en')).join(' | ')} |`);
  return lines.join('\n');
}

const report = [
  `Machine: ${results.machine}. ${ROUNDS} rounds of ≥${MIN_MS} ms per contender, medians; ratios > 1 are faster than the baseline.`,
  '',
  table('verify (a correct signature), ratio to node:crypto', results.verify),
  '',
  table('verify, a string body, ratio to node:crypto given the same string', results.verifyString),
  '',
  table('sign, ratio to node:crypto', results.sign),
  '',
  '### verifyAndParse, 1.2 KB fixture, ratio to node:crypto verify + JSON.parse',
  '',
  '| | ratio | operations per second |',
  '|---|---:|---:|',
  ...Object.entries(results.verifyAndParse).map(([n, r]) => `| ${n} | ${fmt(r)} | ${Math.round(r.opsPerSecond).toLocaleString('en')} |`),
  '',
  `A string body against node:crypto verify + JSON.parse given the same string: ${(results.verifyAndParse['flagsmith-webhooks Verifier.verifyAndParse, string body'].ratio / results.verifyAndParse['node:crypto verify + JSON.parse, string body'].ratio).toFixed(2)}×.`,
  '',
  '### a receiver request, 256 KB body, ratio to verifyAndParse without a key',
  '',
  '| | ratio | operations per second |',
  '|---|---:|---:|',
  ...Object.entries(results.receiver).map(([n, r]) => `| ${n} | ${fmt(r)} | ${Math.round(r.opsPerSecond).toLocaleString('en')} |`),
].join('\n');
console.log(report);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results, null, 1));
