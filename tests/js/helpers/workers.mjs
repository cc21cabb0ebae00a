// Bundles a Worker with wrangler's own bundler (which resolves 'flagsmith-webhooks' through the
// package's exports map, `workerd` condition, as a deployment would) and runs it under real
// workerd (Miniflare) on 127.0.0.1. Used by the Worker tests and the workerd benchmark.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Miniflare } from 'miniflare';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const cleanups = [];

/** Bundles a Worker with wrangler and starts it under workerd; resolves to its URL. */
export async function startWorker(config, bindings, options = {}) {
  return (await startWorkerInstance(config, bindings, options)).url;
}

/**
 * Like startWorker, and resolves to `{ url, mf }`, the Miniflare instance, for tests that read
 * its KV namespaces or run its queues (`options.miniflare` adds Miniflare options).
 */
export async function startWorkerInstance(config, bindings, options = {}) {
  const outdir = bundleWorker(config);
  const { url, stop, mf } = await startBundledWorker(outdir, bindings, options);
  cleanups.push(async () => {
    await stop();
    rmSync(outdir, { recursive: true, force: true });
  });
  return { url, mf };
}

/** Bundles a Worker with wrangler into a new temporary directory, which it returns. */
export function bundleWorker(config) {
  const outdir = mkdtempSync(join(tmpdir(), 'fw-worker-'));
  execFileSync(join(root, 'node_modules/.bin/wrangler'), ['deploy', '--dry-run', '--outdir', outdir, '--config', isAbsolute(config) ? config : join(root, config)], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: 'true', CLOUDFLARE_CF_FETCH_ENABLED: 'false' },
  });
  return outdir;
}

/**
 * Starts a fresh workerd on a bundle from bundleWorker: `{ url, stop }`. The benchmark starts
 * one per cold-start sample; the caller stops it (stopWorkers does not know it).
 */
export async function startBundledWorker(outdir, bindings, { compatibilityFlags = [], miniflare = {} } = {}) {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(outdir, 'index.js'),
    modulesRoot: outdir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-01-01',
    compatibilityFlags,
    bindings,
    host: '127.0.0.1',
    port: 0,
    cf: false,
    ...miniflare,
  });
  const url = await mf.ready.catch(async (error) => {
    await mf.dispose();
    throw error;
  });
  assert.equal(url.hostname, '127.0.0.1');
  return { url: url.origin, stop: () => mf.dispose(), mf };
}

/** Stops every Worker started so far. */
export async function stopWorkers() {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}
