// The JavaScript API, the same in every runtime. The entry files (node, workerd, browser)
// only initialise the wasm module their own way and re-export this.
//
// Nothing here re-implements policy: signature leniency, diagnosis and payload validation
// all live in the Rust core, so every runtime gives the same answers by construction.

import * as glue from '../dist/flagsmith_webhooks.js';
import { toFlagsmithJson } from './model.js';
import { isReady } from './state.js';

/** The header Flagsmith sends the signature in (look it up case-insensitively). */
export const SIGNATURE_HEADER = 'X-Flagsmith-Signature';

const BRAND = Symbol.for('flagsmith-webhooks.FlagsmithWebhookError');

/** Error thrown for anything that makes a webhook unusable; `code` is stable. */
export class FlagsmithWebhookError extends Error {
  constructor(code, message, hint) {
    super(message);
    this.name = 'FlagsmithWebhookError';
    this.code = code;
    if (hint) this.hint = hint;
  }

  get [BRAND]() {
    return true;
  }

  /**
   * Node loads the package once for import and once for require; a brand shared through the
   * global symbol registry keeps `instanceof` true across both copies.
   */
  static [Symbol.hasInstance](value) {
    return value !== null && typeof value === 'object' && value[BRAND] === true;
  }
}

function ensureReady() {
  if (!isReady()) {
    throw new FlagsmithWebhookError(
      'not_initialised',
      'the WebAssembly module is not initialised yet: in a browser, `await init()` once ' +
        "(import init from 'flagsmith-webhooks') before calling sign, verify or parse.",
    );
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function fromWasm(error) {
  if (typeof error !== 'string') return error;
  const first = error.indexOf('\n');
  const second = error.indexOf('\n', first + 1);
  return new FlagsmithWebhookError(
    error.slice(0, first),
    error.slice(second + 1),
    error.slice(first + 1, second) || undefined,
  );
}

function describeType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}

function secretBytes(secret, index) {
  let bytes;
  if (typeof secret === 'string') bytes = encoder.encode(secret);
  else if (secret instanceof Uint8Array) bytes = secret;
  else if (secret instanceof ArrayBuffer) bytes = new Uint8Array(secret);
  else {
    throw new FlagsmithWebhookError(
      'invalid_secret',
      `invalid secret: expected a string or a Uint8Array, got ${describeType(secret)}. Pass the ` +
        'secret configured on the webhook in Flagsmith (check that the environment variable holding it is set).',
    );
  }
  if (bytes.length === 0) {
    throw new FlagsmithWebhookError(
      'invalid_secret',
      `invalid secret: secret number ${index + 1} is empty. Pass the secret configured on the webhook ` +
        'in Flagsmith (check that the environment variable holding it is set).',
    );
  }
  return bytes;
}

/**
 * The body as the core takes it: a string (encoded once, straight into wasm memory) or a
 * Uint8Array view of the caller's bytes. Never decodes and re-encodes.
 */
function bodyInput(body) {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  let reason;
  if (body === undefined || body === null) {
    reason = `the body is ${body}: read the raw request body first (await request.arrayBuffer(), or collect the chunks of a Node request).`;
  } else if (typeof body === 'object') {
    reason =
      `the body is ${describeType(body)}, which means a JSON body parser already parsed it and the raw bytes ` +
      'the signature covers are gone. Pass the raw body instead: in Express mount ' +
      "express.raw({ type: 'application/json' }) on this route (before any express.json()), in Fastify or " +
      'Next.js read the raw body (rawBody), in a Fetch handler use await request.arrayBuffer(). ' +
      'Re-serialising with JSON.stringify never reproduces the signed bytes.';
  } else {
    reason = `expected a string, Uint8Array, Buffer or ArrayBuffer, got ${describeType(body)}.`;
  }
  throw new FlagsmithWebhookError('invalid_body', `invalid body: ${reason}`);
}

/** Header value(s) as one string; a repeated header's values are comma-joined, as Fetch does. */
function signatureInput(signature) {
  if (typeof signature === 'string') return signature;
  if (Array.isArray(signature)) return signature.filter((s) => typeof s === 'string').join(',');
  return '';
}

function materialise(body) {
  return JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
}

/**
 * Verifies webhooks against one or more secrets (the first is the current one; the others are
 * accepted while you rotate). Each secret is keyed once, so reuse one Verifier per process.
 */
export class Verifier {
  #inner;
  #count;

  constructor(secrets) {
    ensureReady();
    const list = Array.isArray(secrets) ? secrets : [secrets];
    if (list.length === 0) {
      throw new FlagsmithWebhookError(
        'invalid_secret',
        'invalid secret: no secret was given. Pass the secret configured on the webhook in Flagsmith.',
      );
    }
    const parts = list.map(secretBytes);
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    try {
      this.#inner = new glue.Verifier(joined, Uint32Array.from(parts, (part) => part.length));
    } catch (error) {
      throw fromWasm(error);
    }
    this.#count = parts.length;
  }

  /** Index of the secret that signed `body`, or -1 (never throws for a bad signature). */
  match(body, signature) {
    const input = bodyInput(body);
    const header = signatureInput(signature);
    return typeof input === 'string' ? this.#inner.matchText(input, header) : this.#inner.matchBytes(input, header);
  }

  /** True when `signature` matches `body` under any secret (never throws for a bad signature). */
  verify(body, signature) {
    return this.match(body, signature) !== -1;
  }

  /** Checks the signature, then parses; throws FlagsmithWebhookError with a `code`. */
  verifyAndParse(body, signature) {
    const input = bodyInput(body);
    const header = signatureInput(signature);
    try {
      if (typeof input === 'string') this.#inner.checkText(input, header);
      else this.#inner.checkBytes(input, header);
    } catch (error) {
      throw fromWasm(error);
    }
    return materialise(input);
  }

  /** Signs `body` with the first secret: 64 lowercase hex characters. */
  sign(body) {
    const input = bodyInput(body);
    return typeof input === 'string' ? this.#inner.signText(input) : this.#inner.signBytes(input);
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

// The one-shot functions reuse the Verifier of the last single string secret they saw, so that
// `verify(process.env.SECRET, …)` per request keys the HMAC once and costs one comparison.
// Only a single secret is cached: a key built from a list could be forged by one secret that
// contains the separator, and code that rotates secrets should hold a Verifier anyway.
let cachedSecret;
let cachedVerifier;

function verifierFor(secrets) {
  const single = typeof secrets === 'string' ? secrets : Array.isArray(secrets) && secrets.length === 1 && typeof secrets[0] === 'string' ? secrets[0] : undefined;
  if (single !== undefined && single === cachedSecret) return cachedVerifier;
  const verifier = new Verifier(secrets);
  if (single !== undefined) {
    cachedSecret = single;
    cachedVerifier = verifier;
  }
  return verifier;
}

/** HMAC-SHA256 of the body's bytes, as Flagsmith computes it: 64 lowercase hex characters. */
export function sign(secret, body) {
  return verifierFor(secret).sign(body);
}

/**
 * True when the signature header's value matches the body under the secret (or any of the
 * secrets). Never throws for a bad, malformed or missing signature; throws only for a missing
 * secret or a body that is not bytes or text.
 */
export function verify(secrets, body, signature) {
  return verifierFor(secrets).verify(body, signature);
}

/** Checks the signature, then parses; throws FlagsmithWebhookError with a `code`. */
export function verifyAndParse(secrets, body, signature) {
  return verifierFor(secrets).verifyAndParse(body, signature);
}

/**
 * Parses a webhook body WITHOUT checking its signature (use verifyAndParse on untrusted
 * input). Throws FlagsmithWebhookError `invalid_json` or `invalid_payload`.
 */
export function parse(body) {
  ensureReady();
  const input = bodyInput(body);
  try {
    if (typeof input === 'string') glue.validateText(input);
    else glue.validateBytes(input);
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
  ensureReady();
  return glue.initSync().memory.buffer.byteLength;
}

const KNOWN_EVENT_TYPES = new Set(['FLAG_UPDATED', 'FLAG_DELETED', 'NEW_VERSION_PUBLISHED', 'AUDIT_LOG_CREATED']);

/** True for the four event types this version models. */
export function isKnownEvent(event) {
  return KNOWN_EVENT_TYPES.has(event?.event_type);
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
