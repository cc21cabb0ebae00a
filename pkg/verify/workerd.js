// `flagsmith-webhooks/verify` in Cloudflare Workers (workerd): a .wasm import is a compiled
// WebAssembly.Module there, and the runtime cannot compile wasm from bytes at run time.
import wasmModule from '../dist/flagsmith_webhooks_verify.wasm';
import { instantiate } from '../lib/verify-binding.js';

instantiate(wasmModule);

export * from '../lib/verify.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
