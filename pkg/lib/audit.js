// The audit-log sink: AUDIT_LOG_CREATED deliveries stored exactly once, each with its original
// headers and body (so its signature can be checked again later), in a hash chain that shows
// whether any stored record was removed, altered, reordered or inserted.
//
// A record is the receivers' captured delivery (`{ headers, body, receivedAt, deliveryKey }`,
// the shape `flagsmith-webhooks replay` and the inspector read) plus the chain fields:
// `key` (`audit:<record id>`, or `delivery:<delivery key>` for the Test webhook sample, which has
// no id), `seq` (0, 1, 2, …), `prev` (the previous record's hash; 64 zeros for the first) and
// `hash`: SHA-256 of the record's canonical JSON without `hash`. The chain cannot show records
// cut from its end: keep the latest `hash` (the head) somewhere else and pass it to verifyChain.

import { Verifier, isConforming } from './api.js';
import { canonicalJson } from './canonical.js';
import { FlagsmithWebhookError } from './errors.js';
import { nodeFs } from './node-fs.js';

const GENESIS = '0'.repeat(64);
const CHAIN_FIELDS = ['headers', 'body', 'receivedAt', 'deliveryKey', 'key', 'seq', 'prev'];


/** SHA-256 (WebCrypto: Node, Workers and browsers alike) of a record's chained fields, as hex. */
async function hashOf(record) {
  const covered = Object.fromEntries(CHAIN_FIELDS.map((field) => [field, record[field] ?? null]));
  const digest = await globalThis.crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonicalJson(covered)));
  return [...new Uint8Array(digest)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Keeps records in memory (tests, or a store of your own to start from). */
export function memoryAuditStore() {
  const records = [];
  return {
    async append(record) {
      records.push(structuredClone(record));
    },
    async list() {
      return structuredClone(records);
    },
  };
}

/**
 * An append-only JSON Lines file, one record per line, each write followed by fsync (Node). The
 * file is read once when the sink first needs it; only one sink may write to a file at a time.
 */
export function fileAuditStore(path) {
  const fs = nodeFs('fileAuditStore', 'pass a store of your own');
  return {
    async append(record) {
      const fd = fs.openSync(path, 'a');
      try {
        fs.writeSync(fd, `${JSON.stringify(record)}\n`);
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    },
    async list() {
      let text;
      try {
        text = fs.readFileSync(path, 'utf8');
      } catch (error) {
        if (error.code === 'ENOENT') return [];
        throw error;
      }
      return text
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line, index) => {
          try {
            return JSON.parse(line);
          } catch {
            return { unreadable: `line ${index + 1} is not JSON` };
          }
        });
    },
  };
}

/**
 * Checks a chain of records: `{ ok: true, count, head }`, or `{ ok: false, index, reason }` for
 * the first record that was removed before, altered, moved or inserted. With `expectedHead`
 * (a `hash` kept elsewhere), records cut from the end are found too.
 */
export async function verifyChain(records, { expectedHead } = {}) {
  let prev = GENESIS;
  for (let index = 0; index < records.length; index++) {
    const record = records[index];
    if (record.unreadable) return { ok: false, index, reason: record.unreadable };
    if (record.seq !== index) return { ok: false, index, reason: `expected record ${index} here, found record ${record.seq} (one was removed, moved or inserted)` };
    if (record.prev !== prev) return { ok: false, index, reason: 'its prev is not the hash of the record before it (one was removed, moved or inserted)' };
    if ((await hashOf(record)) !== record.hash) return { ok: false, index, reason: 'its content does not match its hash (it was altered)' };
    prev = record.hash;
  }
  if (expectedHead !== undefined && prev !== expectedHead) {
    return { ok: false, index: records.length, reason: 'the chain does not end at the expected head (records were cut from the end)' };
  }
  return { ok: true, count: records.length, head: prev };
}

