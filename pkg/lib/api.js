// The JavaScript API, the same in every runtime. The entry files (node, workerd, browser)
// only initialise the wasm module their own way and re-export this. The Verifier's verifying
// half is verifying.js, shared with flagsmith-webhooks/verify; this file adds what parses.
//
// Nothing here re-implements policy: signature leniency, diagnosis and payload validation
// all live in the Rust core, so every runtime gives the same answers by construction.

import * as glue from '../dist/flagsmith_webhooks.js';
import { FlagsmithWebhookError, isVerifierLike } from './errors.js';
import { bodyInput, fromWasm } from './inputs.js';
import { bodyTooLarge, maxBodyBytesOf } from './limits.js';
import { Scratch } from './scratch.js';
import { VerifyingVerifier, internals, oneShots } from './verifying.js';
import { isKnownType } from './events.js';
import { toFlagsmithJson } from './model.js';
import { fullModule } from './state.js';

export { FlagsmithWebhookError } from './errors.js';
export { KNOWN_EVENT_TYPES } from './events.js';
export { DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_LIMIT } from './limits.js';
export { SIGNATURE_HEADER } from './inputs.js';

/**
 * The HTTP status a receiver answers `code` with, from the core's one status table
 * (src/error.rs). Without the module there is no table, and no request can be handled: 500,
 * which is also what the table says for `not_initialised`.
 */
export function httpStatusOf(code) {
  return fullModule.isReady() ? glue.httpStatusOf(code) : 500;
}

const decoder = new TextDecoder();

/** The full module, as the shared Verifier (verifying.js) and `parse` use it. */
let wasmMemory;
const binding = {
  ready: () => fullModule.ensureReady(),
  scratch: new Scratch(glue.scratch, () => (wasmMemory ??= glue.initSync().memory)),
  key: (count, length) => new glue.Verifier(count, length),
};

function materialise(body) {
  return JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
}

/**
 * Verifies webhooks against one or more secrets (the first is the current one; the others are
 * accepted while you rotate), and parses what they sign. Each secret is keyed once, so reuse
 * one Verifier per process. `options.maxBodyBytes` (default DEFAULT_MAX_BODY_BYTES) limits the
 * bodies it takes; each method can override it for one call.
 */
export class Verifier extends VerifyingVerifier {
  constructor(secrets, options) {
    super(secrets, options, binding);
  }

  /** Checks the signature, then parses; throws FlagsmithWebhookError with a `code`. */
  verifyAndParse(body, signature, options) {
    const limit = this[internals.limitOf](options);
    const input = bodyInput(body, limit);
    this[internals.staged](glue.Verifier.prototype.verifyAndValidateScratch, input, limit, signature);
    return materialise(input);
  }

  /**
   * Checks the signature and, when it matches, hands over the body whatever its shape, as long
   * as it is a JSON object: `{ event, body, conforming, deviations, deliveryKey, secretIndex }`
   * (`body`: the body as text).
   * A body that does not fit the model is kept whole (`conforming: false`, `deviations:
   * [{ path, expected, found }]`). Throws the signature errors, `invalid_json`, `invalid_payload`
   * for JSON that is not an object, and `body_too_large`. What the receivers use: rejecting an
   * authentic delivery would lose it, since Flagsmith never retries a 4xx.
   */
  verifyDelivery(body, signature, options) {
    const limit = this[internals.limitOf](options);
    const input = bodyInput(body, limit);
    const answer = this[internals.staged](glue.Verifier.prototype.deliverScratch, input, limit, signature);
    const first = answer.indexOf('\n');
    const second = answer.indexOf('\n', first + 1);
    const deviations = answer.length > second + 1 ? JSON.parse(answer.slice(second + 1)) : [];
    // Decoded once: the event is parsed from it, and receivers keep it as the delivery's body.
    const text = typeof input === 'string' ? input : decoder.decode(input);
    const event = JSON.parse(text);
    if (deviations.length > 0) markNonConforming(event, deviations);
    return {
      event,
      body: text,
      conforming: deviations.length === 0,
      deviations,
      deliveryKey: answer.slice(first + 1, second),
      secretIndex: Number(answer.slice(0, first)),
    };
  }

