// Browsers: fetching and compiling the .wasm is asynchronous, so call `await init()` once
// before anything else (or `initSync(moduleOrBytes)` if you already have the module).
import initGlue, { initSync as initGlueSync } from './dist/flagsmith_webhooks.js';
import { isReady, markReady } from './lib/state.js';

export * from './lib/index.js';

/**
 * Loads the module. With no argument it fetches `dist/flagsmith_webhooks_bg.wasm` next to this
 * file; pass a URL, Response, bytes or WebAssembly.Module to load it from elsewhere.
 */
export async function init(moduleOrPath) {
  if (isReady()) return;
  await initGlue(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
  markReady();
}

/** Synchronous initialisation from bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  if (isReady()) return;
  initGlueSync({ module });
  markReady();
}

export default init;
