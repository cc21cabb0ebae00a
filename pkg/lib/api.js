// The JavaScript API, the same in every runtime. The entry files (node, workerd, browser)
// only initialise the wasm module their own way and re-export this.
//
// Nothing here re-implements policy: signature leniency, diagnosis and payload validation
// all live in the Rust core, so every runtime gives the same answers by construction.

import * as glue from '../dist/flagsmith_webhooks.js';
import { FlagsmithWebhookError, typeName, isVerifierLike } from './errors.js';
import { bodyTooLarge, isOverLimit, maxBodyBytesOf } from './limits.js';
import { isKnownType } from './events.js';
import { toFlagsmithJson } from './model.js';
import { isReady, unavailableReason } from './state.js';

export { FlagsmithWebhookError } from './errors.js';
export { KNOWN_EVENT_TYPES } from './events.js';
export { DEFAULT_MAX_BODY_BYTES, MAX_BODY_BYTES_LIMIT } from './limits.js';

/** The header Flagsmith sends the signature in (look it up case-insensitively). */
export const SIGNATURE_HEADER = 'X-Flagsmith-Signature';

function ensureReady() {
  if (isReady()) return;
  const reason = unavailableReason();
  if (reason !== undefined) {
    throw new FlagsmithWebhookError(
      'not_initialised',
      `the WebAssembly module could not be loaded where the package was imported (${String(reason).slice(0, 200)}). ` +
        'In Next.js this happens while `next build` evaluates an edge route, and not at run time; elsewhere, check that ' +
        'the bundler emits the .wasm file.',
    );
  }
  throw new FlagsmithWebhookError(
    'not_initialised',
    'the WebAssembly module is not initialised yet: in a browser, `await init()` once ' +
      "(import init from 'flagsmith-webhooks') before calling sign, verify or parse.",
  );
}

/**
 * The HTTP status a receiver answers `code` with, from the core's one status table
 * (src/error.rs). Without the module there is no table, and no request can be handled: 500,
 * which is also what the table says for `not_initialised`.
 */
export function httpStatusOf(code) {
  return isReady() ? glue.httpStatusOf(code) : 500;
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

function secretBytes(secret) {
  let bytes;
  if (typeof secret === 'string') bytes = encoder.encode(secret);
  else if (secret instanceof Uint8Array) bytes = secret;
  else if (secret instanceof ArrayBuffer) bytes = new Uint8Array(secret);
  else {
    throw new FlagsmithWebhookError(
      'invalid_secret',
      `invalid secret: expected a string or a Uint8Array, got ${typeName(secret)}. Pass the ` +
        'secret configured on the webhook in Flagsmith (check that the environment variable holding it is set).',
    );
  }
  // An empty secret, or none at all, is the core's to reject (with its message).
  return bytes;
}

/**
 * The body as the core takes it: a string (encoded once, straight into wasm memory) or a
 * Uint8Array view of the caller's bytes. Never decodes and re-encodes.
 */
function bodyInput(body, limit) {
  const input = bodyView(body);
  if (limit !== undefined && isOverLimit(input, limit)) throw bodyTooLarge(limit);
  return input;
}

function bodyView(body) {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body)) return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  let reason;
  if (body === undefined || body === null) {
    reason = `the body is ${body}: read the raw request body first (await request.arrayBuffer(), or collect the chunks of a Node request).`;
  } else if (typeof body === 'object') {
    reason =
      `the body is ${typeName(body)}, which means a JSON body parser already parsed it and the raw bytes ` +
      'the signature covers are gone. Pass the raw body instead: in Express mount ' +
      "express.raw({ type: 'application/json' }) on this route (before any express.json()), in Fastify or " +
      'Next.js read the raw body (rawBody), in a Fetch handler use await request.arrayBuffer(). ' +
      'Re-serialising with JSON.stringify never reproduces the signed bytes.';
  } else {
    reason = `expected a string, Uint8Array, Buffer or ArrayBuffer, got ${typeName(body)}.`;
  }
  throw new FlagsmithWebhookError('invalid_body', `invalid body: ${reason}`);
}

/** Header value(s) as one string; a repeated header's values are comma-joined, as Fetch does. */
function signatureInput(signature) {
  if (typeof signature === 'string') return signature;
  if (Array.isArray(signature)) return signature.filter((s) => typeof s === 'string').join(',');
  return '';
}

// The wasm module's scratch area (see wasm/src/lib.rs): each call writes its signature header
// and body there, straight into wasm memory, and passes their lengths. Strings that are short
// and ASCII (headers, small bodies) are written with a loop, others with encodeInto; both beat
// wasm-bindgen's own string passing, which loops per character and allocates per call.
let memoryView = new Uint8Array(0);
let stagedHeaderLength = 0;
const SHORT_STRING = 256;

