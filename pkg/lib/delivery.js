// What happens to an authentic delivery before the handlers run: the opt-in replay window on
// the signed in-body timestamp, and the opt-in de-duplication by delivery key, with its stores.

import { FlagsmithWebhookError } from './errors.js';

/**
 * The fixed times of the "Test webhook" button's samples (environment and organisation): a
 * test, not a dated delivery.
 */
const SAMPLE_TIMESTAMPS = new Set(['2021-06-18T07:50:26.595298Z', '2020-02-23T17:30:57.006318Z']);

/**
 * The signed time a delivery can be dated by: `{ time }` in milliseconds, or `{ undated }`
 * with the reason it has none.
 */
export function signedTimeOf(event) {
  let text;
  switch (event?.event_type) {
    case 'FLAG_UPDATED':
    case 'FLAG_CREATED':
      text = event.data?.timestamp;
      break;
    case 'AUDIT_LOG_CREATED':
      text = event.data?.created_date;
      break;
    case 'FLAG_DELETED':
      return { undated: "FLAG_DELETED's timestamp is the deleted state's last edit, not the deletion" };
    case 'NEW_VERSION_PUBLISHED':
      return { undated: 'NEW_VERSION_PUBLISHED carries no timestamp' };
    case undefined:
      return { undated: 'the identity integration body carries no timestamp' };
    default:
      return { undated: `${String(event.event_type).slice(0, 40)} is not a type whose time is known` };
  }
  if (typeof text !== 'string' || text === '') return { undated: 'the timestamp is empty' };
  if (SAMPLE_TIMESTAMPS.has(text)) return { undated: "it is the Test webhook button's sample, whose time is fixed" };
  const time = Date.parse(text);
  return Number.isFinite(time) ? { time } : { undated: 'the timestamp is not a date' };
}

/** Defaults of `replay: true`. */
export const DEFAULT_REPLAY_WINDOW = Object.freeze({ maxAgeSeconds: 3600, maxFutureSeconds: 300, undated: 'accept' });

function positiveSeconds(value, name) {
  if (!Number.isFinite(value) || value <= 0) {
    throw new FlagsmithWebhookError('invalid_option', `invalid ${name}: expected a positive number of seconds, got ${String(value).slice(0, 20)}.`);
  }
  return value;
}

/**
 * The replay guard of the `replay` receiver option (undefined when off): `check(event)` returns
 * the FlagsmithWebhookError that rejects the delivery, or undefined.
 */
export function replayGuard(option) {
  if (option === undefined || option === false) return undefined;
  const settings = { ...DEFAULT_REPLAY_WINDOW, ...(option === true ? {} : option) };
  const maxAge = positiveSeconds(settings.maxAgeSeconds, 'replay.maxAgeSeconds') * 1000;
  const maxFuture = positiveSeconds(settings.maxFutureSeconds, 'replay.maxFutureSeconds') * 1000;
  if (settings.undated !== 'accept' && settings.undated !== 'reject') {
    throw new FlagsmithWebhookError('invalid_option', "invalid replay.undated: expected 'accept' or 'reject'.");
  }
  const now = settings.now ?? (() => Date.now());
  return {
    check(event) {
      const signed = signedTimeOf(event);
      if (signed.undated !== undefined) {
        if (settings.undated === 'accept') return undefined;
        return new FlagsmithWebhookError(
          'delivery_undated',
          `the delivery carries no signed time to check its age by (${signed.undated}), and replay.undated is 'reject'.`,
        );
      }
      const age = now() - signed.time;
      if (age > maxAge) {
        return new FlagsmithWebhookError(
          'delivery_too_old',
          `the delivery was signed ${Math.round(age / 1000)} s ago, beyond replay.maxAgeSeconds (${maxAge / 1000} s): a replay, or a delivery held up for longer than the window allows.`,
        );
      }
      if (-age > maxFuture) {
        return new FlagsmithWebhookError(
          'delivery_from_the_future',
          `the delivery is dated ${Math.round(-age / 1000)} s in the future, beyond replay.maxFutureSeconds (${maxFuture / 1000} s): check this machine's clock.`,
        );
      }
      return undefined;
    },
  };
}

/**
 * An in-memory de-duplication store: keys expire after their time to live, and the oldest go
 * first once `maxEntries` are held. Per process: a service with several instances needs a
 * shared store (see kvDeliveryStore, or write one with `claim` and `release`).
 */
export function memoryDeliveryStore({ maxEntries = 10_000, now = () => Date.now() } = {}) {
  const expiries = new Map();
  return {
    claim(key, ttlSeconds) {
      const at = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > at) return false;
      expiries.delete(key);
      expiries.set(key, at + ttlSeconds * 1000);
      while (expiries.size > maxEntries) expiries.delete(expiries.keys().next().value);
      return true;
    },
    release(key) {
      expiries.delete(key);
    },
    get size() {
      return expiries.size;
    },
  };
}

/**
 * A de-duplication store on a Cloudflare KV namespace. KV is eventually consistent: two copies
 * that arrive at different locations within about a minute can both pass. For strict
 * once-only processing, de-duplicate where the work is serialised (a Durable Object, or a
 * database with a unique key).
 */
export function kvDeliveryStore(namespace, { prefix = 'flagsmith-delivery:' } = {}) {
  return {
    async claim(key, ttlSeconds) {
      if ((await namespace.get(prefix + key)) !== null) return false;
      // KV's smallest time to live is 60 seconds.
      await namespace.put(prefix + key, '1', { expirationTtl: Math.max(60, Math.ceil(ttlSeconds)) });
      return true;
    },
    async release(key) {
      await namespace.delete(prefix + key);
    },
  };
}

/** Defaults of `dedupe: true`. */
export const DEFAULT_DEDUPE_TTL_SECONDS = 24 * 3600;

/**
 * The de-duplicator of the `dedupe` receiver option (undefined when off): `claim(key)` is true
 * for the first copy of a delivery, `release(key)` lets a later copy through again (after a
 * failed handler).
 */
export function deduplicator(option) {
  if (option === undefined || option === false) return undefined;
  const settings = option === true ? {} : option;
  const store = settings.store ?? memoryDeliveryStore();
  if (typeof store.claim !== 'function' || typeof store.release !== 'function') {
    throw new FlagsmithWebhookError('invalid_option', 'invalid dedupe.store: expected an object with claim(key, ttlSeconds) and release(key).');
  }
  const ttl = settings.ttlSeconds ?? DEFAULT_DEDUPE_TTL_SECONDS;
  positiveSeconds(ttl, 'dedupe.ttlSeconds');
  return {
    claim: async (key) => Boolean(await store.claim(key, ttl)),
    release: async (key) => {
      await store.release(key);
    },
  };
}
