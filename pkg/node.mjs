// Node ESM entry: the same instance as require('flagsmith-webhooks'), so there is one
// FlagsmithWebhookError class and one module in memory whichever way the package is loaded.
// (tests/js/node-esm.test.mjs checks that this list matches the CommonJS exports.)
import api from './dist/node.cjs';

export const {
  DEFAULT_MAX_BODY_BYTES,
  FlagsmithWebhookError,
  SAMPLE_EVENT_TYPES,
  SIGNATURE_HEADER,
  Verifier,
  createHandler,
  createNodeMiddleware,
  createWebhookHandler,
  describe,
  diff,
  init,
  initSync,
  isIdentityPayload,
  isKnownEvent,
  parse,
  sampleEvent,
  sign,
  signEvent,
  signedRequest,
  signedRequestInit,
  toFlagsmithJson,
  verify,
  verifyAndParse,
  verifyRequest,
} = api;
export default init;
