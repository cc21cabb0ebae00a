// A Worker that uses the package runs under real workerd (Miniflare) on 127.0.0.1. The Worker is
// bundled by wrangler's own bundler, which resolves 'flagsmith-webhooks' through the package's
// exports map (`workerd` condition) exactly as a user's deployment would.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { Miniflare } from 'miniflare';
import { sign } from 'flagsmith-webhooks';

import { fixture, portableVectors, vectors } from './vectors.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SECRET = vectors.fixture_secret;
let mf;
let url;
let outdir;

before(async () => {
  outdir = mkdtempSync(join(tmpdir(), 'fw-worker-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'),
    ['deploy', '--dry-run', '--outdir', outdir, '--config', join(root, 'tests/worker/wrangler.toml')],
    { cwd: root, stdio: 'pipe', env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' } });
  mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'worker.js'),
    modulesRoot: outdir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    bindings: { FLAGSMITH_WEBHOOK_SECRET: `${SECRET},previous-secret` },
    host: '127.0.0.1',
    port: 0,
    cf: false,
  });
  url = await mf.ready;
  assert.equal(url.hostname, '127.0.0.1');
});

after(async () => {
  await mf?.dispose();
  if (outdir) rmSync(outdir, { recursive: true, force: true });
});

async function post(body, headers = {}) {
  const response = await fetch(new URL('/', url), { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
  return { status: response.status, json: await response.json() };
}

test('the shared vector file passes inside workerd', async () => {
  const response = await fetch(new URL('/conformance', url), { method: 'POST', body: JSON.stringify(portableVectors()) });
  assert.equal(response.status, 200);
  assert.deepEqual((await response.json()).failures, []);
});

test('a correctly signed request is accepted', async () => {
  for (const file of Object.keys(JSON.parse(fixture('signatures.json')).bodies)) {
    const body = fixture(file);
    const { status, json } = await post(body, { 'X-Flagsmith-Signature': sign(SECRET, body) });
    assert.equal(status, 200, file);
    assert.equal(json.event_type, JSON.parse(body).event_type, file);
  }
});

test('the previous secret is accepted during rotation, and the header is found in any case', async () => {
  const body = fixture('07_flag_deleted.json');
  const { status, json } = await post(body, { 'x-flagsmith-signature': sign('previous-secret', body) });
  assert.equal(status, 200);
  assert.equal(json.secret_index, 1);
});

test('a tampered request is rejected', async () => {
  const body = fixture('01_flag_updated_env_default.json');
  const tampered = Buffer.from(body.toString().replace('"enabled": true', '"enabled": false'));
  const { status, json } = await post(tampered, { 'X-Flagsmith-Signature': sign(SECRET, body) });
  assert.equal(status, 401);
  assert.equal(json.code, 'signature_mismatch');
});

test('an unsigned request is rejected', async () => {
  const { status, json } = await post(fixture('01_flag_updated_env_default.json'));
  assert.equal(status, 401);
  assert.equal(json.code, 'missing_signature');
});

test('a signed body that is not a payload is a 400, and GET is a 405', async () => {
  const body = '{"hello": "world"}';
  const { status, json } = await post(body, { 'X-Flagsmith-Signature': sign(SECRET, body) });
  assert.equal(status, 400);
  assert.equal(json.code, 'invalid_payload');
  assert.equal((await fetch(url)).status, 405);
});
