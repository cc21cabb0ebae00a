// Type declarations for flagsmith-webhooks. They describe the payloads exactly as Flagsmith
// sends them (snake_case field names, nullability as on the wire); unknown fields are kept at
// runtime but not declared, so that a typo is still a type error.
//
// Narrowing: `event.event_type === 'FLAG_UPDATED'` (or any of the four known types) narrows to
// that event's `data`. Unknown event types stay in the union without defeating this, because
// their `event_type` is a branded string (`UnknownEventType`) that no known literal matches;
// an identity integration body has no `event_type` at all (use `isIdentityPayload`).

/** The header Flagsmith sends the signature in (look it up case-insensitively). */
export declare const SIGNATURE_HEADER: 'X-Flagsmith-Signature';

/** Raw bytes or text of a request body, used as bytes without decoding and re-encoding. */
export type BodyInput = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/**
 * A secret: text (used as its UTF-8 bytes) or bytes. `undefined` is allowed by the types so that
 * `process.env.FLAGSMITH_WEBHOOK_SECRET` can be passed as it is under `--strict`: an unset
 * variable is refused at run time with `invalid_secret`, whose message says to check it.
 */
export type SecretInput = string | Uint8Array | undefined;

/**
 * The header's value: a string, `null`/`undefined` when absent, or several values (a repeated
 * header, e.g. Node's `req.headersDistinct`); a comma-joined string is split the same way.
 */
export type SignatureInput = string | readonly string[] | null | undefined;

/** Every `code` a FlagsmithWebhookError can carry. */
export type ErrorCode =
  | 'missing_signature'
  | 'malformed_signature'
  | 'signature_mismatch'
  | 'invalid_json'
  | 'invalid_payload'
  | 'invalid_secret'
  | 'invalid_body'
  | 'invalid_option'
  | 'not_initialised'
  | 'verifier_freed'
  | 'body_too_large'
  // from the receivers:
  | 'delivery_too_old'
  | 'delivery_from_the_future'
  | 'delivery_undated'
  | 'body_already_parsed'
  | 'method_not_allowed'
  | 'handler_failed'
  | 'not_found';

/** For `signature_mismatch`, what the library could see was the likely cause. */
export type MismatchHint =
  | 'secret_whitespace'
  | 'trailing_whitespace'
  | 'pretty_printed'
  | 'raw_non_ascii'
  | 'compact_separators'
  | 'empty_body'
  | 'wrong_secret_or_altered_body';

/** Thrown for anything that makes a webhook unusable. Messages never contain the secret. */
export declare class FlagsmithWebhookError extends Error {
  readonly name: 'FlagsmithWebhookError';
  /** Stable, for programs: branch on this, not on the message. */
  readonly code: ErrorCode;
  /** Set for `signature_mismatch`. */
  readonly hint?: MismatchHint;
  /** For `handler_failed`: what the handler threw (or why the request could not be read). */
  readonly cause?: unknown;
}

/**
 * Per-call options of every function that takes a body. `maxBodyBytes`: the largest body
 * accepted, in bytes (UTF-8 bytes for a string): a positive whole number up to
 * MAX_BODY_BYTES_LIMIT, default DEFAULT_MAX_BODY_BYTES (1 MiB). Anything else throws
 * `invalid_option`; a larger body throws `body_too_large` (verify and match return false/-1).
 */
export interface BodyOptions {
  maxBodyBytes?: number;
}

/** The default body limit of every function and receiver: 1 MiB (1,048,576 bytes). */
export declare const DEFAULT_MAX_BODY_BYTES: number;
/** The largest `maxBodyBytes` accepted: 256 MiB (a larger body could exhaust wasm memory). */
export declare const MAX_BODY_BYTES_LIMIT: number;

/** HMAC-SHA256 of the body's bytes under the secret: 64 lowercase hex characters. */
export declare function sign(secret: SecretInput, body: BodyInput, options?: BodyOptions): string;

/**
 * Constant-time check of the signature header against the body, under the secret or any of
 * the secrets. Never throws for a bad, malformed or missing signature (it returns false);
 * throws `invalid_secret` or `invalid_body` for programming errors.
 */
export declare function verify(
  secrets: SecretInput | readonly SecretInput[],
  body: BodyInput,
  signature: SignatureInput,
  options?: BodyOptions,
): boolean;