/** wasm memory as bytes; a new view after the memory grew (which detaches the old one). */
let wasmMemory;
function wasmBytes() {
  wasmMemory ??= glue.initSync().memory;
  const buffer = wasmMemory.buffer;
  if (memoryView.buffer !== buffer) memoryView = new Uint8Array(buffer);
  return memoryView;
}

/** Writes `text` at `at` if it is all ASCII; false (having written part of it) if not. */
function writeAscii(text, memory, at) {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return false;
    memory[at + i] = code;
  }
  return true;
}

const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  HEX['0123456789abcdef'.charCodeAt(i)] = i;
  HEX['0123456789ABCDEF'.charCodeAt(i)] = i;
}

/**
 * For a header of exactly 64 hexadecimal digits: writes its 32 bytes, then the body, into the
 * scratch area and returns the body's length; -1 (having written nothing that counts) for any
 * other header, which the core parses, and for a string body over `limit` bytes.
 */
function stageTag(header, body, limit) {
  const bodyLength = typeof body === 'string' ? body.length : body.byteLength;
  const at = glue.scratch(32 + bodyLength);
  const memory = wasmBytes();
  for (let i = 0; i < 32; i++) {
    const high = HEX[header.charCodeAt(2 * i)] ?? -1;
    const low = HEX[header.charCodeAt(2 * i + 1)] ?? -1;
    if ((high | low) < 0) return -1;
    memory[at + i] = (high << 4) | low;
  }
  return writeBody(body, bodyLength, at, 32, limit);
}

/**
 * Writes the header then the body into the scratch area. Returns the body's length in bytes,
 * or -1 for a string body whose UTF-8 is over `limit` bytes, and leaves the header's length in
 * `stagedHeaderLength`.
 */
function stage(header, body, limit) {
  const bodyLength = typeof body === 'string' ? body.length : body.byteLength;
  let headerLength = header.length;
  let at = glue.scratch(headerLength + bodyLength);
  let memory = wasmBytes();
  if (!writeAscii(header, memory, at)) {
    // A header value that is not ASCII (Node and Fetch read header bytes as Latin-1).
    const encoded = encoder.encode(header);
    headerLength = encoded.length;
    at = glue.scratch(headerLength + bodyLength);
    memory = wasmBytes();
    memory.set(encoded, at);
  }
  stagedHeaderLength = headerLength;
  return writeBody(body, bodyLength, at, headerLength, limit);
}

/** Stages `input` alone; throws body_too_large when it is a string over `limit` bytes. */
function stageBody(input, limit) {
  const length = stage('', input, limit);
  if (length === -1) throw bodyTooLarge(limit);
  return length;
}

/**
 * Writes the body after the header (`headerLength` bytes at the scratch area's start, `at`);
 * returns its length in bytes, or -1 for a string whose UTF-8 is over `limit` bytes. Bytes,
 * and strings with more UTF-16 units than `limit`, were checked before (isOverLimit): a string's
 * UTF-8 length is learnt here, while it is encoded, never by a separate pass over it.
 */
function writeBody(body, bodyLength, at, headerLength, limit) {
  let memory = wasmBytes();
  const start = at + headerLength;
  if (typeof body !== 'string') {
    memory.set(body, start);
    return bodyLength;
  }
  if (bodyLength <= SHORT_STRING && writeAscii(body, memory, start)) return bodyLength;
  let { read, written } = encoder.encodeInto(body, memory.subarray(start, start + bodyLength));
  while (read < bodyLength) {
    if (written > limit) return -1;
    // Not ASCII: what is left needs at most 3 bytes per UTF-16 unit, and no more is reserved
    // than the limit leaves (plus 4, so that the character crossing it always fits, and shows it).
    const room = Math.min((bodyLength - read) * 3, limit - written + 4);
    at = glue.scratch(headerLength + written + room);
    memory = wasmBytes();
    const offset = at + headerLength + written;
    const more = encoder.encodeInto(body.slice(read), memory.subarray(offset, offset + room));
    read += more.read;
    written += more.written;
  }
  return written > limit ? -1 : written;
}

function materialise(body) {
  return JSON.parse(typeof body === 'string' ? body : decoder.decode(body));
}

/**
 * Verifies webhooks against one or more secrets (the first is the current one; the others are
 * accepted while you rotate). Each secret is keyed once, so reuse one Verifier per process.
 * `options.maxBodyBytes` (default DEFAULT_MAX_BODY_BYTES) limits the bodies it takes; each
 * method can override it for one call.
 */
export class Verifier {
  #inner;
  #count;
  #limit;

  constructor(secrets, options) {
    ensureReady();
    this.#limit = maxBodyBytesOf(options);
    const list = Array.isArray(secrets) ? secrets : [secrets];
    const parts = list.map(secretBytes);
    // Copies this function made (encoded strings) are zeroed below; the caller's arrays are theirs.
    const ours = parts.filter((part, index) => part !== list[index]);
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    try {
      // The module zeroes its copy of `joined` (and so, on the way back, this one) once keyed.
      this.#inner = new glue.Verifier(joined, Uint32Array.from(parts, (part) => part.length));
    } catch (error) {
      throw fromWasm(error);
    } finally {
      joined.fill(0);
      for (const part of ours) part.fill(0);
    }
    this.#count = parts.length;
  }

