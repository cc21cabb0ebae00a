// Cold start: a fresh Node process's time from the start of its import to the first verify,
// beside node:crypto's; and the module's compile and instantiate times. Each sample is a new
// process; medians of SAMPLES. Run with `bash scripts/bench.sh`.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const SAMPLES = process.argv.includes('--quick') ? 5 : 15;
const root = fileURLToPath(new URL('..', import.meta.url));

const scripts = {
  'node:crypto': `
    const t0 = performance.now();
    const { createHmac, timingSafeEqual } = await import('node:crypto');
    const body = Buffer.from('{"key": "value"}');
    const sig = Buffer.from('e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f', 'hex');
    const ok = timingSafeEqual(createHmac('sha256', 'random_key').update(body).digest(), sig);
    console.log(JSON.stringify({ ok, firstVerifyMs: performance.now() - t0 }));`,
  'flagsmith-webhooks': `
    const t0 = performance.now();
    const { verify } = await import('flagsmith-webhooks');
    const ok = verify('random_key', Buffer.from('{"key": "value"}'), 'e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f');
    console.log(JSON.stringify({ ok, firstVerifyMs: performance.now() - t0 }));`,
  'wasm compile + instantiate': `
    const { readFileSync } = await import('node:fs');
    const bytes = readFileSync('pkg/dist/flagsmith_webhooks_bg.wasm');
    const glue = await import('./pkg/dist/flagsmith_webhooks.js');
    const t0 = performance.now();
    const module = new WebAssembly.Module(bytes);
    const t1 = performance.now();
    glue.initSync({ module });
    const t2 = performance.now();
    console.log(JSON.stringify({ ok: true, compileMs: t1 - t0, instantiateMs: t2 - t1 }));`,
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
for (let i = 0; i < SAMPLES; i++) {
  for (const [name, source] of Object.entries(scripts)) {
    const start = performance.now();
    const out = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', source], { cwd: root, encoding: 'utf8' }));
    if (!out.ok) throw new Error(`${name}: wrong answer`);
    out.processMs = performance.now() - start;
    for (const [key, value] of Object.entries(out)) if (key !== 'ok') (results[name] ??= {})[key] = [...(results[name]?.[key] ?? []), value];
  }
}
const m = (name, key) => median(results[name][key]);
const ratio = m('flagsmith-webhooks', 'firstVerifyMs') / m('node:crypto', 'firstVerifyMs');
console.log(`### Cold start, Node ${process.version} (medians of ${SAMPLES} fresh processes)

| | import to first verify | whole process |
|---|---:|---:|
| node:crypto | ${m('node:crypto', 'firstVerifyMs').toFixed(2)} ms | ${m('node:crypto', 'processMs').toFixed(1)} ms |
| flagsmith-webhooks | ${m('flagsmith-webhooks', 'firstVerifyMs').toFixed(2)} ms (${ratio.toFixed(2)}× node:crypto) | ${m('flagsmith-webhooks', 'processMs').toFixed(1)} ms |

WebAssembly.Module (compile): ${m('wasm compile + instantiate', 'compileMs').toFixed(2)} ms; initSync (instantiate): ${m('wasm compile + instantiate', 'instantiateMs').toFixed(2)} ms.`);
