// Edge runtimes whose bundlers turn a `.wasm?module` import into a compiled WebAssembly.Module
// (Next.js's edge runtime, with Turbopack or webpack, and Vercel's: the `edge-light`
// condition). Like workerd, they cannot compile wasm from bytes at run time, and a fetch of the
// .wasm next to the glue fails there, so the module is imported.
import wasmModule from './dist/flagsmith_webhooks_bg.wasm?module';
import { initSync as initGlueSync } from './dist/flagsmith_webhooks.js';
import { sameRealm } from './lib/realm.js';
import { fullModule } from './lib/state.js';

// `next build` evaluates edge routes without the .wasm the runtime injects: the import must not
// fail the build there. Calls that need the module then throw `not_initialised` with the reason,
// and receivers created at module scope answer it per request (see core.js).
try {
  initGlueSync({ module: sameRealm(wasmModule) });
  fullModule.markReady();
} catch (error) {
  fullModule.markUnavailable(error?.message ?? error);
}

export * from './lib/index.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
