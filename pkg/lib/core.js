// The receivers' shared core (not part of the public API): one request in, one status out,
// and the dispatch of a verified delivery to the handlers, which the queue consumer shares.
//
// Flagsmith never retries a 4xx or 5xx, so an authentic JSON object is always handed to user
// code, conforming to the model or not (with its deviations): rejecting it would lose it.

import { SIGNATURE_HEADER, Verifier, httpStatusOf } from './api.js';
import { deduplicator, replayGuard } from './delivery.js';
import { FlagsmithWebhookError, isVerifierLike } from './errors.js';
import { isKnownType } from './events.js';
import { escapeControls } from './text.js';
import { maxBodyBytesOf } from './limits.js';

const HEADER = SIGNATURE_HEADER.toLowerCase();


/** The default of `acknowledgeAfterMs`: before Flagsmith's 10-second timeout makes it retry. */
export const DEFAULT_ACKNOWLEDGE_AFTER_MS = 8000;

export function verifierOf(options, maxBodyBytes) {
  if (isVerifierLike(options.verifier)) return options.verifier;
  const secrets = options.secrets ?? options.secret;
  return new Verifier(secrets, { maxBodyBytes });
}

/**
 * The receiver's verifier, or, when its secret is missing or unusable, the `invalid_secret`
 * error every request will be answered with (500). The one option not checked when a receiver
 * is created: frameworks evaluate route modules while building (`next build`), where the
 * secret is often not set (nor, for edge routes, the .wasm: `not_initialised`), and both are
 * there when the server starts. To fail at startup instead, build the Verifier yourself and
 * pass it as `verifier`.
 */
const DEFERRED_CODES = new Set(['invalid_secret', 'not_initialised']);

function deferredVerifier(options, maxBodyBytes) {
  try {
    return { verifier: verifierOf(options, maxBodyBytes) };
  } catch (error) {
    if (error instanceof FlagsmithWebhookError && DEFERRED_CODES.has(error.code)) return { unusable: error };
    throw error;
  }
}

function acknowledgeAfterOf(value) {
  if (value === undefined) return DEFAULT_ACKNOWLEDGE_AFTER_MS;
  if (value === false) return false;
  if (!Number.isFinite(value) || value < 0) {
    throw new FlagsmithWebhookError(
      'invalid_option',
      `invalid acknowledgeAfterMs: expected a number of milliseconds (default ${DEFAULT_ACKNOWLEDGE_AFTER_MS}) or false to wait for the handlers, got ${String(value).slice(0, 20)}.`,
    );
  }
  return value;
}

/**
 * A request's headers as `[name, value]` pairs, in the order received where the runtime keeps
 * it: from a Fetch Headers object, Node's rawHeaders, an array of pairs, or a plain object.
 */
export function headerPairs(headers) {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  if (typeof headers.entries === 'function' && typeof headers.get === 'function') return [...headers.entries()];
  const pairs = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : [value]) if (one !== undefined) pairs.push([name, String(one)]);
  }
  return pairs;
}

/** Every value of the signature header, looked up case-insensitively, comma-joined as Fetch does. */
export function signatureOf(pairs) {
  const values = pairs.filter(([name]) => name.toLowerCase() === HEADER).map(([, value]) => value);
  return values.length ? values.join(', ') : undefined;
}

/** The handler for a delivery: by event type when it conforms, else `nonConforming`. */
function routeOf(event, conforming, on) {
  if (!conforming) return on.nonConforming;
  if (event.event_type === undefined) return on.identity ?? on.default;
  return (isKnownType(event.event_type) ? on[event.event_type] : undefined) ?? on.default;
}

/**
 * Runs `onEvent` and the routed handler for a verified delivery; settles when they have. On
 * failure it releases the de-duplication claim (so a later copy is handled again), reports
 * the error with the delivery to onError, and rejects.
 */
export async function dispatch(options, received, context, dedupe, report) {
  const on = options.on ?? {};
  // The mirror and the audit sink first, so that handlers see what this delivery set; a store
  // that fails fails the delivery like a handler (500, onError with the delivery to re-run).
  try {
    // Awaited: a mirror or sink may be remote (a Durable Object), and must have stored the
    // delivery before it is acknowledged.
    if (received.conforming && options.mirror) await options.mirror.apply(received.event);
    if (received.conforming && options.audit) await options.audit.add(context.delivery, received.event);
    await options.onEvent?.(received.event, context);
    await routeOf(received.event, received.conforming, on)?.(received.event, context);
  } catch (error) {
    if (dedupe) await dedupe.release(received.deliveryKey).catch(() => {});
    await report(handlerFailure(error), { ...context, event: received.event });
    throw error;
  }
}