  /**
   * verifyAndParse, plus the delivery's key from the same pass over the body: `{ event,
   * deliveryKey }`.
   */
  verifyAndParseWithKey(body, signature, options) {
    const limit = this[internals.limitOf](options);
    const input = bodyInput(body, limit);
    const deliveryKey = this[internals.staged](glue.Verifier.prototype.verifyAndValidateWithKeyScratch, input, limit, signature);
    return { event: materialise(input), deliveryKey };
  }
}

const { withVerifier, sign, verify } = oneShots(Verifier, isVerifierLike);
export { sign, verify };

/** Checks the signature, then parses; throws FlagsmithWebhookError with a `code`. */
export function verifyAndParse(secrets, body, signature, options) {
  return withVerifier(secrets, (verifier) => verifier.verifyAndParse(body, signature, options));
}

/** Verifier.verifyDelivery with one-shot secrets: the tolerant check the receivers use. */
export function verifyDelivery(secrets, body, signature, options) {
  return withVerifier(secrets, (verifier) => verifier.verifyDelivery(body, signature, options));
}

// Non-conforming events carry their deviations under a symbol shared through the global
// registry, so that both of Node's copies of the package (import and require) recognise them.
const DEVIATIONS = Symbol.for('flagsmith-webhooks.deviations');

function markNonConforming(event, deviations) {
  if (event !== null && typeof event === 'object') {
    Object.defineProperty(event, DEVIATIONS, { value: deviations, enumerable: false });
  }
}

/**
 * True unless `event` came from a receiver or verifyDelivery with deviations from the model:
 * then its shape is not what the TypeScript types of its event_type say.
 */
export function isConforming(event) {
  return event === null || typeof event !== 'object' || !Object.hasOwn(event, DEVIATIONS);
}

/** The deviations of a non-conforming event (`[]` for a conforming one). */
export function deviationsOf(event) {
  return (event !== null && typeof event === 'object' && event[DEVIATIONS]) || [];
}

/**
 * Parses a webhook body WITHOUT checking its signature (use verifyAndParse on untrusted
 * input). Throws FlagsmithWebhookError `invalid_json`, `invalid_payload`, or `body_too_large`
 * over `maxBodyBytes` (default 1 MiB).
 */
export function parse(body, options) {
  fullModule.ensureReady();
  const limit = maxBodyBytesOf(options);
  const input = bodyInput(body, limit);
  try {
    const length = binding.scratch.body(input, limit);
    if (length === -1) throw bodyTooLarge(limit);
    glue.validateScratch(length);
  } catch (error) {
    throw fromWasm(error);
  }
  return materialise(input);
}

/**
 * The size of the WebAssembly memory the package uses, in bytes: for monitoring. It grows to fit
 * the largest body handled and then stays flat (wasm memory never shrinks).
 */
export function wasmMemoryBytes() {
  fullModule.ensureReady();
  return binding.scratch.bytes().byteLength;
}

/** True for the event types this version models (KNOWN_EVENT_TYPES), when the event fits the model. */
export function isKnownEvent(event) {
  return isKnownType(event?.event_type) && isConforming(event);
}

/** True for an identity integration body (no envelope, no event_type). */
export function isIdentityPayload(event) {
  return event != null && event.event_type === undefined && typeof event.identity === 'string';
}

export { describe, diff, toFlagsmithJson } from './model.js';

/** Serializes an event in Flagsmith's wire format and signs it: `{ body, signature }`. */
export function signEvent(secret, event) {
  const body = toFlagsmithJson(event);
  return { body, signature: sign(secret, body) };
}
