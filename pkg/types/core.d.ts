// Signing, verifying and parsing: the inputs they take, the errors they throw, the Verifier,
// and the WebAssembly module's initialisation.

import type { WebhookEvent } from './model.js';
import type { VerifiedDelivery } from './receivers.js';

/** The header Flagsmith sends the signature in (look it up case-insensitively). */
export declare const SIGNATURE_HEADER: 'X-Flagsmith-Signature';

/** Raw bytes or text of a request body, used as bytes without decoding and re-encoding. */
export type BodyInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * A secret: text (used as its UTF-8 bytes) or bytes. `undefined` is allowed by the types so that
 * `process.env.FLAGSMITH_WEBHOOK_SECRET` can be passed as it is under `--strict`: an unset
 * variable is refused at run time with `invalid_secret`, whose message says to check it.
 */
export type SecretInput = string | Uint8Array | undefined;

/**
 * The header's value: a string, `null`/`undefined` when absent, or several values (a repeated
 * header, e.g. Node's `req.headersDistinct`); a comma-joined string is split the same way.
 */
export type SignatureInput = string | readonly string[] | null | undefined;

/** Every `code` a FlagsmithWebhookError can carry. */
export type ErrorCode =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'invalid_payload'
  | 'invalid_secret'
  | 'invalid_body'
  | 'invalid_option'
  | 'not_initialised'
  | 'verifier_freed'
  | 'body_too_large'
  // from the receivers:
  | 'delivery_too_old'
  | 'delivery_from_the_future'
  | 'delivery_undated'
  | 'body_already_parsed'
  | 'method_not_allowed'
  | 'handler_failed'
  | 'not_found';

/** For `signature_mismatch`, what the library could see was the likely cause. */
export type MismatchHint =
  | 'secret_whitespace'
  | 'trailing_whitespace'
  | 'pretty_printed'
  | 'raw_non_ascii'
  | 'compact_separators'
  | 'empty_body'
  | 'wrong_secret_or_altered_body';

/** Thrown for anything that makes a webhook unusable. Messages never contain the secret. */
export declare class FlagsmithWebhookError extends Error {
  readonly name: 'FlagsmithWebhookError';
  /** Stable, for programs: branch on this, not on the message. */
  readonly code: ErrorCode;
  /** Set for `signature_mismatch`. */
  readonly hint?: MismatchHint;
  /** For `handler_failed`: what the handler threw (or why the request could not be read). */
  readonly cause?: unknown;
}

/**
 * Per-call options of every function that takes a body. `maxBodyBytes`: the largest body
 * accepted, in bytes (UTF-8 bytes for a string): a positive whole number up to
 * MAX_BODY_BYTES_LIMIT, default DEFAULT_MAX_BODY_BYTES (1 MiB). Anything else throws
 * `invalid_option`; a larger body throws `body_too_large` (verify and match return false/-1).
 */
export interface BodyOptions {
  maxBodyBytes?: number;
}

/** The default body limit of every function and receiver: 1 MiB (1,048,576 bytes). */
export declare const DEFAULT_MAX_BODY_BYTES: number;
/** The largest `maxBodyBytes` accepted: 256 MiB (a larger body could exhaust wasm memory). */
export declare const MAX_BODY_BYTES_LIMIT: number;

/** HMAC-SHA256 of the body's bytes under the secret: 64 lowercase hex characters. */
export declare function sign(secret: SecretInput, body: BodyInput, options?: BodyOptions): string;

/**
 * Constant-time check of the signature header against the body, under the secret or any of
 * the secrets. Never throws for a bad, malformed or missing signature (it returns false);
 * throws `invalid_secret` or `invalid_body` for programming errors.
 */
export declare function verify(
  secrets: SecretInput | readonly SecretInput[],
  body: BodyInput,
  signature: SignatureInput,
  options?: BodyOptions,
): boolean;

/** Checks the signature, then parses. Throws FlagsmithWebhookError with a `code`. */
export declare function verifyAndParse(
  secrets: SecretInput | readonly SecretInput[],
  body: BodyInput,
  signature: SignatureInput,
  options?: BodyOptions,
): WebhookEvent;

/**
 * Parses a body WITHOUT checking its signature (use verifyAndParse on untrusted input).
 * Throws `invalid_json` (with line and column) or `invalid_payload` (with the JSON path).
 */
export declare function parse(body: BodyInput, options?: BodyOptions): WebhookEvent;

/**
 * Verifies against one or more secrets, each keyed once: the first is the current one (used
 * by `sign`), the others are accepted while you rotate. Reuse one per process.
 */
export declare class Verifier {
  /** `options.maxBodyBytes` is the default of every call on this verifier. */
  constructor(secrets: SecretInput | readonly SecretInput[], options?: BodyOptions);
  /** True when the signature matches under any secret. Never throws for a bad signature. */
  verify(body: BodyInput, signature: SignatureInput, options?: BodyOptions): boolean;
  /** Index of the secret that matched, or -1. */
  match(body: BodyInput, signature: SignatureInput, options?: BodyOptions): number;
  /** Checks the signature, then parses. Throws FlagsmithWebhookError with a `code`. */
  verifyAndParse(body: BodyInput, signature: SignatureInput, options?: BodyOptions): WebhookEvent;
  /** Signs with the first secret. */
  sign(body: BodyInput, options?: BodyOptions): string;
  /** See the function verifyDelivery: the tolerant check the receivers use. */
  verifyDelivery(body: BodyInput, signature: SignatureInput, options?: BodyOptions): VerifiedDelivery;
  /** verifyAndParse, and the delivery key from the same pass over the body. */
  verifyAndParseWithKey(body: BodyInput, signature: SignatureInput, options?: BodyOptions): { event: WebhookEvent; deliveryKey: string };
  /** Releases (and zeroes) the keyed secrets' wasm memory now; the verifier is unusable after. */
  free(): void;
  /** How many secrets it holds. */
  readonly size: number;
}

/**
 * Browsers: loads the module (fetching the .wasm next to the package's glue, or from what you
 * pass). Call once before anything else. In Node and Workers it is a no-op.
 */
export declare function init(
  moduleOrPath?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
/** Synchronous initialisation from bytes or a compiled module. In Node and Workers a no-op. */
export declare function initSync(module?: BufferSource | WebAssembly.Module): void;
export default init;

/** The WebAssembly memory the package uses, in bytes (monitoring: grows to the largest body, then stays flat). */
export declare function wasmMemoryBytes(): number;