/**
 * What onError gets for a handler that threw: always a FlagsmithWebhookError (so `error.code`
 * can be read without narrowing), `handler_failed`, with what was thrown as its `cause`.
 */
function handlerFailure(thrown) {
  const what = thrown instanceof Error ? thrown.message : String(thrown);
  return new FlagsmithWebhookError('handler_failed', `a webhook handler threw: ${escapeControls(what.slice(0, 200))}`, undefined, thrown);
}

/** onError, called so that a failing logger never changes a response. */
export function reporter(options) {
  return async (error, context) => {
    try {
      await options.onError?.(error, context);
    } catch {
      // A failing logger must not change the response.
    }
  };
}

/** The handler context of a verified delivery. */
export function handlerContext(runtime, received, delivery) {
  return {
    ...runtime,
    deliveryKey: received.deliveryKey,
    secretIndex: received.secretIndex,
    conforming: received.conforming,
    deviations: received.deviations,
    delivery,
  };
}

/** A delivery taken: 200, or 202 when acknowledged before the handlers finished. */
function reply(status, extra) {
  return { status, body: { ok: true, ...extra } };
}

/** A delivery refused, with the status the core's one table gives its code. */
export function refuse(error) {
  return { status: httpStatusOf(error.code), body: { ok: false, error: error.code, message: error.message } };
}

const handlerFailed = () =>
  new FlagsmithWebhookError('handler_failed', 'the webhook handler failed; see your onError log. Flagsmith will not retry a 500.');

/**
 * The receivers' shared core: one request in, one status out. Every option is checked here,
 * when the receiver is created.
 */
export function createCore(options) {
  const maxBodyBytes = maxBodyBytesOf({ maxBodyBytes: options.maxBodyBytes });
  const { verifier, unusable } = deferredVerifier(options, maxBodyBytes);
  const acknowledgeAfterMs = acknowledgeAfterOf(options.acknowledgeAfterMs);
  const replay = replayGuard(options.replay);
  const dedupe = deduplicator(options.dedupe);
  const report = reporter(options);

  const run = (received, context) => dispatch(options, received, context, dedupe, report);

  return {
    maxBodyBytes,
    /**
     * `readBody` returns the raw bytes (or throws body_too_large or body_already_parsed);
     * `headers` gives the request's header pairs; `runtime` reaches handlers (with
     * `waitUntil`, when the platform has one, for work that outlives the response).
     */
    async handle(method, headers, readBody, runtime = {}) {
      if (method !== 'POST') {
        const error = new FlagsmithWebhookError('method_not_allowed', `Flagsmith sends webhooks as POST, not ${method}.`);
        await report(error, runtime);
        return refuse(error);
      }
      let received;
      const pairs = headerPairs(headers());
      try {
        if (unusable) throw unusable;
        received = verifier.verifyDelivery(await readBody(), signatureOf(pairs), { maxBodyBytes });
      } catch (error) {
        if (!(error instanceof FlagsmithWebhookError)) {
          const unreadable = new FlagsmithWebhookError('handler_failed', 'the request could not be read.', undefined, error);
          await report(unreadable, runtime);
          return refuse(unreadable);
        }
        await report(error, runtime);
        return refuse(error);
      }
      // Everything needed to store the delivery and run it again through a receiver later: the
      // inspector's JSON Lines shape ({headers, body}) plus when and what it was.
      const delivery = {
        headers: pairs,
        body: received.body,
        receivedAt: new Date().toISOString(),
        deliveryKey: received.deliveryKey,
      };
      const context = handlerContext(runtime, received, delivery);
      const rejected = replay?.check(received.event);
      if (rejected) {
        await report(rejected, { ...context, event: received.event });
        return refuse(rejected);
      }
      if (dedupe && !(await dedupe.claim(received.deliveryKey))) return reply(200, { duplicate: true });
      const work = run(received, context);
      if (acknowledgeAfterMs === false) {
        return work.then(
          () => reply(200),
          () => refuse(handlerFailed()),
        );
      }
      let timer;
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve('late'), acknowledgeAfterMs);
      });
      const outcome = await Promise.race([work.then(() => 'done', () => 'failed'), late]);
      clearTimeout(timer);
      if (outcome === 'done') return reply(200);
      if (outcome === 'failed') return refuse(handlerFailed());
      // Flagsmith gives up after 10 s and sends the delivery again: answer now, let the
      // handlers run on (their failure still reaches onError).
      const rest = work.catch(() => {});
      runtime.waitUntil?.(rest);
      return reply(202, { acknowledged: 'early', message: `the handlers are still running after ${acknowledgeAfterMs} ms; their outcome goes to onError.` });
    },
  };
}
