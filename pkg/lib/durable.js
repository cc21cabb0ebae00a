// Cloudflare Durable Objects that hold a FlagMirror and an AuditSink: one object is the single
// writer for its mirror or audit log, so deliveries that reach any number of Worker isolates
// apply in one order, and any Worker reads flags from it. Re-export the classes from your
// Worker and bind them (see the README); receivers take `durableMirror(env.FLAGS)` as `mirror`
// and `durableAudit(env.AUDIT)` as `audit`.
//
// Storage: each mirror entry and deletion is a key of its own (a single snapshot value would
// outgrow the 128 KiB a value may hold), each audit record too, written before the object
// answers; a restarted object rebuilds from them.

import { AuditSink } from './audit.js';
import { FlagsmithWebhookError } from './errors.js';
import { FlagMirror } from './mirror.js';

const SNAPSHOT_FORMAT = 'flagsmith-webhooks/flag-mirror@1';
const json = (value, status = 200) => new Response(JSON.stringify(value ?? null), { status, headers: { 'content-type': 'application/json' } });

const stateKey = (state) => `state:${state.environment.id}:${state.feature.id}:${state.scope}`;

/**
 * A Durable Object holding a FlagMirror. `POST /apply` (an event as JSON) applies it; `GET
 * /flag?environment=…&feature=…[&segment=…|&identity=…]` reads a flag (404 when unknown);
 * `GET /snapshot` gives `toJSON()`. Only verified events should reach it: let a receiver
 * forward them (`durableMirror`), and do not route the Internet to it.
 */
export class FlagMirrorObject {
  #storage;
  #mirror;

  constructor(ctx) {
    this.#storage = ctx.storage;
    ctx.blockConcurrencyWhile(async () => {
      const stored = await this.#storage.list();
      const states = [];
      const deleted = [];
      for (const [key, value] of stored) {
        if (key.startsWith('state:')) states.push(value);
        else if (key.startsWith('deleted:')) deleted.push(value);
      }
      this.#mirror = FlagMirror.fromJSON({ format: SNAPSHOT_FORMAT, states, deleted });
    });
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/apply') {
      const event = await request.json();
      const writes = new Map();
      const removals = [];
      const unsubscribe = this.#mirror.subscribe(({ before, after }) => {
        if (after) writes.set(stateKey(after), after);
        else removals.push(stateKey(before));
      });
      let result;
      try {
        result = this.#mirror.apply(event);
      } finally {
        unsubscribe();
      }
      if (event?.event_type === 'FLAG_DELETED' && result.changed) {
        const { environment, feature } = event.data.previous_state;
        writes.set(`deleted:${environment.id}:${feature.id}`, { environment: environment.id, feature: feature.id });
      }
      // Written before answering: an acknowledged change is a stored change.
      if (removals.length) await this.#storage.delete(removals);
      if (writes.size) await this.#storage.put(Object.fromEntries(writes));
      return json(result);
    }
    if (request.method === 'GET' && url.pathname === '/flag') {
      const query = {};
      for (const name of ['environment', 'feature', 'segment', 'identity']) {
        const value = url.searchParams.get(name);
        if (value !== null) query[name] = /^\d+$/.test(value) ? Number(value) : value;
      }
      const state = this.#mirror.get(query);
      return state ? json(state) : json({ error: 'not_found' }, 404);
    }
    if (request.method === 'GET' && url.pathname === '/snapshot') return json(this.#mirror.toJSON());
    return json({ error: 'not_found' }, 404);
  }
}

/** A Durable Object store for an AuditSink: one storage key per record, in order. */
function durableAuditStore(storage) {
  return {
    async append(record) {
      await storage.put(`record:${String(record.seq).padStart(12, '0')}`, record);
    },
    async list() {
      return [...(await storage.list({ prefix: 'record:' })).values()];
    },
  };
}

/**
 * A Durable Object holding an AuditSink. `POST /add` (`{ delivery, event }`) stores a record
 * once; `GET /records?…` queries (the AuditSink filters as search parameters); `GET /verify`
 * checks the chain; `GET /head` gives the latest hash.
 */
export class AuditLogObject {
  #sink;

  constructor(ctx) {
    this.#sink = new AuditSink({ store: durableAuditStore(ctx.storage) });
  }

  async fetch(request) {
    const url = new URL(request.url);
    if (request.method === 'POST' && url.pathname === '/add') {
      const { delivery, event } = await request.json();
      return json(await this.#sink.add(delivery, event));
    }
    if (request.method === 'GET' && url.pathname === '/records') {
      const query = Object.fromEntries(url.searchParams);
      for (const name of ['project', 'environment']) if (/^\d+$/.test(query[name] ?? '')) query[name] = Number(query[name]);
      return json(await this.#sink.records(query));
    }
    if (request.method === 'GET' && url.pathname === '/verify') return json(await this.#sink.verify({ expectedHead: url.searchParams.get('head') ?? undefined }));
    if (request.method === 'GET' && url.pathname === '/head') return json({ head: await this.#sink.head() });
    return json({ error: 'not_found' }, 404);
  }
}

/**
 * A function that gives the object's stub. A stub is made per call: Workers refuse I/O through
 * a stub made while handling another request, and a receiver is reused across requests.
 */
function objectOf(namespace, name, what) {
  if (typeof namespace?.idFromName !== 'function') {
    throw new FlagsmithWebhookError('invalid_option', `${what} takes a Durable Object namespace binding (env.FLAGS, bound to the exported class).`);
  }
  const id = namespace.idFromName(name);
  return () => namespace.get(id);
}

async function call(stubOf, path, init) {
  const response = await stubOf().fetch(`https://durable-object${path}`, init);
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`the Durable Object answered ${response.status}`);
  return response.json();
}

/**
 * A FlagMirrorObject as a receiver's `mirror` (its `apply` is awaited) and for reads from any
 * Worker: `await (durableMirror(env.FLAGS)).get({ environment, feature })`.
 */
export function durableMirror(namespace, { name = 'flags' } = {}) {
  const stub = objectOf(namespace, name, 'durableMirror');
  return {
    apply: (event) => call(stub, '/apply', { method: 'POST', body: JSON.stringify(event) }),
    get: (query) => call(stub, `/flag?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined))}`),
    snapshot: () => call(stub, '/snapshot'),
  };
}

/** An AuditLogObject as a receiver's `audit`, and for queries. */
export function durableAudit(namespace, { name = 'audit' } = {}) {
  const stub = objectOf(namespace, name, 'durableAudit');
  return {
    add: (delivery, event) => call(stub, '/add', { method: 'POST', body: JSON.stringify({ delivery, event }) }),
    records: (query = {}) => call(stub, `/records?${new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined))}`),
    verify: (options = {}) => call(stub, `/verify${options.expectedHead ? `?head=${options.expectedHead}` : ''}`),
    head: async () => (await call(stub, '/head')).head,
  };
}
