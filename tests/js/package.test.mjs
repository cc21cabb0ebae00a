// The package as shipped: the .wasm within its budget, and nothing pulled in at install time.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';

const BUDGET_GZIP = 64 * 1024;

test(`the .wasm is at most ${BUDGET_GZIP} bytes gzip -9`, () => {
  const pkg = dirname(createRequire(import.meta.url).resolve('flagsmith-webhooks/package.json'));
  const wasm = readFileSync(join(pkg, 'dist/flagsmith_webhooks_bg.wasm'));
  // GNU gzip, as the budget is stated (Node's zlib at level 9 writes about 1% more).
  const gzip = execFileSync('gzip', ['-9c'], { input: wasm, maxBuffer: 1 << 24 }).length;
  console.log(`flagsmith_webhooks_bg.wasm: ${wasm.length} bytes, ${gzip} gzip -9 (budget ${BUDGET_GZIP})`);
  assert.ok(gzip <= BUDGET_GZIP, `${gzip} bytes gzipped is over the budget of ${BUDGET_GZIP}`);
});

test('the npm package has no runtime dependencies', () => {
  const pkg = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('flagsmith-webhooks/package.json'), 'utf8'));
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) {
    assert.deepEqual(Object.keys(pkg[field] ?? {}), [], field);
  }
  assert.equal(pkg.scripts?.install ?? pkg.scripts?.postinstall ?? pkg.scripts?.preinstall, undefined, 'no install scripts');
});
