// A small browser app that imports the package (installed from an npm pack tarball), built with
// esbuild, Vite and webpack, each output run in Chromium and verifying a fixture. (wrangler's
// bundler is covered by tests/js/workerd.test.mjs, whose Workers it builds.) The configuration
// each bundler needs for the .wasm is exactly what the README says.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { sign } from 'flagsmith-webhooks';

import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './helpers/chromium.mjs';
import { installPacked } from './helpers/pack.mjs';
import { fixture, vectors } from './helpers/vectors.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const tool = (name) => join(root, 'node_modules/.bin', name);
let app;
let context;

const BODY = fixture('04_flag_updated_segment_override.json').toString();
const SIGNATURE = sign(vectors.fixture_secret, BODY);
const program = (initCall, wasmImport = '') => `import init, { verify, parse, describe } from 'flagsmith-webhooks';
${wasmImport}
${initCall}.then(() => {
  const body = ${JSON.stringify(BODY)};
  document.body.dataset.result = JSON.stringify({
    valid: verify(${JSON.stringify(vectors.fixture_secret)}, body, ${JSON.stringify(SIGNATURE)}),
    type: parse(body).event_type,
    summary: describe(parse(body)),
  });
});
`;
const page = (script, type = 'module') => `<!doctype html><html><head><meta charset="utf-8"><title>app</title></head><body><script type="${type}" src="${script}"></script></body></html>`;

before(() => {
  app = mkdtempSync(join(tmpdir(), 'fw-bundlers-'));
  installPacked(app, { type: 'module' });
});