  /** The body limit of one call: its own option, else the verifier's. */
  #limitOf(options) {
    return options === undefined ? this.#limit : maxBodyBytesOf(options);
  }

  #live() {
    if (this.#inner === undefined) {
      throw new FlagsmithWebhookError('verifier_freed', 'this Verifier was freed with free(); create a new one.');
    }
    return this.#inner;
  }

  /**
   * Index of the secret that signed `body`, or -1 (never throws for a bad signature, nor for a
   * body over the limit, which cannot be verified).
   */
  match(body, signature, options) {
    const limit = this.#limitOf(options);
    const input = bodyView(body);
    if (isOverLimit(input, limit)) return -1;
    const inner = this.#live();
    if (typeof signature === 'string' && signature.length === 64) {
      const length = stageTag(signature, input, limit);
      if (length !== -1) return inner.matchTagScratch(length);
    }
    const length = stage(signatureInput(signature), input, limit);
    return length === -1 ? -1 : inner.matchScratch(stagedHeaderLength, length);
  }

  /**
   * Stages the header and `input` and runs the binding's `operation` on them
   * (`inner.verifyAndValidateScratch` and the like), with its errors as FlagsmithWebhookErrors.
   */
  #staged(operation, input, limit, signature) {
    const inner = this.#live();
    try {
      const length = stage(signatureInput(signature), input, limit);
      if (length === -1) throw bodyTooLarge(limit);
      return operation.call(inner, stagedHeaderLength, length);
    } catch (error) {
      throw fromWasm(error);
    }
  }

  /** True when `signature` matches `body` under any secret (never throws for a bad signature). */
  verify(body, signature, options) {
    return this.match(body, signature, options) !== -1;
  }

  /** Checks the signature, then parses; throws FlagsmithWebhookError with a `code`. */
  verifyAndParse(body, signature, options) {
    const limit = this.#limitOf(options);
    const input = bodyInput(body, limit);
    this.#staged(glue.Verifier.prototype.verifyAndValidateScratch, input, limit, signature);
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
    const limit = this.#limitOf(options);
    const input = bodyInput(body, limit);
    const answer = this.#staged(glue.Verifier.prototype.deliverScratch, input, limit, signature);
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
    const limit = this.#limitOf(options);
    const input = bodyInput(body, limit);
    const deliveryKey = this.#staged(glue.Verifier.prototype.verifyAndValidateWithKeyScratch, input, limit, signature);
    return { event: materialise(input), deliveryKey };
  }

  /** Signs `body` with the first secret: 64 lowercase hex characters. */
  sign(body, options) {
    const limit = this.#limitOf(options);
    const input = bodyInput(body, limit);
    const inner = this.#live();
    return inner.signScratch(stageBody(input, limit));
  }

  /**
   * Releases the keyed secrets' wasm memory now (zeroed) instead of whenever the garbage
   * collector gets to it. The verifier cannot be used afterwards.
   */
  free() {
    this.#inner?.free();
    this.#inner = undefined;
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
// contains the separator, and code that rotates secrets should hold a Verifier anyway. Every
// other verifier they build is freed before they return, and a replaced cached one when it is
// replaced, so wasm memory stays flat whatever secrets they are given (the garbage collector
// alone would free them too late: a synchronous loop never gives it the chance).
let cachedSecret;
let cachedVerifier;

function withVerifier(secrets, use) {
  if (isVerifierLike(secrets)) return use(secrets);
  const single = typeof secrets === 'string' ? secrets : Array.isArray(secrets) && secrets.length === 1 && typeof secrets[0] === 'string' ? secrets[0] : undefined;
  if (single !== undefined && single === cachedSecret) return use(cachedVerifier);
  const verifier = new Verifier(secrets);
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


/** HMAC-SHA256 of the body's bytes, as Flagsmith computes it: 64 lowercase hex characters. */
export function sign(secret, body, options) {
  return withVerifier(secret, (verifier) => verifier.sign(body, options));
}

/**
 * True when the signature header's value matches the body under the secret (or any of the
 * secrets). Never throws for a bad, malformed or missing signature, nor for a body over
 * `maxBodyBytes` (default 1 MiB), which is false; throws only for a missing secret, a body that
 * is not bytes or text, or invalid options.
 */
export function verify(secrets, body, signature, options) {
  return withVerifier(secrets, (verifier) => verifier.verify(body, signature, options));
}

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
  ensureReady();
  const limit = maxBodyBytesOf(options);
  const input = bodyInput(body, limit);
  try {
    glue.validateScratch(stageBody(input, limit));
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
