// Benchmarks inside workerd (Miniflare): the package against WebCrypto, node:crypto
// (nodejs_compat), @noble/hashes and hash-wasm. Each figure is a ratio to WebCrypto's
// subtle.verify in the same run (median of the rounds' ratios, order rotated). Run by scripts/bench.sh.
import { rmSync } from 'node:fs';

import { bundleWorker, startBundledWorker } from '../tests/js/helpers/workers.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const SIZES = [['55 B', 55], ['128 B', 128], ['1.2 KB', 1181], ['16 KB', 16 * 1024], ['256 KB', 256 * 1024], ['4 MB', 4 * 1024 * 1024]];
const COLD_SAMPLES = quick ? 5 : 15;
const options = { compatibilityFlags: ['nodejs_compat'] };
const bundle = bundleWorker('bench/worker/wrangler.toml');
const worker = await startBundledWorker(bundle, {}, options);
const { url } = worker;

async function time(op, size, n, origin = url) {
  const start = performance.now();
  const response = await fetch(`${origin}/?op=${encodeURIComponent(op)}&size=${size}&n=${n}`);
  const text = await response.text();
  return { ms: performance.now() - start, ok: response.ok, text };
}

const OURS = 'flagsmith-webhooks Verifier.verify';
const WEBCRYPTO = 'WebCrypto subtle.verify (key imported once)';
const OURS_STRING = 'flagsmith-webhooks Verifier.verify, string body';
const WEBCRYPTO_STRING = 'WebCrypto subtle.verify, string body';
const ops = [OURS, 'flagsmith-webhooks verify (one-shot)', WEBCRYPTO, OURS_STRING, WEBCRYPTO_STRING, 'node:crypto (nodejs_compat)', '@noble/hashes'];
const failures = {};
for (const op of [...ops, 'hash-wasm']) {
  const probe = await time(op, 128, 1);
  if (!probe.ok) failures[op] = probe.text;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const table = {};
const micros = {};
for (const [label, size] of SIZES) {
  // About 30 ms of work per request, so that the jitter of a request (a millisecond or so) stays
  // small beside it.
  const n = Math.max(40, Math.round(40_000_000 / (size + 2000)));
  const samples = Object.fromEntries(ops.map((op) => [op, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = ops.map((_, i) => ops[(i + round) % ops.length]);
    for (const op of order) {
      if (failures[op]) continue;
      const noop = await time('noop', size, n);
      const run = await time(op, size, n);
      samples[op].push(Math.max(1e-6, (run.ms - noop.ms) / n));
    }
  }
  // The median of each round's ratio (see bench/node.mjs).
  const base = samples[WEBCRYPTO];
  table[label] = Object.fromEntries(ops.map((op) => [op, failures[op] ? null : median(samples[op].map((ms, round) => base[round] / ms))]));
  micros[label] = Object.fromEntries(ops.map((op) => [op, failures[op] ? null : median(samples[op]) * 1000]));
  process.stderr.write(`measured ${label} (n=${n})\n`);
}
const labels = SIZES.map(([l]) => l);
console.log(`### Inside workerd (Miniflare ${(await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? ''}), ratio to WebCrypto subtle.verify (key imported once); ${ROUNDS} rounds, medians

| | ${labels.join(' | ')} |
|---|${labels.map(() => '---:').join('|')}|
${ops.map((op) => `| ${op} | ${labels.map((l) => (table[l][op] === null ? 'fails' : `${table[l][op].toFixed(2)}×`)).join(' | ')} |`).join('\n')}
| hash-wasm | ${failures['hash-wasm'] ? `fails: ${failures['hash-wasm'].slice(0, 100)}` : 'ran'} |

Microseconds per operation (the same medians), for the arithmetic of what bounds a ratio: a
contender's time grows with the body at its hashing speed, on top of a fixed cost per call.

| | ${labels.join(' | ')} |
|---|${labels.map(() => '---:').join('|')}|
${ops.map((op) => `| ${op} | ${labels.map((l) => (micros[l][op] === null ? 'fails' : micros[l][op].toFixed(2))).join(' | ')} |`).join('\n')}

A string body against WebCrypto given the same string (encoded first): ${labels.map((l) => `${l} ${(table[l][OURS_STRING] / table[l][WEBCRYPTO_STRING]).toFixed(2)}×`).join(', ')}.`);
await worker.stop();

// A fresh Worker's first request: one verify of the 1.2 KB body, including the contender's
// setup (keying the Verifier and wasm's lazy compilation of what it calls; importing the
// WebCrypto key), minus a fresh Worker's first no-op request. The .wasm itself is compiled and
// instantiated when workerd loads the script, before any request, so it is not in these figures.
const cold = { noop: [], [OURS]: [], [WEBCRYPTO]: [] };
for (let i = 0; i < COLD_SAMPLES; i++) {
  for (const op of Object.keys(cold)) {
    const fresh = await startBundledWorker(bundle, {}, options);
    try {
      const first = await time(op, 1181, 1, fresh.url);
      if (!first.ok) throw new Error(`${op}: ${first.text}`);
      cold[op].push(first.ms);
    } finally {
      await fresh.stop();
    }
  }
}
rmSync(bundle, { recursive: true, force: true });
const coldNoop = median(cold.noop);
const coldOurs = median(cold[OURS]) - coldNoop;
const coldWeb = median(cold[WEBCRYPTO]) - coldNoop;
console.log(`
### A fresh Worker's first request (medians of ${COLD_SAMPLES} fresh workerd processes)

| first request, minus a no-op first request (${coldNoop.toFixed(2)} ms) | ms |
|---|---:|
| flagsmith-webhooks: new Verifier + verify, 1.2 KB | ${coldOurs.toFixed(2)} |
| WebCrypto: importKey + subtle.verify, 1.2 KB | ${coldWeb.toFixed(2)} |`);
