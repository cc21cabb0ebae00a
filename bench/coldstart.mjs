// Cold start: a fresh Node process's time from the start of its import (or require) to the
// first verify, beside node:crypto's; and where the package's time goes. Each sample is a new
// process running a script file, as a service's entry file does (an `-e` script would add the
// ES module loader's first-file setup, about 3 ms, to the package and not to the built-in
// node:crypto). Medians of SAMPLES, contenders interleaved. Run with `bash scripts/bench.sh`.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const SAMPLES = process.argv.includes('--quick') ? 7 : 21;
const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'pkg', 'dist');

const BODY = `Buffer.from('{"key": "value"}')`;
const SIGNATURE = `'e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f'`;
const nodeCryptoVerify = `
  const ok = timingSafeEqual(createHmac('sha256', 'random_key').update(${BODY}).digest(), Buffer.from(${SIGNATURE}, 'hex'));`;
const report = `console.log(JSON.stringify({ ok, firstVerifyMs: performance.now() - t0 }));`;

// Script files inside the repository (in target/, which git ignores), so that
// 'flagsmith-webhooks' resolves to pkg/ through node_modules and its exports map, exactly as in
// a user's project.
const scripts = {
  'node:crypto (import)': ['mjs', `const t0 = performance.now();
    const { createHmac, timingSafeEqual } = await import('node:crypto');${nodeCryptoVerify}
    ${report}`],
  'flagsmith-webhooks (import)': ['mjs', `const t0 = performance.now();
    const { verify } = await import('flagsmith-webhooks');
    const ok = verify('random_key', ${BODY}, ${SIGNATURE});
    ${report}`],
  // The verify-only entry: the Verifier over a module without the validator, no wasm-bindgen.
  'flagsmith-webhooks/verify (import)': ['mjs', `const t0 = performance.now();
    const { verify } = await import('flagsmith-webhooks/verify');
    const ok = verify('random_key', ${BODY}, ${SIGNATURE});
    ${report}`],
  // The floor (bench/floor): an HMAC-only module, as a package with its own exports map.
  'HMAC-only wasm floor (import)': ['mjs', `const t0 = performance.now();
    const { Verifier } = await import('hmac-floor');
    const ok = new Verifier(new TextEncoder().encode('random_key')).verify(${BODY}, Buffer.from(${SIGNATURE}, 'hex'));
    ${report}`],
  'node:crypto (require)': ['cjs', `const t0 = performance.now();
    const { createHmac, timingSafeEqual } = require('node:crypto');${nodeCryptoVerify}
    ${report}`],
  'flagsmith-webhooks (require)': ['cjs', `const t0 = performance.now();
    const { verify } = require('flagsmith-webhooks');
    const ok = verify('random_key', ${BODY}, ${SIGNATURE});
    ${report}`],
  'flagsmith-webhooks/verify (require)': ['cjs', `const t0 = performance.now();
    const { verify } = require('flagsmith-webhooks/verify');
    const ok = verify('random_key', ${BODY}, ${SIGNATURE});
    ${report}`],
  // The package's import, taken apart: its JavaScript, the .wasm read, compile (V8 validates
  // every function here and compiles each lazily on its first call), instantiate, first call.
  breakdown: ['mjs', `const t0 = performance.now();
    const glue = await import(${JSON.stringify(join(dist, 'flagsmith_webhooks.js'))});
    const t1 = performance.now();
    const bytes = process.getBuiltinModule('node:fs').readFileSync(${JSON.stringify(join(dist, 'flagsmith_webhooks_bg.wasm'))});
    const t2 = performance.now();
    const module = new WebAssembly.Module(bytes);
    const t3 = performance.now();
    const exports = glue.initSync({ module });
    const t4 = performance.now();
    // As pkg/lib/scratch.js stages a secret: its length, then its bytes.
    const key = new TextEncoder().encode('random_key');
    const keyAt = glue.scratch(4 + key.length);
    new DataView(exports.memory.buffer).setUint32(keyAt, key.length, true);
    new Uint8Array(exports.memory.buffer).set(key, keyAt + 4);
    const verifier = new glue.Verifier(1, 4 + key.length);
    // As pkg/lib/api.js calls it: the header, then the body, in the scratch area.
    const header = Buffer.from(${SIGNATURE});
    const body = ${BODY};
    const at = glue.scratch(header.length + body.length);
    new Uint8Array(exports.memory.buffer).set(Buffer.concat([header, body]), at);
    const ok = verifier.matchScratch(header.length, body.length) === 0;
    const t5 = performance.now();
    console.log(JSON.stringify({ ok, glueImportMs: t1 - t0, readMs: t2 - t1, compileMs: t3 - t2, instantiateMs: t4 - t3, firstCallMs: t5 - t4 }));`],
};

