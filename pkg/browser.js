// Browsers: fetching and compiling the .wasm is asynchronous, so call `await init()` once
// before anything else (or `initSync(moduleOrBytes)` if you already have the module).
import initGlue, { initSync as initGlueSync } from './dist/flagsmith_webhooks.js';
import { fullModule } from './lib/state.js';

export * from './lib/index.js';

/**
 * Loads the module. With no argument it fetches `dist/flagsmith_webhooks_bg.wasm` next to this
 * file; pass a URL, Response, bytes or WebAssembly.Module to load it from elsewhere.
 */
export async function init(moduleOrPath) {
  if (fullModule.isReady()) return;
  await initGlue(moduleOrPath === undefined ? undefined : { module_or_path: moduleOrPath });
  fullModule.markReady();
}

/** Synchronous initialisation from bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  if (fullModule.isReady()) return;
  initGlueSync({ module });
  fullModule.markReady();
}

export default init;
