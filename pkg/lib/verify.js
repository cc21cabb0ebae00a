// `flagsmith-webhooks/verify`: verifying and signing alone, over the verify-only module, for
// code whose cold start counts (a serverless function that only checks signatures). The same
// Verifier as the full package's, without the methods that parse. The entry files
// (verify-node.js, pkg/verify/*.js) load the module their own way and re-export this.

import { binding } from './verify-binding.js';
import { VerifyingVerifier, oneShots } from './verifying.js';

export { FlagsmithWebhookError } from './errors.js';
export { SIGNATURE_HEADER } from './inputs.js';
export { DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_LIMIT } from './limits.js';

/**
 * Verifies webhooks against one or more secrets (the first is the current one; the others are
 * accepted while you rotate), and signs bodies. Each secret is keyed once, so reuse one
 * Verifier per process. `options.maxBodyBytes` (default DEFAULT_MAX_BODY_BYTES) limits the
 * bodies it takes; each method can override it for one call.
 */
export class Verifier extends VerifyingVerifier {
  constructor(secrets, options) {
    super(secrets, options, binding);
  }
}

/** A Verifier of either entry, passed where secrets go. */
const isVerifier = (value) => typeof value === 'object' && typeof value?.match === 'function' && typeof value?.sign === 'function';

const { sign, verify } = oneShots(Verifier, isVerifier);
export { sign, verify };

/**
 * The size of the verify-only module's WebAssembly memory, in bytes: for monitoring. It grows
 * to fit the largest body handled and then stays flat (wasm memory never shrinks).
 */
export function wasmMemoryBytes() {
  binding.ready();
  return binding.scratch.bytes().byteLength;
}
