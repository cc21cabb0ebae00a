// The README's JavaScript examples, as written: every block parses, and the Node, Workers and
// createHandler snippets run (Workers under workerd), so the documentation cannot drift.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

test('every TypeScript block in the README type-checks under --strict', () => {
  const typed = READMES.flatMap((text) => [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]));
  assert.ok(typed.length >= 2, `${typed.length} TypeScript blocks`);
  const dir = join(work, 'typescript');
  mkdirSync(dir, { recursive: true });
  // Each block is a module of its own (the Next.js route files), checked against the package's
  // declarations with Node's types, as a Next.js project has them.
  const files = typed.map((source, index) => {
    const file = `block-${index}.ts`;
    writeFileSync(join(dir, file), `${source}\nexport {};\n`);
    return file;
  });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext', lib: ['es2022', 'dom'], types: ['node'], typeRoots: [join(root, 'node_modules/@types')], skipLibCheck: true, baseUrl: root, paths: { 'flagsmith-webhooks': [join(root, 'pkg/index.d.ts')] } },
      files,
    }),
  );
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`README TypeScript that does not type-check:\n${String(error.stdout).slice(0, 3000)}`);
  }
});
