// `flagsmith-webhooks/verify` in browsers: fetching and compiling the .wasm is asynchronous, so
// call `await init()` once before anything else (or `initSync(module)` if you already have it).
import { instantiate, load } from '../lib/verify-binding.js';

export * from '../lib/verify.js';

/**
 * Loads the module. With no argument it fetches `dist/flagsmith_webhooks_verify.wasm` beside
 * the package's other files; pass a URL, Response, bytes or WebAssembly.Module to load it from
 * elsewhere.
 */
export async function init(moduleOrPath) {
  await load(moduleOrPath);
}

/** Synchronous initialisation from bytes or a compiled WebAssembly.Module. */
export function initSync(module) {
  instantiate(module instanceof WebAssembly.Module ? module : new WebAssembly.Module(module));
}

export default init;
