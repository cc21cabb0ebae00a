// The package's error class and the small helpers every module that throws it shares.
// Kept apart from api.js so that `export * from './api.js'` publishes only the public API.

const BRAND = Symbol.for('flagsmith-webhooks.FlagsmithWebhookError');

/** Error thrown for anything that makes a webhook unusable; `code` is stable. */
export class FlagsmithWebhookError extends Error {
  constructor(code, message, hint, cause) {
    super(message, cause === undefined ? undefined : { cause });
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

/** How an error names the type of a value it was given ('null', 'an array', 'an object (Map)'). */
export function typeName(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? `an object (${value.constructor?.name ?? 'Object'})` : typeof value;
}

/** A Verifier, also one from the package's other copy (Node loads one for import, one for require). */
export const isVerifierLike = (value) => typeof value?.verifyAndParse === 'function' && typeof value?.sign === 'function';
