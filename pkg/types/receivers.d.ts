// Receivers: the options every receiver takes, the delivery a handler gets, and a receiver per
// platform (Fetch, node:http, Fastify, framework-neutral, Cloudflare Queues).

import type { BodyInput, BodyOptions, ErrorCode, FlagsmithWebhookError, SecretInput, SignatureInput, Verifier } from './core.js';
import type { AuditLogCreatedEvent, FlagCreatedEvent, FlagDeletedEvent, FlagUpdatedEvent, IdentityPayload, KnownEventType, NewVersionPublishedEvent, WebhookEvent } from './model.js';
import type { AuditSink, FlagMirror } from './stores.js';

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
