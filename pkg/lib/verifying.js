// The part of Verifier that verifies and signs, over either wasm module: the full API's
// Verifier (api.js) extends it with the methods that parse, and `flagsmith-webhooks/verify`
// (verify.js) exports it over the verify-only module. One class, so that both answer every
// input alike (tests/js/verify-entry.test.mjs holds them to it).
//
// A binding is what an entry gives it: `{ ready(), scratch, key(count, length) }`. `ready()`
// throws `not_initialised` until the module is loaded; `scratch` is the module's Scratch
// (scratch.js); `key` keys the secrets staged there and returns the keyed verifier, with
// `matchScratch(headerLength, bodyLength)`, `matchTagScratch(bodyLength)`,
// `signScratch(bodyLength)` and `free()`, or throws the core's error text.

import { FlagsmithWebhookError } from './errors.js';
import { bodyInput, bodyView, fromWasm, secretInput, signatureInput } from './inputs.js';
import { bodyTooLarge, isOverLimit, maxBodyBytesOf } from './limits.js';
import { NOT_PLAIN_HEX } from './scratch.js';

/**
 * What the full API's Verifier reaches of this class: module-private names, which the package
 * does not export.
 */
export const internals = { staged: Symbol('staged'), limitOf: Symbol('limitOf') };

/**
 * Verifies webhooks against one or more secrets (the first is the current one; the others are
 * accepted while you rotate). Each secret is keyed once, so reuse one Verifier per process.
 * `options.maxBodyBytes` (default DEFAULT_MAX_BODY_BYTES) limits the bodies it takes; each
 * method can override it for one call.
 */
export class VerifyingVerifier {
  #binding;
  #keyed;
  #count;
  #limit;

  constructor(secrets, options, binding) {
    binding.ready();
    this.#binding = binding;
    this.#limit = maxBodyBytesOf(options);
    const parts = (Array.isArray(secrets) ? secrets : [secrets]).map(secretInput);
    // Staged straight into wasm memory (no copy in JavaScript), which the module zeroes once keyed.
    try {
      this.#keyed = binding.key(parts.length, binding.scratch.secrets(parts));
    } catch (error) {
      throw fromWasm(error);
    }
    this.#count = parts.length;
  }

  /** The body limit of one call: its own option, else the verifier's. */
  [internals.limitOf](options) {
    return options === undefined ? this.#limit : maxBodyBytesOf(options);
  }

  #live() {
    if (this.#keyed === undefined) {
      throw new FlagsmithWebhookError('verifier_freed', 'this Verifier was freed with free(); create a new one.');
    }
    return this.#keyed;
  }

  /**
   * Stages the header and `input` and runs the keyed verifier's `operation` on them (the full
   * module's `verifyAndValidateScratch` and the like), with its errors as FlagsmithWebhookErrors.
   */
  [internals.staged](operation, input, limit, signature) {
    const keyed = this.#live();
    const scratch = this.#binding.scratch;
    try {
      const length = scratch.stage(signatureInput(signature), input, limit);
      if (length === -1) throw bodyTooLarge(limit);
      return operation.call(keyed, scratch.headerLength, length);
    } catch (error) {
      throw fromWasm(error);
    }
  }

  /**
   * Index of the secret that signed `body`, or -1 (never throws for a bad signature, nor for a
   * body over the limit, which cannot be verified).
   */
  match(body, signature, options) {
    const limit = this[internals.limitOf](options);
    const input = bodyView(body);
    if (isOverLimit(input, limit)) return -1;
    const keyed = this.#live();
    const scratch = this.#binding.scratch;
    if (typeof signature === 'string' && signature.length === 64) {
      const length = scratch.tag(signature, input, limit);
      // A string over the limit was found while encoding it: no second pass to learn it again.
      if (length !== NOT_PLAIN_HEX) return length === -1 ? -1 : keyed.matchTagScratch(length);
    }
    const length = scratch.stage(signatureInput(signature), input, limit);
    return length === -1 ? -1 : keyed.matchScratch(scratch.headerLength, length);
  }

  /** True when `signature` matches `body` under any secret (never throws for a bad signature). */
  verify(body, signature, options) {
    return this.match(body, signature, options) !== -1;
  }

  /** Signs `body` with the first secret: 64 lowercase hex characters. */
  sign(body, options) {
    const limit = this[internals.limitOf](options);
    const input = bodyInput(body, limit);
    const keyed = this.#live();
    const length = this.#binding.scratch.body(input, limit);
    if (length === -1) throw bodyTooLarge(limit);
    return keyed.signScratch(length);
  }

  /**
   * Releases the keyed secrets' wasm memory now (zeroed) instead of whenever the garbage
   * collector gets to it. The verifier cannot be used afterwards.
   */
  free() {
    this.#keyed?.free();
    this.#keyed = undefined;
  }

  /** How many secrets this verifier holds. */
  get size() {
    return this.#count;
  }

  /** Never shows the secrets. */
  toString() {
    return `Verifier { secrets: ${this.#count} }`;
  }

  toJSON() {
    return { secrets: this.#count };
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return this.toString();
  }
}

/**
 * The one-shot `sign` and `verify` over `VerifierClass`, and `withVerifier` for an entry's other
 * one-shot functions. `isVerifier` tells a Verifier passed in place of secrets.
 *
 * They reuse the Verifier of the last single string secret they saw, so that
 * `verify(process.env.SECRET, …)` per request keys the HMAC once and costs one comparison.
 * Only a single secret is cached: a key built from a list could be forged by one secret that
 * contains the separator, and code that rotates secrets should hold a Verifier anyway. Every
 * other verifier they build is freed before they return, and a replaced cached one when it is
 * replaced, so wasm memory stays flat whatever secrets they are given (the garbage collector
 * alone would free them too late: a synchronous loop never gives it the chance).
 */
export function oneShots(VerifierClass, isVerifier) {
  let cachedSecret;
  let cachedVerifier;

  function withVerifier(secrets, use) {
    if (isVerifier(secrets)) return use(secrets);
    const single = typeof secrets === 'string' ? secrets : Array.isArray(secrets) && secrets.length === 1 && typeof secrets[0] === 'string' ? secrets[0] : undefined;
    if (single !== undefined && single === cachedSecret) return use(cachedVerifier);
    const verifier = new VerifierClass(secrets);
    if (single === undefined) {
      try {
        return use(verifier);
      } finally {
        verifier.free();
      }
    }
    cachedVerifier?.free();
    cachedSecret = single;
    cachedVerifier = verifier;
    return use(verifier);
  }

  return {
    withVerifier,
    /** HMAC-SHA256 of the body's bytes, as Flagsmith computes it: 64 lowercase hex characters. */
    sign(secret, body, options) {
      return withVerifier(secret, (verifier) => verifier.sign(body, options));
    },
    /**
     * True when the signature header's value matches the body under the secret (or any of the
     * secrets). Never throws for a bad, malformed or missing signature, nor for a body over
     * `maxBodyBytes` (default 1 MiB), which is false; throws only for a missing secret, a body
     * that is not bytes or text, or invalid options.
     */
    verify(secrets, body, signature, options) {
      return withVerifier(secrets, (verifier) => verifier.verify(body, signature, options));
    },
  };
}
