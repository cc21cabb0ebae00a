// The package as shipped: the .wasm within its budget, and nothing pulled in at install time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import { installPacked, packInto } from './helpers/pack.mjs';

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

const root = new URL('../../', import.meta.url).pathname;

/** An npm pack tarball of the package, in a fresh folder. */
function pack() {
  const dir = mkdtempSync(join(tmpdir(), 'fw-pack-'));
  return { dir, tarball: packInto(dir) };
}

test('Cargo.toml and pkg/package.json carry the same version, and CHANGELOG.md has an Unreleased section', () => {
  const cargo = /^version = "([^"]+)"/m.exec(readFileSync(join(root, 'Cargo.toml'), 'utf8'))[1];
  const npm = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8')).version;
  assert.equal(npm, cargo);
  assert.match(readFileSync(join(root, 'CHANGELOG.md'), 'utf8'), /^## Unreleased$/m);
});

test('publint and @arethetypeswrong/cli find no problems in the packed tarball', () => {
  const { dir, tarball } = pack();
  try {
    const publint = execFileSync(join(root, 'node_modules/.bin/publint'), ['run', join(root, 'pkg'), '--strict'], { encoding: 'utf8' });
    assert.match(publint, /All good!/);
    // attw exits non-zero when it finds a problem.
    const attw = execFileSync(join(root, 'node_modules/.bin/attw'), [tarball, '--no-definitely-typed', '--format', 'ascii'], { encoding: 'utf8' });
    assert.match(attw, /No problems found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TypeScript consumers type-check under node16, nodenext and bundler resolution, ESM and CJS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fw-ts-'));
  try {
    installPacked(dir);
    const source = `import { Verifier, parse, createHandler, type WebhookEvent } from 'flagsmith-webhooks';
const event: WebhookEvent = parse('{}');
if (event.event_type === 'FLAG_UPDATED') { const name: string = event.data.new_state.feature.name; }
const ok: boolean = new Verifier('s').verify('{}', null);
createHandler({ secret: 's' });
`;
    const cases = [
      ['node16', 'esm', 'node16'],
      ['node16', 'cjs', 'node16'],
      ['nodenext', 'esm', 'nodenext'],
      ['nodenext', 'cjs', 'nodenext'],
      ['bundler', 'esm', 'esnext'],
    ];
    for (const [resolution, kind, module] of cases) {
      const folder = join(dir, `${resolution}-${kind}`);
      mkdirSync(folder);
      writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: kind === 'esm' ? 'module' : 'commonjs' }));
      writeFileSync(join(folder, kind === 'esm' ? 'index.mts' : 'index.cts'), source);
      writeFileSync(join(folder, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module, moduleResolution: resolution, target: 'es2022', strict: true, noEmit: true, lib: ['es2022', 'dom'], types: [] }, include: ['*.mts', '*.cts'] }));
      execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', folder], { stdio: 'pipe' });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