/** Checks the signature, then parses. Throws FlagsmithWebhookError with a `code`. */
export declare function verifyAndParse(
  secrets: SecretInput | readonly SecretInput[],
  body: BodyInput,
  signature: SignatureInput,
  options?: BodyOptions,
): WebhookEvent;

/**
 * Parses a body WITHOUT checking its signature (use verifyAndParse on untrusted input).
 * Throws `invalid_json` (with line and column) or `invalid_payload` (with the JSON path).
 */
export declare function parse(body: BodyInput, options?: BodyOptions): WebhookEvent;

/**
 * Verifies against one or more secrets, each keyed once: the first is the current one (used
 * by `sign`), the others are accepted while you rotate. Reuse one per process.
 */
export declare class Verifier {
  /** `options.maxBodyBytes` is the default of every call on this verifier. */
  constructor(secrets: SecretInput | readonly SecretInput[], options?: BodyOptions);
  /** True when the signature matches under any secret. Never throws for a bad signature. */
  verify(body: BodyInput, signature: SignatureInput, options?: BodyOptions): boolean;
  /** Index of the secret that matched, or -1. */
  match(body: BodyInput, signature: SignatureInput, options?: BodyOptions): number;
  /** Checks the signature, then parses. Throws FlagsmithWebhookError with a `code`. */
  verifyAndParse(body: BodyInput, signature: SignatureInput, options?: BodyOptions): WebhookEvent;
  /** Signs with the first secret. */
  sign(body: BodyInput, options?: BodyOptions): string;
  /** See the function verifyDelivery: the tolerant check the receivers use. */
  verifyDelivery(body: BodyInput, signature: SignatureInput, options?: BodyOptions): VerifiedDelivery;
  /** verifyAndParse, and the delivery key from the same pass over the body. */
  verifyAndParseWithKey(body: BodyInput, signature: SignatureInput, options?: BodyOptions): { event: WebhookEvent; deliveryKey: string };
  /** Releases (and zeroes) the keyed secrets' wasm memory now; the verifier is unusable after. */
  free(): void;
  /** How many secrets it holds. */
  readonly size: number;
}

/**
 * Browsers: loads the module (fetching the .wasm next to the package's glue, or from what you
 * pass). Call once before anything else. In Node and Workers it is a no-op.
 */
export declare function init(
  moduleOrPath?: string | URL | Request | Response | BufferSource | WebAssembly.Module,
): Promise<void>;
/** Synchronous initialisation from bytes or a compiled module. In Node and Workers a no-op. */
export declare function initSync(module?: BufferSource | WebAssembly.Module): void;
export default init;

/** The WebAssembly memory the package uses, in bytes (monitoring: grows to the largest body, then stays flat). */
export declare function wasmMemoryBytes(): number;

/** True for the event types this version models, when the event conforms (narrows to KnownEvent). */
export declare function isKnownEvent(event: WebhookEvent): event is KnownEvent;
/** True for an identity integration body (no envelope, no event_type). */
export declare function isIdentityPayload(event: WebhookEvent): event is IdentityPayload;

/**
 * Serializes a value exactly as Flagsmith's server would send it: keys sorted at every level,
 * `", "` and `": "` separators, ASCII only with `\uXXXX` escapes, Python's float format. Fields
 * Flagsmith stores as floats (`percentage_allocation`) print as floats (`50.0`).
 */
export declare function toFlagsmithJson(value: unknown): string;

/** Serializes an event in Flagsmith's wire format and signs it. */
export declare function signEvent(secret: SecretInput, event: WebhookEvent): { body: string; signature: string };

/** One field that differs; a missing `before` (`after`) means that side did not exist. */
export interface Change {
  /** For display: `enabled`, `feature_state_value`, `feature_segment.priority`, `multivariate[<option id>].percentage_allocation`, `multivariate[<option id>].value` */
  path: string;
  /** The field alone, so that nothing needs to parse `path`. */
  field: 'enabled' | 'feature_state_value' | 'feature_segment.priority' | 'percentage_allocation' | 'value';
  /** For a multivariate allocation (`percentage_allocation`, `value`): its option's id. */
  option?: number;
  before?: FlagValue;
  after?: FlagValue;
}

/** Which state a flag event is about. */
export type Scope =
  | { type: 'environment' }
  | { type: 'segment'; id: number; name: string; priority: number }
  | { type: 'identity'; id: number | string; identifier: string };

