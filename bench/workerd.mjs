// Benchmarks inside workerd (Miniflare): the package against WebCrypto, node:crypto
// (nodejs_compat), @noble/hashes and hash-wasm. Each figure is a ratio to WebCrypto's
// subtle.verify in the same run (median of rounds, order rotated). Run by scripts/bench.sh.
import { startWorker, stopWorkers } from '../tests/js/workers.mjs';

const quick = process.argv.includes('--quick');
const ROUNDS = quick ? 3 : 7;
const SIZES = [['128 B', 128], ['1.2 KB', 1181], ['16 KB', 16 * 1024], ['256 KB', 256 * 1024]];
const url = await startWorker('bench/worker/wrangler.toml', {}, { compatibilityFlags: ['nodejs_compat'] });

async function time(op, size, n) {
  const start = performance.now();
  const response = await fetch(`${url}/?op=${encodeURIComponent(op)}&size=${size}&n=${n}`);
  const text = await response.text();
  return { ms: performance.now() - start, ok: response.ok, text };
}

const ops = ['flagsmith-webhooks Verifier.verify', 'flagsmith-webhooks verify (one-shot)', 'WebCrypto subtle.verify (key imported once)', 'node:crypto (nodejs_compat)', '@noble/hashes'];
const failures = {};
for (const op of [...ops, 'hash-wasm']) {
  const probe = await time(op, 128, 1);
  if (!probe.ok) failures[op] = probe.text;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const table = {};
for (const [label, size] of SIZES) {
  const n = Math.max(4, Math.round(4_000_000 / (size + 2000)));
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
  const base = median(samples['WebCrypto subtle.verify (key imported once)']);
  table[label] = Object.fromEntries(ops.map((op) => [op, failures[op] ? null : base / median(samples[op])]));
  process.stderr.write(`measured ${label} (n=${n})\n`);
}
const labels = SIZES.map(([l]) => l);
console.log(`### Inside workerd (Miniflare ${(await import('miniflare/package.json', { with: { type: 'json' } }).catch(() => ({ default: {} }))).default.version ?? ''}), ratio to WebCrypto subtle.verify (key imported once); ${ROUNDS} rounds, medians

| | ${labels.join(' | ')} |
|---|${labels.map(() => '---:').join('|')}|
${ops.map((op) => `| ${op} | ${labels.map((l) => (table[l][op] === null ? 'fails' : `${table[l][op].toFixed(2)}×`)).join(' | ')} |`).join('\n')}
| hash-wasm | ${failures['hash-wasm'] ? `fails: ${failures['hash-wasm'].slice(0, 100)}` : 'ran'} |`);
await stopWorkers();
