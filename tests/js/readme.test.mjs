// The README's JavaScript examples, as written: every block parses, and the Node, Workers and
// createHandler snippets run (Workers under workerd), so the documentation cannot drift.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { sign } from 'flagsmith-webhooks';

import { rawRequest } from './helpers/receiver-table.mjs';
import { fixture, vectors } from './helpers/vectors.mjs';
import { startWorker, stopWorkers } from './helpers/workers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = join(root, 'tests/out/readme');
// The project README (the full guide) and the package's README (the npm page).
const READMES = ['README.md', 'pkg/README.md'].map((file) => readFileSync(join(root, file), 'utf8'));
const blocks = READMES.flatMap((text) => [...text.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]));
const SECRET = vectors.fixture_secret;
const BODY = fixture('01_flag_updated_env_default.json');
const block = (marker) => {
  const found = blocks.find((b) => b.includes(marker));
  assert.ok(found, `a README block containing ${marker}`);
  return found;
};
mkdirSync(work, { recursive: true });
after(async () => {
  await stopWorkers();
  rmSync(work, { recursive: true, force: true });
});

test('every JavaScript block in the README parses', () => {
  assert.ok(blocks.length >= 7, `${blocks.length} blocks`);
  blocks.forEach((source, index) => {
    const file = join(work, `block-${index}.mjs`);
    writeFileSync(file, source);
    execFileSync(process.execPath, ['--check', file], { stdio: 'pipe' });
  });
});

test('the Node snippet verifies a signed body and refuses a bad one', () => {
  const file = join(work, 'node.mjs');
  writeFileSync(
    file,
    `${block('// In any handler that has the raw body')}
import { readFileSync } from 'node:fs';
const body = readFileSync(${JSON.stringify(fileURLToPath(new URL('../fixtures/01_flag_updated_env_default.json', import.meta.url)))});
console.log(JSON.stringify([handle(body, { 'x-flagsmith-signature': ${JSON.stringify(sign(SECRET, BODY))} }), handle(body, {})]));
`,
  );
  const output = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: root, env: { ...process.env, FLAGSMITH_WEBHOOK_SECRET: SECRET } });
  const lines = output.trim().split('\n');
  assert.deepEqual(JSON.parse(lines.pop()), [200, 401]);
  assert.deepEqual(lines, ['butter_bar true']);
});

test('the flagsmith-webhooks/verify snippet tells a signed body from a forged one', () => {
  const file = join(work, 'verify-entry.mjs');
  writeFileSync(
    file,
    `${block("from 'flagsmith-webhooks/verify'")}
import { readFileSync } from 'node:fs';
const body = readFileSync(${JSON.stringify(fileURLToPath(new URL('../fixtures/01_flag_updated_env_default.json', import.meta.url)))});
console.log(JSON.stringify([isFromFlagsmith(body, { 'x-flagsmith-signature': ${JSON.stringify(sign(SECRET, BODY))} }), isFromFlagsmith(body, { 'x-flagsmith-signature': '0'.repeat(64) })]));
`,
  );
  const output = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: root, env: { ...process.env, FLAGSMITH_WEBHOOK_SECRET: SECRET } });
  assert.deepEqual(JSON.parse(output), [true, false]);
});

test('the createHandler snippet answers a signed request', () => {
  const file = join(work, 'handler.mjs');
  writeFileSync(
    file,
    `${block('const handler = createHandler({')}
import { signedRequest, sampleEvent } from 'flagsmith-webhooks';
const response = await handler(signedRequest('https://example.test/webhook', process.env.FLAGSMITH_WEBHOOK_SECRET, sampleEvent('AUDIT_LOG_CREATED')));
console.log(response.status);
`,
  );
  const output = execFileSync(process.execPath, [file], { encoding: 'utf8', cwd: root, env: { ...process.env, FLAGSMITH_WEBHOOK_SECRET: SECRET } });
  assert.deepEqual(output.trim().split('\n'), ['New Flag / Remote Config created: max_cart_items', '200']);
});

test('the Workers snippet runs under workerd', async () => {
  const dir = join(work, 'worker');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.js'), block('export default {\n  async fetch(request, env) {'));
  writeFileSync(join(dir, 'wrangler.toml'), 'name = "readme"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nsend_metrics = false\n');
  const url = await startWorker(join(dir, 'wrangler.toml'), { FLAGSMITH_WEBHOOK_SECRET: SECRET });
  const signed = await rawRequest(url, { path: '/', headers: [['X-Flagsmith-Signature', sign(SECRET, BODY)]], body: BODY });
  assert.equal(signed.status, 200);
  assert.deepEqual(JSON.parse(signed.body), { received: 'FLAG_UPDATED' });
  const unsigned = await rawRequest(url, { path: '/', body: BODY });
  assert.equal(unsigned.status, 401);
  assert.equal(unsigned.body, 'missing_signature');
});

test('every README block type-checks under --strict (JavaScript ones without type annotations to infer from)', () => {
  const typed = READMES.flatMap((text) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
  assert.ok(typed.length >= 3, `${typed.length} TypeScript blocks`);
  const dir = join(work, 'typescript');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Each block is a module of its own (the Next.js route files), checked against the package's
  // declarations with Node's types, as a Next.js project has them. JavaScript blocks are checked
  // too (checkJs), with the names the README leaves to the reader declared, and without
  // noImplicitAny, since plain JavaScript has no annotations to give.
  const files = [
    ...typed.map((source, index) => [`block-${index}.mts`, source]),
    ...blocks.map((source, index) => [`js/block-${index}.mjs`, source]),
  ].map(([file, source]) => {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    writeFileSync(join(dir, file), `${source}\nexport {};\n`);
    return file;
  });
  writeFileSync(
    join(dir, 'readme-names.d.ts'),
    [
      "declare const options: import('flagsmith-webhooks').ReceiverOptions;",
      'declare const body: Uint8Array;',
      'declare const signature: string;',
      // Frameworks that ship no types of their own (their @types packages are not installed).
      "declare module 'express';",
      "declare module 'koa';",
    ].join('\n'),
  );
  // The NestJS recipe's own module.
  for (const folder of ['', 'js']) writeFileSync(join(dir, folder, 'app.module.d.ts'), 'export declare class AppModule {}\n');
  const compilerOptions = { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: true, baseUrl: root, paths: { 'flagsmith-webhooks': [join(root, 'pkg/index.d.ts')], '*': [join(root, 'node_modules/*')] } };
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: [...files.filter((f) => f.endsWith('.mts')), 'readme-names.d.ts'] }));
  writeFileSync(join(dir, 'tsconfig.js.json'), JSON.stringify({ compilerOptions: { ...compilerOptions, allowJs: true, checkJs: true, noImplicitAny: false }, files: [...files.filter((f) => f.endsWith('.mjs')), 'readme-names.d.ts'] }));
  for (const config of ['tsconfig.json', 'tsconfig.js.json']) {
    try {
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', join(dir, config)], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      assert.fail(`README code that does not type-check (${config}):\n${String(error.stdout).slice(0, 3000)}`);
    }
  }
  return;
});
