// Type declarations for flagsmith-webhooks/verify: verifying and signing alone, over the
// verify-only module (for code whose cold start counts). The build writes a CommonJS twin as
// dist/verify.d.cts.

import type { BodyInput, BodyOptions, SecretInput, SignatureInput } from '../types/core.js';

export {
  DEFAULT_MAX_BODY_BYTES,
  FlagsmithWebhookError,
  MAX_BODY_BYTES_LIMIT,
  SIGNATURE_HEADER,
  init,
  initSync,
  sign,
  verify,
  wasmMemoryBytes,
} from '../types/core.js';
export type { BodyInput, BodyOptions, ErrorCode, MismatchHint, SecretInput, SignatureInput } from '../types/core.js';
export { default } from '../types/core.js';

/**
 * The full package's Verifier without the methods that parse: verifies against one or more
 * secrets, each keyed once (the first is the current one, used by `sign`; the others are
 * accepted while you rotate). Reuse one per process.
 */
export declare class Verifier {
  /** `options.maxBodyBytes` is the default of every call on this verifier. */
  constructor(secrets: SecretInput | readonly SecretInput[], options?: BodyOptions);
  /** True when the signature matches under any secret. Never throws for a bad signature. */
  verify(body: BodyInput, signature: SignatureInput, options?: BodyOptions): boolean;
  /** Index of the secret that matched, or -1. */
  match(body: BodyInput, signature: SignatureInput, options?: BodyOptions): number;
  /** Signs with the first secret. */
  sign(body: BodyInput, options?: BodyOptions): string;
  /** Releases (and zeroes) the keyed secrets' wasm memory now; the verifier is unusable after. */
  free(): void;
  /** How many secrets it holds. */
  readonly size: number;
}
