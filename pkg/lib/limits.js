// Body size limits: one default, one check of the option, one error, for every function and
// receiver that takes a body.

import { FlagsmithWebhookError, typeName } from './errors.js';

/**
 * The default limit on the size of a body, in bytes, for every function that takes one:
 * Flagsmith's payloads are a few KB, and audit records with large settings objects stay far
 * below it. Each call can raise it with `{ maxBodyBytes }`.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * The largest `maxBodyBytes` accepted: a body is copied into wasm memory (at most 4 GiB, shared
 * with everything else the module holds), so a higher limit could only end in an
 * out-of-memory trap instead of a clear error.
 */
export const MAX_BODY_BYTES_LIMIT = 256 * 1024 * 1024;

/**
 * `options.maxBodyBytes`, checked: a positive safe integer up to MAX_BODY_BYTES_LIMIT, or the
 * default when absent. `'1mb'` or `NaN` would otherwise switch the limit off without a word.
 */
export function maxBodyBytesOf(options) {
  if (options === undefined || options === null) return DEFAULT_MAX_BODY_BYTES;
  if (typeof options !== 'object') {
    throw new FlagsmithWebhookError('invalid_option', `invalid options: expected an object such as { maxBodyBytes: 1048576 }, got ${typeName(options)}.`);
  }
  const limit = options.maxBodyBytes;
  if (limit === undefined) return DEFAULT_MAX_BODY_BYTES;
  if (!Number.isSafeInteger(limit) || limit <= 0 || limit > MAX_BODY_BYTES_LIMIT) {
    const shown = typeof limit === 'string' ? JSON.stringify(limit.slice(0, 20)) : typeof limit === 'number' ? String(limit) : typeName(limit);
    throw new FlagsmithWebhookError(
      'invalid_option',
      `invalid maxBodyBytes: expected a whole number of bytes from 1 to ${MAX_BODY_BYTES_LIMIT}, got ${shown}. ` +
        'Write the number itself, for example 1048576 for 1 MiB (a string such as "1mb" is not understood).',
    );
  }
  return limit;
}

/** The error for a body over the limit: the same code and words in every function and receiver. */
export function bodyTooLarge(limit) {
  return new FlagsmithWebhookError(
    'body_too_large',
    `the body is larger than the limit of ${limit} bytes. Raise maxBodyBytes if your payloads are legitimately this large.`,
  );
}

/**
 * True when a body (as `bodyInput` returns it) is certainly larger than `limit` bytes: bytes by
 * their length, a string when it has more UTF-16 units than that (each is at least one byte).
 * A string's UTF-8 length, up to three times its length, is checked while it is staged into
 * wasm memory (pkg/lib/api.js), which encodes it anyway: counting it first was a second pass,
 * 1 ms per MB.
 */
export function isOverLimit(input, limit) {
  return typeof input === 'string' ? input.length > limit : input.byteLength > limit;
}
