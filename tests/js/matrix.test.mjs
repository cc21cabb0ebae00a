// The runtime matrix: the package as published (an `npm pack` tarball installed into a fresh
// consumer project, never the source folder) runs the shared vectors in Node 20, Node 22, the
// current Node (26), Deno and Bun, through import and (in Node) require; and its Fetch-API
// receiver answers real requests under Deno.serve and Bun.serve. One table of results is printed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { sign } from 'flagsmith-webhooks';

import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './helpers/chromium.mjs';
import { installPacked, packListing } from './helpers/pack.mjs';
import { fixture, portableVectors, vectors } from './helpers/vectors.mjs';
import { startWorker, stopWorkers } from './helpers/workers.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = (path) => join(root, 'node_modules', path);
const RUNTIMES = [
  { name: 'Node 20', command: process.execPath, args: [], cjs: true },
  { name: 'Node 22', command: bin('node22/bin/node'), args: [], cjs: true },
  { name: 'Node 26', command: bin('node26/bin/node'), args: [], cjs: true },
  { name: 'Deno', command: bin('.bin/deno'), args: ['run', '--allow-read', '--allow-net=127.0.0.1', '--allow-env'] },
  { name: 'Bun', command: bin('.bin/bun'), args: ['run'] },
];
const SECRET = vectors.fixture_secret;
const rows = [];
let consumer;

before(() => {
  consumer = mkdtempSync(join(tmpdir(), 'fw-consumer-'));
  installPacked(consumer, { type: 'module' });
  copyFileSync(join(root, 'tests/js/helpers/conformance.mjs'), join(consumer, 'conformance.mjs'));
  writeFileSync(join(consumer, 'vectors.json'), JSON.stringify(portableVectors()));
  writeFileSync(
    join(consumer, 'run.mjs'),
    `import { readFileSync } from 'node:fs';
import * as api from 'flagsmith-webhooks';
import * as verifyOnly from 'flagsmith-webhooks/verify';
import { runConformance } from './conformance.mjs';
const portable = JSON.parse(readFileSync(new URL('./vectors.json', import.meta.url), 'utf8'));
const failures = [...runConformance(api, portable), ...runConformance(verifyOnly, portable).map((failure) => \`verify entry: \${failure}\`)];
console.log(JSON.stringify({ cases: portable.sign.length + portable.verify.length + portable.parse.length, failures }));
`,
  );
  writeFileSync(
    join(consumer, 'run.cjs'),
    `const api = require('flagsmith-webhooks');
const verifyOnly = require('flagsmith-webhooks/verify');
console.log(JSON.stringify({ signature: api.sign('random_key', '{"key": "value"}'), verifier: String(new api.Verifier(['a', 'b'])), verifyEntry: verifyOnly.sign('random_key', '{"key": "value"}') }));
`,
  );
  writeFileSync(
    join(consumer, 'serve.mjs'),
    `import { createHandler } from 'flagsmith-webhooks';
const handled = [];
const handler = createHandler({ secret: ${JSON.stringify(SECRET)}, onEvent: (event) => { handled.push(event.event_type); } });
const fetch = async (request) => (new URL(request.url).pathname === '/handled' ? Response.json(handled) : handler(request));
if (typeof Deno !== 'undefined') {
  Deno.serve({ port: 0, hostname: '127.0.0.1', onListen: ({ port }) => console.log(JSON.stringify({ port })) }, fetch);
} else {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch });
  console.log(JSON.stringify({ port: server.port }));
}
`,
  );
});

after(async () => {
  await stopWorkers();
  if (rows.length) {
    const table = ['| runtime | version | shared vectors (from the npm pack tarball) | require() | Fetch receiver |', '|---|---|---|---|---|', ...rows.map((r) => `| ${r.name} | ${r.version} | ${r.vectors} | ${r.cjs ?? 'n/a'} | ${r.receiver ?? 'n/a'} |`)];
    console.log(`\n${table.join('\n')}\n`);
  }
  if (consumer) rmSync(consumer, { recursive: true, force: true });
});

function run(runtime, script) {
  return execFileSync(runtime.command, [...runtime.args, script], { cwd: consumer, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
}

async function receiverAnswers(runtime) {
  const child = spawn(runtime.command, [...runtime.args, 'serve.mjs'], { cwd: consumer, env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' } });
  try {
    const port = await new Promise((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line).port);
      });
      child.on('exit', (code) => reject(new Error(`${runtime.name} exited with ${code}`)));
      setTimeout(() => reject(new Error(`${runtime.name} did not start`)), 20_000);
    });
    const url = `http://127.0.0.1:${port}/`;
    const body = fixture('01_flag_updated_env_default.json');
    const post = (b, headers) => fetch(url, { method: 'POST', body: b, headers: { 'content-type': 'application/json', ...headers } }).then((r) => r.status);
    const statuses = [
      await post(body, { 'X-Flagsmith-Signature': sign(SECRET, body) }),
      await post(Buffer.from(body.toString().replace('true', 'false')), { 'X-Flagsmith-Signature': sign(SECRET, body) }),
      await post(body, {}),
      await fetch(url, { method: 'GET' }).then((r) => r.status),
    ];
    assert.deepEqual(statuses, [200, 401, 401, 405], runtime.name);
    assert.deepEqual(await (await fetch(`${url}handled`)).json(), ['FLAG_UPDATED'], runtime.name);
    return `200/401/401/405 ✓`;
  } finally {
    child.kill();
  }
}

