// A Cloudflare Queues consumer for deliveries that a receiver enqueued: the receiver only
// verifies and enqueues (answering Flagsmith within milliseconds), and the consumer runs the
// handlers with the queue's retries, processing each delivery once.

import { dispatch, handlerContext, headerPairs, reporter, signatureOf, verifierOf } from './core.js';
import { deduplicator } from './delivery.js';
import { FlagsmithWebhookError } from './errors.js';
import { maxBodyBytesOf } from './limits.js';

/**
 * `queue(batch, env, ctx)` for a Worker's default export. Each message is a delivery as a
 * receiver's handlers get it in `context.delivery` (`{ headers, body, … }`). The consumer
 * verifies it again (a message is trusted only while its signature matches a configured
 * secret), skips a delivery key it already processed (`dedupe`: a KV namespace through
 * kvDeliveryStore, or any store; on by default, in memory), runs `onEvent` and the `on`
 * handlers exactly as a receiver would, acknowledges the message on success and asks the queue
 * to retry it on failure. A message that no longer verifies is reported to onError and
 * acknowledged: retrying it cannot help.
 */
export function createQueueConsumer(options) {
  const maxBodyBytes = maxBodyBytesOf({ maxBodyBytes: options.maxBodyBytes });
  const verifier = verifierOf(options, maxBodyBytes);
  const dedupe = deduplicator(options.dedupe ?? true);
  const report = reporter(options);
  return async (batch, env, ctx) => {
    for (const message of batch.messages) {
      const delivery = message.body;
      const runtime = { env, ctx, message, attempts: message.attempts };
      let received;
      try {
        if (typeof delivery?.body !== 'string') {
          throw new FlagsmithWebhookError('invalid_body', 'the queue message is not a delivery: expected { headers, body } as a receiver captured it (context.delivery).');
        }
        received = verifier.verifyDelivery(delivery.body, signatureOf(headerPairs(delivery.headers)), { maxBodyBytes });
      } catch (error) {
        await report(error, { ...runtime, delivery });
        message.ack();
        continue;
      }
      if (!(await dedupe.claim(received.deliveryKey))) {
        message.ack();
        continue;
      }
      try {
        await dispatch(options, received, handlerContext(runtime, received, delivery), dedupe, report);
        message.ack();
      } catch {
        message.retry();
      }
    }
  };
}