/** What a flag event reports as changed. `previous_state` is often inaccurate: not authoritative. */
export interface FlagDiff {
  feature: string;
  environment: string;
  scope: Scope;
  changed_by: string;
  changes: Change[];
}

/** The changes of a FLAG_UPDATED, FLAG_CREATED or FLAG_DELETED event; null for any other event. */
export declare function diff(event: FlagUpdatedEvent | FlagCreatedEvent | FlagDeletedEvent): FlagDiff;
export declare function diff(event: WebhookEvent): FlagDiff | null;

/** A one-line human summary of any event. */
export declare function describe(event: WebhookEvent): string;

// ---------------------------------------------------------------------------------------------
// Receivers

/** An event a receiver verified, with a key that is the same for every retry of one delivery. */
export type ReceivedEvent = WebhookEvent & {
  /**
   * Identifies the delivery: byte-identical retries share it, different bodies do not, so drop
   * duplicates by it. A hash of the signature's HMAC tag, so it is no signature itself. Not
   * enumerable, so it never reaches JSON.stringify or toFlagsmithJson.
   */
  readonly deliveryKey: string;
};

/** One way a body departs from the model. */
export interface Deviation {
  /** JSON path, as in error messages: `data.new_state.enabled`, `(the top level)`. */
  path: string;
  /** What the model expects there: `a boolean`, `an integer`, `null`. */
  expected: string;
  /** What the body has there: `a string`, `nothing` (missing), or a short excerpt. */
  found: string;
}

/**
 * An authentic body that does not fit the model, kept whole: no shape is promised beyond a
 * JSON object. `deviationsOf(event)` lists how it departs.
 */
export interface NonConformingEvent {
  readonly [field: string]: unknown;
}

/** What verifyDelivery hands over: the event typed when it conforms, else whole with its deviations; `body` is the body as text. */
export type VerifiedDelivery =
  | { event: WebhookEvent; body: string; conforming: true; deviations: []; deliveryKey: string; secretIndex: number }
  | { event: NonConformingEvent; body: string; conforming: false; deviations: Deviation[]; deliveryKey: string; secretIndex: number };

/**
 * Checks the signature and hands over any authentic JSON object, typed when it fits the model,
 * whole with its deviations when not (what the receivers use). Throws the signature errors,
 * `invalid_json`, `invalid_payload` (JSON that is not an object) and `body_too_large`.
 */
export declare function verifyDelivery(
  secrets: SecretInput | readonly SecretInput[],
  body: BodyInput,
  signature: SignatureInput,
  options?: BodyOptions,
): VerifiedDelivery;

/** False for an event a receiver or verifyDelivery handed over with deviations from the model. */
export declare function isConforming(event: WebhookEvent | NonConformingEvent): event is WebhookEvent;

/** The deviations of a non-conforming event; `[]` for a conforming one. */
export declare function deviationsOf(event: unknown): Deviation[];

/** The event types this version models. */
export declare const KNOWN_EVENT_TYPES: readonly KnownEventType[];

/**
 * A delivery as a receiver captured it: enough to store it (one JSON line, the inspector's
 * `{headers, body}` shape) and run it again through a receiver or a queue consumer.
 */
export interface CapturedDelivery {
  /** The request's headers as `[name, value]` pairs, the signature among them. */
  headers: Array<[string, string]>;
  /** The body as received (Flagsmith's bodies are ASCII, so the text is the bytes). */
  body: string;
  /** ISO 8601. */
  receivedAt: string;
  deliveryKey: string;
}

/** What handlers receive beside the event. */
export interface HandlerContext {
  deliveryKey: string;
  /** Which configured secret signed it (0: the current one). */
  secretIndex: number;
  /** False when the body does not fit the model (then `on.nonConforming` gets it). */
  conforming: boolean;
  /** How the body departs from the model; `[]` when it conforms. */
  deviations: Deviation[];
  /** The delivery as received, to store or enqueue. */
  delivery: CapturedDelivery;
  /** The Fetch request (createHandler). */
  request?: Request;
  /** Workers: the environment and execution context passed to fetch(request, env, ctx). */
  env?: unknown;
  ctx?: { waitUntil(promise: Promise<unknown>): void };
  /** Where the platform has one: keeps work alive after the response. */
  waitUntil?: (promise: Promise<unknown>) => void;
  /** Node middleware: the request and response. */
  req?: unknown;
  res?: unknown;
  /** The Fastify plugin: Fastify's request and reply. */
  fastify?: { request: unknown; reply: unknown };
  /** Queue consumer: the message and how many times it has been tried (1 the first time). */
  message?: unknown;
  attempts?: number;
}

