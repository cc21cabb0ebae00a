// The options every receiver under test is built with, so that Node http, Express, Fastify, Hono
// and the Worker get exactly the same configuration: two secrets (rotation), a 64 KiB body limit,
// handlers that record each call (with its deviations and captured delivery), and a handler
// that throws for the feature named "explode".
export const MAX_BODY_BYTES = 64 * 1024;

/** Every handler route a receiver has: the event types, then the catch-alls. */
export const ROUTES = ['FLAG_UPDATED', 'FLAG_CREATED', 'FLAG_DELETED', 'AUDIT_LOG_CREATED', 'NEW_VERSION_PUBLISHED', 'identity', 'default', 'nonConforming'];

export function receiverOptions(secrets, calls) {
  const record = (route) => (event, context) => {
    if (event.data?.new_state?.feature?.name === 'explode') throw new Error('handler failure requested by the test');
    calls.push({
      route,
      event_type: event.event_type ?? null,
      deliveryKey: context.deliveryKey,
      changed_by: event.data?.changed_by ?? null,
      conforming: context.conforming,
      deviations: context.deviations,
      delivery: context.delivery,
    });
  };
  return {
    secrets,
    maxBodyBytes: MAX_BODY_BYTES,
    on: Object.fromEntries(ROUTES.map((route) => [route, record(route)])),
  };
}