const dir = join(root, 'target', 'coldstart');
mkdirSync(dir, { recursive: true });
const floorBuild = join(root, 'target', 'floor', 'pkg');
if (!existsSync(join(floorBuild, 'hmac_floor_bg.wasm'))) throw new Error('build bench/floor first: bash scripts/bench.sh does');
const floorPackage = join(dir, 'node_modules', 'hmac-floor');
mkdirSync(floorPackage, { recursive: true });
cpSync(floorBuild, floorPackage, { recursive: true });
writeFileSync(join(floorPackage, 'package.json'), JSON.stringify({ name: 'hmac-floor', type: 'module', exports: './index.js' }));
// Initialised at import the way the package's Node entry is (pkg/lib/node-init.js).
writeFileSync(join(floorPackage, 'index.js'), `import { initSync } from './hmac_floor.js';
initSync({ module: process.getBuiltinModule('node:fs').readFileSync(new URL('./hmac_floor_bg.wasm', import.meta.url)) });
export { Verifier } from './hmac_floor.js';`);
const files = Object.fromEntries(
  Object.entries(scripts).map(([name, [extension, source]], index) => {
    const file = join(dir, `${index}.${extension}`);
    writeFileSync(file, source);
    return [name, file];
  }),
);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const results = {};
try {
  for (let i = 0; i < SAMPLES; i++) {
    for (const [name, file] of Object.entries(files)) {
      const start = performance.now();
      const out = JSON.parse(execFileSync(process.execPath, [file], { cwd: root, encoding: 'utf8' }));
      if (!out.ok) throw new Error(`${name}: wrong answer`);
      out.processMs = performance.now() - start;
      for (const [key, value] of Object.entries(out)) if (key !== 'ok') ((results[name] ??= {})[key] ??= []).push(value);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const m = (name, key) => median(results[name][key]);
const ms = (value, digits = 2) => `${value.toFixed(digits)} ms`;
const rows = ['import', 'require'].flatMap((how) => {
  const base = m(`node:crypto (${how})`, 'firstVerifyMs');
  const row = (label, name) =>
    `| ${label}, ${how} | ${ms(m(name, 'firstVerifyMs'))} | ${(m(name, 'firstVerifyMs') / base).toFixed(2)}× | ${ms(m(name, 'processMs'), 1)} |`;
  return [
    row('node:crypto', `node:crypto (${how})`),
    row('flagsmith-webhooks', `flagsmith-webhooks (${how})`),
    row('flagsmith-webhooks/verify', `flagsmith-webhooks/verify (${how})`),
    ...(how === 'import' ? [row('HMAC-only wasm floor (bench/floor)', 'HMAC-only wasm floor (import)')] : []),
  ];
});
const parts = ['glueImportMs', 'readMs', 'compileMs', 'instantiateMs', 'firstCallMs'].map((key) => ms(m('breakdown', key)));
console.log(`### Cold start, Node ${process.version} (medians of ${SAMPLES} fresh processes)

| | start of import to first verify | ratio | whole process |
|---|---:|---:|---:|
${rows.join('\n')}

Where the package's import goes (medians; the wasm-bindgen glue alone, without the rest of
the package's JavaScript):

| glue import | read .wasm | compile | instantiate | first Verifier + verify |
|---:|---:|---:|---:|---:|
| ${parts.join(' | ')} |`);