type Handler<E> = (event: E & { readonly deliveryKey?: string }, context: HandlerContext) => void | Promise<void>;

/** Where de-duplication remembers delivery keys. */
export interface DeliveryStore {
  /** True for the first claim of a key within its time to live. */
  claim(key: string, ttlSeconds: number): boolean | Promise<boolean>;
  /** Forgets a key, so that a later copy is handled again (after a failed handler). */
  release(key: string): void | Promise<void>;
}

/** The replay window, opt-in: checked against the signed in-body time. */
export interface ReplayOptions {
  /** Default 3600 (an hour: Flagsmith's retries span under a minute; queues may lag). */
  maxAgeSeconds?: number;
  /** Clock skew allowed for a date in the future; default 300. */
  maxFutureSeconds?: number;
  /**
   * Deliveries with no signed time (FLAG_DELETED, NEW_VERSION_PUBLISHED, the identity body,
   * `timestamp: ""`, the Test webhook samples): `'accept'` (default) or `'reject'`.
   */
  undated?: 'accept' | 'reject';
  /** The clock, in milliseconds since the epoch (default Date.now). */
  now?: () => number;
}

/** De-duplication by delivery key, opt-in. */
export interface DedupeOptions {
  /** Default: memoryDeliveryStore() (per process). */
  store?: DeliveryStore;
  /** How long a key is remembered; default 86400 (a day). */
  ttlSeconds?: number;
}

export interface ReceiverOptions {
  /**
   * The secret configured on the webhook in Flagsmith. `undefined` (an environment variable
   * set only at run time, as `next build` sees it) is not an error when the receiver is
   * created: every request is then answered 500 `invalid_secret`. To fail at startup instead,
   * pass `verifier: new Verifier(secret)`.
   */
  secret?: SecretInput;
  /** Several secrets while rotating: the current one first (`undefined` as for `secret`). */
  secrets?: SecretInput | readonly SecretInput[];
  /** A Verifier to share (instead of secret/secrets). */
  verifier?: Verifier;
  /**
   * Handlers by event type; `identity` for identity integration bodies, `default` for any other
   * type, `nonConforming` for authentic bodies that do not fit the model.
   */
  on?: {
    FLAG_UPDATED?: Handler<FlagUpdatedEvent>;
    FLAG_CREATED?: Handler<FlagCreatedEvent>;
    FLAG_DELETED?: Handler<FlagDeletedEvent>;
    NEW_VERSION_PUBLISHED?: Handler<NewVersionPublishedEvent>;
    AUDIT_LOG_CREATED?: Handler<AuditLogCreatedEvent>;
    identity?: Handler<IdentityPayload>;
    default?: Handler<WebhookEvent>;
    nonConforming?: Handler<NonConformingEvent>;
  };
  /** Runs for every authentic delivery, conforming or not, before its `on` handler. */
  onEvent?: Handler<WebhookEvent | NonConformingEvent>;
  /**
   * Told about every rejected request and every handler failure (for logging); a failure comes
   * with `context.delivery`, enough to store the delivery and run it again.
   */
  onError?: (error: FlagsmithWebhookError, context: Partial<HandlerContext> & { event?: WebhookEvent | NonConformingEvent }) => void | Promise<void>;
  /**
   * Bodies larger than this get 413 without being buffered (default 1 MiB); checked when the
   * receiver is created (a positive whole number up to MAX_BODY_BYTES_LIMIT, else `invalid_option`).
   */
  maxBodyBytes?: number;
  /**
   * Answer 202 after this many milliseconds while the handlers run on (default 8000, before
   * Flagsmith's 10-second timeout makes it send the delivery again); `false` to wait for them.
   */
  acknowledgeAfterMs?: number | false;
  /** Reject deliveries signed too long ago (400 `delivery_too_old`, …). Off unless given. */
  replay?: boolean | ReplayOptions;
  /** Handle each delivery key once (a duplicate is answered 200 `{ duplicate: true }`). Off unless given. */
  dedupe?: boolean | DedupeOptions;
  /** A FlagMirror (or `durableMirror(env.FLAGS)`) kept current with every authentic, conforming delivery, before its handlers run. */
  mirror?: Pick<FlagMirror, 'apply'> | { apply(event: WebhookEvent | NonConformingEvent): Promise<unknown> };
  /** An AuditSink (or `durableAudit(env.AUDIT)`) that stores every AUDIT_LOG_CREATED delivery once, before its handlers run. */
  audit?: Pick<AuditSink, 'add'>;
}

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

