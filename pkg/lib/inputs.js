// What every function that takes a secret, a body or a signature header accepts, and the
// errors for what it does not: shared by the full API (api.js) and `flagsmith-webhooks/verify`
// (verify.js), so that both take the same arguments and refuse them in the same words.

import { FlagsmithWebhookError, typeName } from './errors.js';
import { bodyTooLarge, isOverLimit } from './limits.js';

/** The header Flagsmith sends the signature in (look it up case-insensitively). */
export const SIGNATURE_HEADER = 'X-Flagsmith-Signature';

/**
 * A secret as the Verifier stages it: a string (encoded as UTF-8 straight into wasm memory) or
 * a Uint8Array of the caller's bytes. An empty secret, or none at all, is the core's to reject
 * (with its message).
 */
export function secretInput(secret) {
  if (typeof secret === 'string' || secret instanceof Uint8Array) return secret;
  if (secret instanceof ArrayBuffer) return new Uint8Array(secret);
  throw new FlagsmithWebhookError(
    'invalid_secret',
    `invalid secret: expected a string or a Uint8Array, got ${typeName(secret)}. Pass the ` +
      'secret configured on the webhook in Flagsmith (check that the environment variable holding it is set).',
  );
}

/**
 * The body as the core takes it: a string (encoded once, straight into wasm memory) or a
 * Uint8Array view of the caller's bytes; throws body_too_large when it is certainly over
 * `limit`. Never decodes and re-encodes.
 */
export function bodyInput(body, limit) {
  const input = bodyView(body);
  if (limit !== undefined && isOverLimit(input, limit)) throw bodyTooLarge(limit);
  return input;
}

/** The body as a string or a Uint8Array view of the caller's bytes, or invalid_body. */
export function bodyView(body) {
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
export function signatureInput(signature) {
  if (typeof signature === 'string') return signature;
  if (Array.isArray(signature)) return signature.filter((s) => typeof s === 'string').join(',');
  return '';
}

/**
 * An error from a wasm module, which crosses as the text `code \n hint \n message`
 * (wasm/src/scratch.rs), as a FlagsmithWebhookError; anything else unchanged.
 */
export function fromWasm(error) {
  if (typeof error !== 'string') return error;
  const first = error.indexOf('\n');
  const second = error.indexOf('\n', first + 1);
  return new FlagsmithWebhookError(
    error.slice(0, first),
    error.slice(second + 1),
    error.slice(first + 1, second) || undefined,
  );
}
