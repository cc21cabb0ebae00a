// What receivers keep: the audit sink and the flag mirror, with their Node file stores and
// Cloudflare Durable Objects.

import type { SecretInput, init, verify } from './core.js';
import type { AuditLogCreatedEvent, WebhookEvent } from './model.js';
import type { CapturedDelivery, NonConformingEvent } from './receivers.js';

/** A stored audit record: the delivery as received, and its place in the hash chain. */
export interface AuditRecord extends CapturedDelivery {
  /** `audit:<record id>`, or `delivery:<delivery key>` for the Test webhook sample (no id). */
  key: string;
  seq: number;
  /** The previous record's hash (64 zeros for the first). */
  prev: string;
  /** SHA-256 of the record's canonical JSON without `hash`. */
  hash: string;
}

/** Where an AuditSink keeps its records. */
export interface AuditStore {
  append(record: AuditRecord): Promise<void>;
  list(): Promise<AuditRecord[]>;
}

/** Keeps records in memory. */
export declare function memoryAuditStore(): AuditStore;
/** An append-only JSON Lines file, fsync'd after every record (Node 20.16+). */
export declare function fileAuditStore(path: string): AuditStore;

export type ChainVerdict = { ok: true; count: number; head: string } | { ok: false; index: number; reason: string };

/** Checks a chain: the first record removed before, altered, moved or inserted; with `expectedHead`, records cut from the end. */
export declare function verifyChain(records: readonly AuditRecord[], options?: { expectedHead?: string }): Promise<ChainVerdict>;
/** The index of the secret that signed a stored record, or -1. */
export declare function verifyStoredRecord(record: AuditRecord, secrets: SecretInput | readonly SecretInput[]): number;

/** Filters, as Flagsmith's audit log page filters. */
export interface AuditQuery {
  /** ISO times, on the record's `created_date`. */
  from?: string;
  to?: string;
  relatedObjectType?: string;
  /** The author's e-mail, any case. */
  author?: string;
  /** Id or name. */
  project?: number | string;
  environment?: number | string;
  /** In the log line, any case. */
  text?: string;
}

/** AUDIT_LOG_CREATED deliveries stored exactly once, in a hash chain. */
export declare class AuditSink {
  constructor(options?: { store?: AuditStore });
  /** Stores the record once (by its id); concurrent adds chain in one order. */
  add(delivery: CapturedDelivery, event: WebhookEvent | NonConformingEvent): Promise<{ stored: boolean; key?: string; hash?: string; reason?: string }>;
  /** The latest record's hash: keep it elsewhere to detect records cut from the end. */
  head(): Promise<string>;
  verify(options?: { expectedHead?: string }): Promise<ChainVerdict>;
  records(query?: AuditQuery): Promise<Array<AuditRecord & { data: AuditLogCreatedEvent['data'] }>>;
}

/** A FlagMirror restored from `path` when it exists and written there atomically after every change (Node 20.16+). */
export declare function fileMirror(path: string): FlagMirror;

/** A Durable Object namespace binding (`env.FLAGS`). */
export interface DurableObjectNamespaceLike {
  idFromName(name: string): unknown;
  get(id: any): { fetch(input: string, init?: RequestInit): Promise<Response> };
}

/**
 * A Durable Object holding a FlagMirror: re-export it from your Worker and bind it
 * (`class_name = "FlagMirrorObject"`); receivers reach it through `durableMirror`.
 */
export declare class FlagMirrorObject {
  constructor(ctx: any, env?: unknown);
  fetch(request: Request): Promise<Response>;
}

/** A Durable Object holding an AuditSink (`class_name = "AuditLogObject"`); see `durableAudit`. */
export declare class AuditLogObject {
  constructor(ctx: any, env?: unknown);
  fetch(request: Request): Promise<Response>;
}

/** A FlagMirrorObject as a receiver's `mirror`, and for reads from any Worker. */
export declare function durableMirror(
  namespace: DurableObjectNamespaceLike,
  options?: { name?: string },
): { apply(event: WebhookEvent | NonConformingEvent): Promise<{ changed: boolean; reason?: string }>; get(query: { environment: number | string; feature: number | string; segment?: number | string; identity?: number | string }): Promise<MirroredState | undefined>; snapshot(): Promise<MirrorSnapshot> };

/** An AuditLogObject as a receiver's `audit`, and for queries. */
export declare function durableAudit(
  namespace: DurableObjectNamespaceLike,
  options?: { name?: string },
): Pick<AuditSink, 'add' | 'head'> & { records(query?: AuditQuery): Promise<Array<AuditRecord & { data: AuditLogCreatedEvent['data'] }>>; verify(options?: { expectedHead?: string }): Promise<ChainVerdict> };

/** True for the sample Flagsmith's "Test webhook" button sends (made-up ids that collide with real ones). */
export declare function isTestWebhookSample(event: WebhookEvent | NonConformingEvent): boolean;

/** One flag state in a FlagMirror. */
export interface MirroredState {
  environment: { id: number; name: string };
  feature: { id: number; name: string; type: string };
  /** `default`, `segment:<segment id>` or `identity:<identity>`. */
  scope: string;
  enabled: boolean;
  value: string | number | boolean | null;
  /** The variants' allocations, by option id. */
  multivariate: Array<{ id: number; value: string | number | boolean | null; percentage_allocation: number }>;
  /** The state's `timestamp` as sent (`""` when Flagsmith sent none). */
  timestamp: string;
  segment?: { id: number; name: string; priority: number };
  identity?: { id: number | string; identifier: string | null };
}

/** A change a FlagMirror's subscribers hear; `after` is undefined for a deletion. */
export interface MirrorChange {
  environment: { id: number; name: string };
  feature: { id: number; name: string; type: string };
  scope: string;
  before?: MirroredState;
  after?: MirroredState;
}

/** FlagMirror.toJSON(): canonical (the same state gives the same JSON in any arrival order). */
export interface MirrorSnapshot {
  format: 'flagsmith-webhooks/flag-mirror@1';
  states: MirroredState[];
  deleted: Array<{ environment: number; feature: number }>;
}

/**
 * The current state of every flag a stream of webhooks has told it about, the same whatever
 * order the deliveries arrive in: per environment, feature and scope the latest `timestamp`
 * wins; a FLAG_DELETED removes the feature for good; duplicates change nothing.
 */
export declare class FlagMirror {
  /** Applies an event; `changed` is false (with a reason) for anything that changes nothing. */
  apply(event: WebhookEvent | NonConformingEvent): { changed: boolean; reason?: string };
  /** A flag's state: environment and feature by id or name, optionally a segment or identity override. */
  get(query: { environment: number | string; feature: number | string; segment?: number | string; identity?: number | string }): MirroredState | undefined;
  /** Every state of an environment (by id or name). */
  list(environment: number | string): MirroredState[];
  isDeleted(where: { environment: number; feature: number }): boolean;
  /** Returns a function that unsubscribes. */
  subscribe(listener: (change: MirrorChange) => void): () => void;
  toJSON(): MirrorSnapshot;
  static fromJSON(snapshot: MirrorSnapshot): FlagMirror;
  /** Replaces everything (a resynchronisation from Flagsmith's API); webhooks then apply on top. */
  replaceAll(snapshot: MirrorSnapshot): void;
}
