// Helpers for users' own tests: requests signed exactly as Flagsmith signs them.
import { SIGNATURE_HEADER, sign } from './api.js';
import { toFlagsmithJson } from './model.js';

function wireBody(eventOrBody) {
  return typeof eventOrBody === 'string' || eventOrBody instanceof Uint8Array ? eventOrBody : toFlagsmithJson(eventOrBody);
}

/**
 * `{ method, headers, body }` for fetch(), node:http or a test client: the event serialized in
 * Flagsmith's wire format (or the given raw body), with `content-type: application/json` and the
 * `X-Flagsmith-Signature` Flagsmith would send.
 */
export function signedRequestInit(secret, eventOrBody) {
  const body = wireBody(eventOrBody);
  return {
    method: 'POST',
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(secret, body) },
    body,
  };
}

/** A Fetch-API Request signed as Flagsmith would sign it, for testing a Fetch handler. */
export function signedRequest(url, secret, eventOrBody) {
  return new Request(url, signedRequestInit(secret, eventOrBody));
}