for (const runtime of RUNTIMES) {
  test(`${runtime.name}: the published package passes the shared vectors`, async () => {
    const version = execFileSync(runtime.command, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0];
    const result = JSON.parse(run(runtime, 'run.mjs').trim().split('\n').pop());
    assert.deepEqual(result.failures, [], runtime.name);
    const row = { name: runtime.name, version, vectors: `${result.cases} cases ✓` };
    if (runtime.cjs) {
      const cjs = JSON.parse(run(runtime, 'run.cjs').trim());
      assert.equal(cjs.signature, 'e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f');
      assert.equal(cjs.verifier, 'Verifier { secrets: 2 }');
      assert.equal(cjs.verifyEntry, cjs.signature);
      row.cjs = '✓';
    }
    if (runtime.name === 'Deno' || runtime.name === 'Bun') row.receiver = await receiverAnswers(runtime);
    rows.push(row);
  });
}

test('the tarball holds only what users need', () => {
  const listing = packListing(consumer);
  const files = listing.files.map((f) => f.path).sort();
  const unexpected = files.filter((f) => !/^(README\.md|GUIDE\.md|LICENSE|package\.json|index\.d\.ts|types\/[a-z]+\.d\.ts|wasm\.d\.c?ts|workerd\.js|edge-light\.js|browser\.js|bin\/[\w-]+\.js|lib\/[\w-]+\.js|verify\/([\w-]+\.d\.ts|[\w-]+\.js)|dist\/(flagsmith_webhooks\.js|flagsmith_webhooks_bg\.wasm|flagsmith_webhooks_verify\.wasm|node\.mjs|node\.cjs|verify\.mjs|verify\.cjs|index\.d\.cts|verify\.d\.cts|types\/[a-z]+\.d\.cts))$/.test(f));
  assert.deepEqual(unexpected, []);
  for (const needed of ['dist/flagsmith_webhooks_bg.wasm', 'dist/node.mjs', 'dist/node.cjs', 'index.d.ts', 'types/core.d.ts', 'dist/types/core.d.cts', 'workerd.js', 'edge-light.js', 'browser.js', 'README.md', 'GUIDE.md', 'dist/flagsmith_webhooks_verify.wasm', 'dist/verify.mjs', 'dist/verify.cjs', 'verify/index.d.ts', 'verify/workerd.js', 'verify/browser.js']) {
    assert.ok(files.includes(needed), needed);
  }
  console.log(`tarball: ${listing.filename}, ${listing.size} bytes packed, ${listing.unpackedSize} unpacked, ${files.length} files`);
});

test('workerd: the published package passes the shared vectors', async () => {
  writeFileSync(
    join(consumer, 'index.js'),
    `import * as api from 'flagsmith-webhooks';
import { runConformance } from './conformance.mjs';
export default { async fetch(request) { return Response.json({ failures: runConformance(api, await request.json()) }); } };
`,
  );
  writeFileSync(join(consumer, 'wrangler.toml'), 'name = "consumer"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nsend_metrics = false\n');
  const url = await startWorker(join(consumer, 'wrangler.toml'), {});
  const response = await fetch(url, { method: 'POST', body: JSON.stringify(portableVectors()) });
  assert.deepEqual((await response.json()).failures, []);
  rows.push({ name: 'workerd', version: 'miniflare 4.20260426.0', vectors: `${portableVectors().verify.length + portableVectors().sign.length + portableVectors().parse.length} cases ✓`, receiver: 'see workerd.test.mjs' });
});

test('Chromium: the published package passes the shared vectors', async () => {
  const site = join(consumer, 'site');
  mkdirSync(site);
  cpSync(join(consumer, 'node_modules/flagsmith-webhooks'), join(site, 'flagsmith-webhooks'), { recursive: true });
  copyFileSync(join(consumer, 'conformance.mjs'), join(site, 'conformance.mjs'));
  copyFileSync(join(consumer, 'vectors.json'), join(site, 'vectors.json'));
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>vectors</title><script type="module" src="./run.js"></script>');
  writeFileSync(
    join(site, 'run.js'),
    `import init, * as api from './flagsmith-webhooks/browser.js';
import { runConformance } from './conformance.mjs';
await init();
const portable = await (await fetch('./vectors.json')).json();
document.body.dataset.failures = JSON.stringify(runConformance(api, portable));
`,
  );
  const server = await startServer({ root: site });
  const context = await launchChromium();
  try {
    const tab = context.pages()[0] ?? (await context.newPage());
    const errors = [];
    tab.on('pageerror', (error) => errors.push(error.message));
    tab.on('response', (response) => response.status() >= 400 && !response.url().endsWith('/favicon.ico') && errors.push(`${response.status()} ${response.url()}`));
    await tab.goto(server.url);
    await tab.waitForSelector('body[data-failures]', { state: 'attached', timeout: 20_000 }).catch(() => {});
    assert.deepEqual(errors, []);
    assert.deepEqual(JSON.parse(await tab.getAttribute('body', 'data-failures')), []);
    rows.push({ name: 'Chromium', version: context.browser()?.version() ?? (await tab.evaluate(() => navigator.userAgent.match(/Chrome\/[\d.]+/)?.[0])), vectors: `${portableVectors().verify.length + portableVectors().sign.length + portableVectors().parse.length} cases ✓` });
  } finally {
    await context.close();
    await server.close();
  }
});