/** The default of `acknowledgeAfterMs`: 8000. */
export declare const DEFAULT_ACKNOWLEDGE_AFTER_MS: number;
/** What `replay: true` means. */
export declare const DEFAULT_REPLAY_WINDOW: Readonly<{ maxAgeSeconds: number; maxFutureSeconds: number; undated: 'accept' | 'reject' }>;
/** What `dedupe: true` remembers a key for: a day. */
export declare const DEFAULT_DEDUPE_TTL_SECONDS: number;

/** The signed time a delivery can be dated by, or why it has none. */
export declare function signedTimeOf(event: WebhookEvent | NonConformingEvent): { time: number; undated?: undefined } | { undated: string; time?: undefined };

/** A bounded in-memory DeliveryStore (per process). */
export declare function memoryDeliveryStore(options?: { maxEntries?: number; now?: () => number }): DeliveryStore & { readonly size: number };

/** A DeliveryStore on a Cloudflare KV namespace (eventually consistent: see the README). */
export declare function kvDeliveryStore(
  namespace: { get(key: string): Promise<string | null>; put(key: string, value: string, options?: { expirationTtl?: number }): Promise<void>; delete(key: string): Promise<void> },
  options?: { prefix?: string },
): DeliveryStore;

/** A Cloudflare Queues consumer for deliveries a receiver enqueued (`context.delivery`). */
export declare function createQueueConsumer(
  options: Omit<ReceiverOptions, 'acknowledgeAfterMs' | 'replay'>,
): (batch: { messages: ReadonlyArray<{ body: unknown; attempts: number; ack(): void; retry(): void }> }, env?: unknown, ctx?: unknown) => Promise<void>;

/**
 * A Fetch-API handler for Workers, Deno, Bun, Next.js route handlers and Hono: 405 not POST,
 * 413 too large, 401 bad or missing signature, 400 not a payload, 500 a handler threw, 200 handled.
 */
export declare function createHandler(options: ReceiverOptions): (request: Request, env?: unknown, ctx?: { waitUntil(promise: Promise<unknown>): void }) => Promise<Response>;

/** Options of createNodeMiddleware. */
export interface NodeMiddlewareOptions extends ReceiverOptions {
  /**
   * The webhook route's path (`'/webhooks/flagsmith'`): requests to other paths go to `next`
   * (Express, Connect) or are answered 404 (node:http). Without it, every request is a webhook.
   */
  path?: string;
}