after(async () => {
  await context?.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

const EXPECTED = { valid: true, type: 'FLAG_UPDATED', summary: 'api_rate_limit in Production (segment beta_testers): value 48 → 49 (by ops@example.com)' };

// flagsmith-webhooks/verify in a browser: its own module, fetched by init() beside its files.
const verifyProgram = (specifier) => `import init, { Verifier, verify } from '${specifier}';
init().then(() => {
  const body = ${JSON.stringify(BODY)};
  const verifier = new Verifier(${JSON.stringify(vectors.fixture_secret)});
  document.body.dataset.result = JSON.stringify({
    valid: verify(${JSON.stringify(vectors.fixture_secret)}, body, ${JSON.stringify(SIGNATURE)}),
    tampered: verifier.verify(body + ' ', ${JSON.stringify(SIGNATURE)}),
    signed: verifier.sign(body),
  });
});
`;
const VERIFY_EXPECTED = { valid: true, tampered: false, signed: SIGNATURE };

async function runInChromium(dist, expected = EXPECTED) {
  context ??= await launchChromium();
  const server = await startServer({ root: dist });
  const tab = await context.newPage();
  const errors = [];
  tab.on('pageerror', (error) => errors.push(error.message));
  try {
    await tab.goto(server.url);
    await tab.waitForSelector('body[data-result]', { state: 'attached', timeout: 15_000 }).catch(() => {});
    assert.deepEqual(errors, []);
    const result = JSON.parse((await tab.getAttribute('body', 'data-result')) ?? 'null');
    assert.deepEqual(result, expected);
  } finally {
    await tab.close();
    await server.close();
  }
}

test('esbuild: the .wasm through the package\'s ./wasm export and the file loader', async () => {
  const source = join(app, 'esbuild');
  mkdirSync(source);
  writeFileSync(join(source, 'app.js'), program('init(new URL(wasmUrl, import.meta.url))', "import wasmUrl from 'flagsmith-webhooks/wasm';"));
  const dist = join(source, 'dist');
  execFileSync(tool('esbuild'), [join(source, 'app.js'), '--bundle', '--format=esm', '--platform=browser', '--loader:.wasm=file', `--outdir=${dist}`, '--log-level=error'], { cwd: app, stdio: 'pipe' });
  writeFileSync(join(dist, 'index.html'), page('./app.js'));
  await runInChromium(dist);
});

test('Vite: no configuration', async () => {
  const source = join(app, 'vite');
  mkdirSync(source);
  writeFileSync(join(source, 'main.js'), program('init()'));
  writeFileSync(join(source, 'index.html'), page('/main.js'));
  execFileSync(tool('vite'), ['build', source, '--outDir', join(source, 'dist'), '--logLevel', 'error'], { cwd: app, stdio: 'pipe' });
  await runInChromium(join(source, 'dist'));
});

test('webpack: no configuration beyond entry and output', async () => {
  const source = join(app, 'webpack');
  mkdirSync(source);
  writeFileSync(join(source, 'app.js'), program('init()'));
  const dist = join(source, 'dist');
  execFileSync(tool('webpack'), ['--mode', 'production', '--entry', join(source, 'app.js'), '--output-path', dist, '--output-filename', 'app.js'], { cwd: app, stdio: 'pipe' });
  writeFileSync(join(dist, 'index.html'), page('./app.js', 'text/javascript'));
  await runInChromium(dist);
});

test('the package also works unbundled, straight from node_modules', async () => {
  const dist = join(app, 'plain');
  mkdirSync(dist);
  cpSync(join(app, 'node_modules/flagsmith-webhooks'), join(dist, 'flagsmith-webhooks'), { recursive: true });
  writeFileSync(join(dist, 'app.js'), program('init()').replace("from 'flagsmith-webhooks'", "from './flagsmith-webhooks/browser.js'"));
  writeFileSync(join(dist, 'index.html'), page('./app.js'));
  await runInChromium(dist);
});

test('flagsmith-webhooks/verify: esbuild with its ./verify/wasm export, Vite and webpack with no configuration, and unbundled', async () => {
  const esbuild = join(app, 'esbuild-verify');
  mkdirSync(esbuild);
  writeFileSync(
    join(esbuild, 'app.js'),
    `import wasmUrl from 'flagsmith-webhooks/verify/wasm';\n${verifyProgram('flagsmith-webhooks/verify').replace('init()', 'init(new URL(wasmUrl, import.meta.url))')}`,
  );
  execFileSync(tool('esbuild'), [join(esbuild, 'app.js'), '--bundle', '--format=esm', '--platform=browser', '--loader:.wasm=file', `--outdir=${join(esbuild, 'dist')}`, '--log-level=error'], { cwd: app, stdio: 'pipe' });
  writeFileSync(join(esbuild, 'dist', 'index.html'), page('./app.js'));
  await runInChromium(join(esbuild, 'dist'), VERIFY_EXPECTED);

  const vite = join(app, 'vite-verify');
  mkdirSync(vite);
  writeFileSync(join(vite, 'main.js'), verifyProgram('flagsmith-webhooks/verify'));
  writeFileSync(join(vite, 'index.html'), page('/main.js'));
  execFileSync(tool('vite'), ['build', vite, '--outDir', join(vite, 'dist'), '--logLevel', 'error'], { cwd: app, stdio: 'pipe' });
  await runInChromium(join(vite, 'dist'), VERIFY_EXPECTED);

  const webpack = join(app, 'webpack-verify');
  mkdirSync(webpack);
  writeFileSync(join(webpack, 'app.js'), verifyProgram('flagsmith-webhooks/verify'));
  execFileSync(tool('webpack'), ['--mode', 'production', '--entry', join(webpack, 'app.js'), '--output-path', join(webpack, 'dist'), '--output-filename', 'app.js'], { cwd: app, stdio: 'pipe' });
  writeFileSync(join(webpack, 'dist', 'index.html'), page('./app.js', 'text/javascript'));
  await runInChromium(join(webpack, 'dist'), VERIFY_EXPECTED);

  const plain = join(app, 'plain-verify');
  mkdirSync(plain);
  cpSync(join(app, 'node_modules/flagsmith-webhooks'), join(plain, 'flagsmith-webhooks'), { recursive: true });
  writeFileSync(join(plain, 'app.js'), verifyProgram('./flagsmith-webhooks/verify/browser.js'));
  writeFileSync(join(plain, 'index.html'), page('./app.js'));
  await runInChromium(plain, VERIFY_EXPECTED);
});
