// The outcome of a call as a code: 'ok', or the FlagsmithWebhookError code it threw (anything
// else it throws fails the test).
import assert from 'node:assert/strict';

import { FlagsmithWebhookError } from 'flagsmith-webhooks';

export function codeOf(run) {
  try {
    run();
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof FlagsmithWebhookError, `${error}`);
    return error.code;
  }
}
