// The `require` side of the declarations (dist/index.d.cts and dist/types/*.d.cts, which the
// build writes from pkg/index.d.ts and pkg/types/): a CommonJS file sees every seam's names, and
// narrowing works as it does for `import`.
import webhooks = require('flagsmith-webhooks');

const verifier = new webhooks.Verifier(process.env.FLAGSMITH_WEBHOOK_SECRET);
const event: webhooks.WebhookEvent = verifier.verifyAndParse('{}', 'sig');
if (event.event_type === 'FLAG_UPDATED') {
  const enabled: boolean = event.data.new_state.enabled;
  void enabled;
}
const code: webhooks.ErrorCode = 'signature_mismatch';
const handler: (request: Request) => Promise<Response> = webhooks.createHandler({ secret: 's', on: {} });
const mirror: webhooks.FlagMirror = new webhooks.FlagMirror();
const sample = webhooks.sampleEvent('AUDIT_LOG_CREATED');
// @ts-expect-error: an unknown option is a type error on this side too.
webhooks.createHandler({ secret: 's', handlers: {} });
void [code, handler, mirror, sample];
declare const process: { env: Record<string, string | undefined> };

import verifyOnly = require('flagsmith-webhooks/verify');
const lean: verifyOnly.Verifier = new verifyOnly.Verifier('secret');
const matched: number = lean.match('{}', 'sig');
// @ts-expect-error: the verify-only Verifier does not parse.
lean.verifyAndParse('{}', 'sig');
void matched;
