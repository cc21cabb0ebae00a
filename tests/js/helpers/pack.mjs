// The package as users get it: an `npm pack` tarball installed into a fresh project. Shared by
// the runtime matrix, the bundler and the packaging tests.
import { execFileSync } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('../../../pkg/', import.meta.url));

/** npm with a cache of its own: test files run in parallel, and npm serialises on a shared cache's lock. */
export const npmEnv = (dir) => ({ ...process.env, npm_config_cache: join(dir, '.npm-cache'), npm_config_update_notifier: 'false' });

/** Packs the package into `dir`; returns the tarball's path. */
export function packInto(dir) {
  execFileSync('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: pkg, stdio: 'pipe', env: npmEnv(dir) });
  return join(dir, readdirSync(dir).find((name) => name.endsWith('.tgz')));
}

/** Makes `dir` a project that depends on the packed package, and installs it. */
export function installPacked(dir, manifest = {}) {
  const tarball = packInto(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, ...manifest, dependencies: { 'flagsmith-webhooks': `file:${tarball}` } }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'pipe', env: npmEnv(dir) });
  return tarball;
}

/** `npm pack --dry-run --json` of the package. */
export function packListing(dir) {
  return JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: pkg, encoding: 'utf8', env: npmEnv(dir) }))[0];
}
