// `flagsmith-webhooks/verify` in edge runtimes whose bundlers turn a `.wasm?module` import into
// a compiled WebAssembly.Module (Next.js's edge runtime, Vercel's): as ../edge-light.js.
import wasmModule from '../dist/flagsmith_webhooks_verify.wasm?module';
import { sameRealm } from '../lib/realm.js';
import { verifyModule } from '../lib/state.js';
import { instantiate } from '../lib/verify-binding.js';

// `next build` evaluates edge routes without the .wasm the runtime injects: the import must not
// fail the build there; calls then throw `not_initialised` with the reason.
try {
  instantiate(sameRealm(wasmModule));
} catch (error) {
  verifyModule.markUnavailable(error?.message ?? error);
}

export * from '../lib/verify.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
