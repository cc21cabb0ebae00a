// The queue recipe of examples/cloudflare-queue (a receiver that only verifies and enqueues, a
// consumer with kvDeliveryStore), with handlers that let tests/js/queue.test.mjs see every
// attempt: each is logged in the LOG namespace, and deliveries from flaky@example.com fail
// their first two attempts.
import { createHandler, createQueueConsumer, kvDeliveryStore } from 'flagsmith-webhooks';

let receiver;
let consumer;

export default {
  fetch(request, env, ctx) {
    receiver ??= createHandler({
      secret: env.FLAGSMITH_WEBHOOK_SECRET,
      onEvent: (event, { delivery }) => env.FLAGSMITH_DELIVERIES.send(delivery),
    });
    return receiver(request, env, ctx);
  },

  queue(batch, env, ctx) {
    consumer ??= createQueueConsumer({
      secret: env.FLAGSMITH_WEBHOOK_SECRET,
      dedupe: { store: kvDeliveryStore(env.FLAGSMITH_SEEN) },
      onEvent: async (event, { deliveryKey, attempts, conforming }) => {
        await env.LOG.put(`attempt:${deliveryKey}:${attempts}`, event.data?.changed_by ?? '');
        if (event.data?.changed_by === 'flaky@example.com' && attempts < 3) throw new Error(`attempt ${attempts} fails`);
        const done = Number((await env.LOG.get(`processed:${deliveryKey}`)) ?? 0);
        await env.LOG.put(`processed:${deliveryKey}`, String(done + 1));
        await env.LOG.put(`conforming:${deliveryKey}`, String(conforming));
      },
    });
    return consumer(batch, env, ctx);
  },
};
