// Node ESM entry: the same instance as require('flagsmith-webhooks'), so there is one
// FlagsmithWebhookError class and one module in memory whichever way the package is loaded.
import api from './dist/node.cjs';

export const {
  FlagsmithWebhookError,
  SIGNATURE_HEADER,
  Verifier,
  describe,
  diff,
  init,
  initSync,
  isIdentityPayload,
  isKnownEvent,
  parse,
  sign,
  signEvent,
  toFlagsmithJson,
  verify,
  verifyAndParse,
} = api;
export default init;