/** What the middleware reads of node:http's IncomingMessage (no dependency on @types/node). */
export interface NodeRequest {
  method?: string;
  url?: string;
  rawHeaders: string[];
  headers: Record<string, string | string[] | undefined>;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** What the middleware writes of node:http's ServerResponse. */
export interface NodeResponse {
  statusCode: number;
  readonly headersSent: boolean;
  readonly writableEnded: boolean;
  setHeader(name: string, value: string | number | readonly string[]): unknown;
  end(body?: string): unknown;
  on(event: string, listener: (...args: any[]) => void): unknown;
}

/** Node middleware for node:http, Express and Connect; same status policy as createHandler. */
export declare function createNodeMiddleware(options: NodeMiddlewareOptions): (req: NodeRequest, res: NodeResponse, next?: (error?: unknown) => void) => Promise<void>;

/** For frameworks that already hold the raw body (Fastify, Koa, …): `{ status, body }` to send back. */
export declare function createWebhookHandler(
  options: ReceiverOptions,
): (request: { method?: string; headers: Headers | Record<string, string | string[] | undefined> | ReadonlyArray<readonly [string, string]>; body: BodyInput | null | undefined }, context?: Partial<HandlerContext>) => Promise<{
  status: number;
  /** `content-type`, and `allow` for a 405: send them as they are. */
  headers: Record<string, string>;
  body: { ok: boolean; error?: ErrorCode; message?: string; duplicate?: boolean; acknowledged?: 'early' };
}>;

/**
 * A Fastify plugin (Fastify 4 and 5) receiving webhooks at `path`: register it without
 * fastify-plugin, so that its raw-body parsing stays inside it and every other route keeps
 * Fastify's JSON parsing.
 */
export declare function createFastifyPlugin(options: ReceiverOptions & { path: string }): (fastify: any) => Promise<void>;

/** Verifies a Fetch Request (reading its body with a limit) and returns its event, or throws. */
export declare function verifyRequest(
  request: Request,
  secrets: SecretInput | readonly SecretInput[] | Verifier,
  options?: BodyOptions,
): Promise<ReceivedEvent>;

// ---------------------------------------------------------------------------------------------
// Test helpers

/** The event types sampleEvent knows. */
export declare const SAMPLE_EVENT_TYPES: readonly KnownEventType[];
/** A fresh copy of a realistic event of the given type. */
export declare function sampleEvent<T extends KnownEventType>(type: T): Extract<KnownEvent, { event_type: T }>;

/** `{ method, headers, body }` signed exactly as Flagsmith would send it (for fetch or node:http). */
export declare function signedRequestInit(
  secret: SecretInput,
  eventOrBody: WebhookEvent | string | Uint8Array,
): { method: 'POST'; headers: Record<string, string>; body: string | Uint8Array };

/** A Fetch Request signed exactly as Flagsmith would send it, for testing a handler. */
export declare function signedRequest(url: string | URL, secret: SecretInput, eventOrBody: WebhookEvent | string | Uint8Array): Request;

// ---------------------------------------------------------------------------------------------
// The payload model

/** Any parsed body. */
export type WebhookEvent = KnownEvent | UnknownEvent | IdentityPayload;

/** The enveloped event types this version models. */
export type KnownEvent = FlagUpdatedEvent | FlagCreatedEvent | FlagDeletedEvent | NewVersionPublishedEvent | AuditLogCreatedEvent;

export type KnownEventType = KnownEvent['event_type'];

declare const unknownEventType: unique symbol;
/**
 * An event type this version does not know (e.g. a future `SEGMENT_UPDATED`). It is a plain string
 * at runtime; the type is a branded `String` so that no known literal matches it, which is what
 * lets `event.event_type === 'FLAG_UPDATED'` narrow. Read it with `String(event.event_type)`.
 */
export type UnknownEventType = String & { readonly [unknownEventType]: true };

/** An envelope with an event type this version does not know, kept whole. */
export interface UnknownEvent {
  event_type: UnknownEventType;
  data?: unknown;
  [field: string]: unknown;
}

export interface FlagUpdatedEvent {
  event_type: 'FLAG_UPDATED';
  data: FlagChange & { new_state: FeatureState };
}

/**
 * Planned upstream (Flagsmith PR #7900): a feature's creation, with FLAG_UPDATED's data and no
 * `previous_state`. Once it ships, creations stop arriving as FLAG_UPDATED.
 */
export interface FlagCreatedEvent {
  event_type: 'FLAG_CREATED';
  data: FlagChange & { new_state: FeatureState };
}

export interface FlagDeletedEvent {
  event_type: 'FLAG_DELETED';
  /** `changed_by` and `timestamp` describe the last edit before the deletion. */
  data: FlagChange & { new_state: null; previous_state: FeatureState };
}

export interface NewVersionPublishedEvent {
  event_type: 'NEW_VERSION_PUBLISHED';
  data: VersionPublished;
}

export interface AuditLogCreatedEvent {
  event_type: 'AUDIT_LOG_CREATED';
  data: AuditLog;
}

/** `data` of FLAG_UPDATED and FLAG_DELETED. */
export interface FlagChange {
  /** An e-mail address, a master API key's name, or `""`. */
  changed_by: string;
  new_state: FeatureState | null;
  /**
   * Absent (not null) when there was no previous state: a new feature, a first override.
   * Often inaccurate on real servers: never treat it as authoritative.
   */
  previous_state?: FeatureState | null;
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `""`. */
  timestamp: string;
}

/** A flag's value (a float is planned upstream; integers today). */
export type FlagValue = string | number | boolean | null;

/** Open set: `STANDARD` and `MULTIVARIATE` today, `CONFIG` and `FLAG` in older data. */
export type FeatureType = 'STANDARD' | 'MULTIVARIATE' | 'CONFIG' | 'FLAG' | (string & {});

export interface NamedRef {
  id: number;
  name: string;
}

export interface Feature {
  id: number;
  name: string;
  /** RFC 3339 with six fractional digits and `Z`. */
  created_date: string;
  default_enabled: boolean;
  description: string | null;
  /** Always a string (even for the integer 42), or null. */
  initial_value: string | null;
  project: NamedRef;
  type: FeatureType;
}

/** The environment default, a segment override or an identity override. */
export interface FeatureState {
  enabled: boolean;
  environment: NamedRef;
  feature: Feature;
  /** Set for a segment override; never together with `identity`. */
  feature_segment: FeatureSegment | null;
  /** For a multivariate feature, the control value. */
  feature_state_value: FlagValue;
  /** An int for core identities, a UUID string for edge identities. */
  identity: number | string | null;
  /** Set exactly when `identity` is. */
  identity_identifier: string | null;
  /** Absent on servers older than 2.214; in no guaranteed order. */
  multivariate_feature_state_values?: MultivariateValue[];
}

export interface FeatureSegment {
  /** 0 is the highest priority. */
  priority: number;
  segment: { id: number; name: string; description: string | null };
}

export interface MultivariateValue {
  id: number;
  multivariate_feature_option: { id: number; value: FlagValue };
  percentage_allocation: number;
}

/** `data` of NEW_VERSION_PUBLISHED: no timestamp, author name or environment. */
export interface VersionPublished {
  uuid: string;
  feature: NamedRef;
  /** Null when an API key published the version. */
  published_by: { id: number; email: string } | null;
  /** Every state in the version (environment default and segment overrides). */
  feature_states: Array<{
    enabled: boolean;
    value: FlagValue;
    /** Absent on servers older than 2.234. */
    multivariate_feature_state_values?: MultivariateValue[];
  }>;
}

/** Open set of audit record object types. */
export type RelatedObjectType =
  | 'FEATURE'
  | 'FEATURE_STATE'
  | 'SEGMENT'
  | 'ENVIRONMENT'
  | 'CHANGE_REQUEST'
  | 'EDGE_IDENTITY'
  | 'IMPORT_REQUEST'
  | 'EF_VERSION'
  | 'FEATURE_HEALTH'
  | 'RELEASE_PIPELINE'
  | 'WAREHOUSE_CONNECTION'
  | 'EXPERIMENT'
  | 'METRIC'
  | 'PROJECT'
  | (string & {});

/** `data` of AUDIT_LOG_CREATED (optional fields are absent in the test button's sample). */
export interface AuditLog {
  id?: number;
  /** RFC 3339 with `Z`; the fraction is omitted when it is zero. */
  created_date: string;
  log: string;
  /** Null for changes made with an API key or by the system. */
  author: AuditAuthor | null;
  /** Usually null for project-level records; a large settings object otherwise. */
  environment: AuditEnvironment | null;
  /** Null for organisation-level records (planned upstream, Flagsmith issue #2797). */
  project: AuditProject | null;
  related_object_id: number | null;
  related_object_uuid?: string | null;
  related_object_type: RelatedObjectType | null;
  is_system_event?: boolean;
}

export interface AuditAuthor {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  last_login?: string | null;
  uuid?: string;
}

/** The settings not declared here are present at runtime. */
export interface AuditEnvironment {
  id: number;
  name: string;
  uuid?: string;
  /** The client-side environment key. */
  api_key?: string;
  /** The project's id. */
  project?: number;
}

/** The settings not declared here are present at runtime. */
export interface AuditProject {
  id: number;
  name: string;
  uuid?: string;
  organisation?: number;
}

/** The identity integration body: no envelope, no event_type. */
export interface IdentityPayload {
  event_type?: undefined;
  identity: string;
  traits: Array<{
    id: number | null;
    trait_key: string;
    trait_value: string | number | boolean | null;
    transient?: boolean;
  }>;
  flags: Array<{
    id: number;
    feature: {
      id: number;
      name: string;
      created_date: string;
      description: string | null;
      initial_value: string | null;
      default_enabled: boolean;
      type: FeatureType;
    };
    feature_state_value: FlagValue;
    environment: number;
    identity: number | null;
    feature_segment: number | null;
    enabled: boolean;
    /** Present only when truthy. */
    percentage_allocation?: number | null;
  }>;
  segments: Array<{ id: number; name: string; member: boolean }>;
}
