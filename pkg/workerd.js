// Cloudflare Workers (workerd): a .wasm import is a compiled WebAssembly.Module there, and the
// runtime cannot compile wasm from bytes at run time, so the module is imported, not fetched.
import wasmModule from './dist/flagsmith_webhooks_bg.wasm';
import { initSync as initGlueSync } from './dist/flagsmith_webhooks.js';
import { fullModule } from './lib/state.js';

initGlueSync({ module: wasmModule });
fullModule.markReady();

export * from './lib/index.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
