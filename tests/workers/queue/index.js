// The queue recipe of examples/cloudflare-queue, with handlers that let tests/js/queue.test.mjs
// see every attempt: each is logged in the LOG namespace, and deliveries from
// flaky@example.com fail their first two attempts.
import { queueWorker } from '../../../examples/cloudflare-queue/src/worker.js';

export default queueWorker({
  onEvent: async (event, { deliveryKey, attempts, conforming, env }) => {
    await env.LOG.put(`attempt:${deliveryKey}:${attempts}`, event.data?.changed_by ?? '');
    if (event.data?.changed_by === 'flaky@example.com' && attempts < 3) throw new Error(`attempt ${attempts} fails`);
    const done = Number((await env.LOG.get(`processed:${deliveryKey}`)) ?? 0);
    await env.LOG.put(`processed:${deliveryKey}`, String(done + 1));
    await env.LOG.put(`conforming:${deliveryKey}`, String(conforming));
  },
});
