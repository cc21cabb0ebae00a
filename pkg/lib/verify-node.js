// `flagsmith-webhooks/verify` in Node (and Deno and Bun): the verify-only module compiled and
// instantiated at import. scripts/build.sh bundles this file as dist/verify.mjs and
// dist/verify.cjs with the module's bytes inlined (base64): reading the .wasm beside the bundle
// would need import.meta.url, whose first use costs an ES module about 0.15 ms, a tenth of
// this entry's cold start (bench/coldstart.mjs).
import wasmBytes from '../dist/flagsmith_webhooks_verify.wasm';
import { instantiate } from './verify-binding.js';

instantiate(new WebAssembly.Module(wasmBytes));

export * from './verify.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
