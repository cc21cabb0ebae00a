// A Flagsmith webhook receiver for Cloudflare Workers: verifies each request, routes it by event
// type, and answers fast. Flagsmith does not retry a 4xx/5xx reply, and retries byte-identical
// requests on timeouts (10 s), so slow work goes to ctx.waitUntil and duplicates are dropped by
// deliveryKey (here in a small in-memory set; use KV or a Durable Object in production).
import { createHandler, describe, diff } from 'flagsmith-webhooks';

const seen = new Set();
let handler;

function receiver(env) {
  return createHandler({
    // Comma-separated to rotate: the current secret first, the previous one after it.
    secrets: env.FLAGSMITH_WEBHOOK_SECRET.split(',').map((s) => s.trim()),
    onEvent(event, { deliveryKey }) {
      if (seen.has(deliveryKey)) return;
      seen.add(deliveryKey);
      console.log(describe(event));
    },
    on: {
      FLAG_UPDATED(event, { ctx }) {
        // Follow-up work off the response path: notify a channel, purge a cache, …
        ctx.waitUntil(Promise.resolve(diff(event)));
      },
      AUDIT_LOG_CREATED(event, { ctx }) {
        ctx.waitUntil(Promise.resolve(event.data.log));
      },
    },
    onError(error) {
      console.warn(`rejected webhook: ${error.code ?? error.name}: ${error.message}`);
    },
  });
}

export default {
  fetch(request, env, ctx) {
    handler ??= receiver(env);
    return handler(request, env, ctx);
  },
};
