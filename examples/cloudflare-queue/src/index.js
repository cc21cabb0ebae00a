// The receiver answers Flagsmith as soon as the delivery is verified and enqueued, so no
// handler can make Flagsmith time out and send it again; the consumer runs the handlers with
// the queue's retries and processes each delivery key once (kvDeliveryStore). tests/js/queue.test.mjs
// runs this Worker under workerd with a consumer that fails twice before it succeeds.
import { createHandler, createQueueConsumer, kvDeliveryStore } from 'flagsmith-webhooks';

import { handlers } from './handlers.js';

let receiver;
let consumer;

export default {
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