/** Checks a stored record's signature again: the index of the secret that signed it, or -1. */
export function verifyStoredRecord(record, secrets) {
  const verifier = new Verifier(secrets);
  try {
    const signature = record.headers.filter(([name]) => name.toLowerCase() === 'x-flagsmith-signature').map(([, value]) => value).join(', ');
    return verifier.match(record.body, signature);
  } finally {
    verifier.free();
  }
}

const lower = (value) => String(value ?? '').toLowerCase();

/** The sink. `add` takes a receiver's captured delivery and its event. */
export class AuditSink {
  #store;
  #loaded;
  #queue = Promise.resolve();

  constructor({ store = memoryAuditStore() } = {}) {
    if (typeof store?.append !== 'function' || typeof store?.list !== 'function') {
      throw new FlagsmithWebhookError('invalid_option', 'invalid store: expected { append(record), list() }, such as memoryAuditStore() or fileAuditStore(path).');
    }
    this.#store = store;
  }

  async #state() {
    this.#loaded ??= this.#store.list().then((records) => ({
      keys: new Set(records.map((record) => record.key)),
      seq: records.length,
      head: records.length ? records[records.length - 1].hash : GENESIS,
    }));
    return this.#loaded;
  }

  /**
   * Stores an AUDIT_LOG_CREATED delivery once (by its record id): `{ stored, key, reason? }`.
   * Appends are serialised, so concurrent deliveries chain in a single order.
   */
  add(delivery, event) {
    const run = this.#queue.then(() => this.#add(delivery, event));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #add(delivery, event) {
    if (event?.event_type !== 'AUDIT_LOG_CREATED' || !isConforming(event)) return { stored: false, reason: 'not an AUDIT_LOG_CREATED record that fits the model' };
    if (typeof delivery?.body !== 'string' || !Array.isArray(delivery?.headers)) {
      throw new FlagsmithWebhookError('invalid_option', 'AuditSink.add takes the delivery a receiver captured (context.delivery: { headers, body, … }).');
    }
    const state = await this.#state();
    const key = event.data.id !== undefined ? `audit:${event.data.id}` : `delivery:${delivery.deliveryKey}`;
    if (state.keys.has(key)) return { stored: false, key, reason: 'already stored' };
    const record = {
      headers: delivery.headers,
      body: delivery.body,
      receivedAt: delivery.receivedAt ?? new Date().toISOString(),
      deliveryKey: delivery.deliveryKey ?? null,
      key,
      seq: state.seq,
      prev: state.head,
    };
    record.hash = await hashOf(record);
    await this.#store.append(record);
    state.keys.add(key);
    state.seq += 1;
    state.head = record.hash;
    return { stored: true, key, hash: record.hash };
  }

  /** The latest record's hash: keep it elsewhere to detect records cut from the end later. */
  async head() {
    return (await this.#state()).head;
  }

  /** verifyChain over everything stored. */
  async verify(options) {
    return verifyChain(await this.#store.list(), options);
  }

  /**
   * Stored records with their parsed data, filtered as Flagsmith's audit log page filters:
   * `from`/`to` (ISO times, on `created_date`), `relatedObjectType`, `author` (e-mail),
   * `project` and `environment` (id or name), `text` (in the log line, any case).
   */
  async records({ from, to, relatedObjectType, author, project, environment, text } = {}) {
    const out = [];
    for (const record of await this.#store.list()) {
      if (record.unreadable) continue;
      let data;
      try {
        data = JSON.parse(record.body).data;
      } catch {
        continue;
      }
      const time = data.created_date ? Date.parse(data.created_date) : NaN;
      if (from !== undefined && !(time >= Date.parse(from))) continue;
      if (to !== undefined && !(time <= Date.parse(to))) continue;
      if (relatedObjectType !== undefined && data.related_object_type !== relatedObjectType) continue;
      if (author !== undefined && lower(data.author?.email) !== lower(author)) continue;
      if (project !== undefined && data.project?.id !== project && data.project?.name !== project) continue;
      if (environment !== undefined && data.environment?.id !== environment && data.environment?.name !== environment) continue;
      if (text !== undefined && !lower(data.log).includes(lower(text))) continue;
      out.push({ ...record, data });
    }
    return out;
  }
}
