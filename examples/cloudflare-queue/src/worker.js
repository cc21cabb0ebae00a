// The recipe: a receiver that only verifies and enqueues (so no handler can make Flagsmith time
// out and send the delivery again) and a consumer that runs the handlers with the queue's
// retries, processing each delivery key once (kvDeliveryStore). `handlers` are a receiver's
// options (`on`, `onEvent`, `onError`).
import { createHandler, createQueueConsumer, kvDeliveryStore } from 'flagsmith-webhooks';

export function queueWorker(handlers) {
  let receiver;
  let consumer;
  return {
    fetch(request, env, ctx) {
      receiver ??= createHandler({
        secret: env.FLAGSMITH_WEBHOOK_SECRET,
        // Every authentic delivery, conforming to the model or not, goes to the queue whole.
        onEvent: (event, { delivery }) => env.FLAGSMITH_DELIVERIES.send(delivery),
      });
      return receiver(request, env, ctx);
    },

    queue(batch, env, ctx) {
      consumer ??= createQueueConsumer({
        secret: env.FLAGSMITH_WEBHOOK_SECRET,
        dedupe: { store: kvDeliveryStore(env.FLAGSMITH_SEEN) },
        ...handlers,
      });
      return consumer(batch, env, ctx);
    },
  };
}
