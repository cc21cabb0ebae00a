// Type-checked by `tsc --noEmit -p tests/types` in the test command: narrowing on event_type
// gives the right fields, and the @ts-expect-error lines prove that wrong uses are rejected.
import init, {
  DEFAULT_MAX_BODY_BYTES,
  FlagsmithWebhookError,
  MAX_BODY_BYTES_LIMIT,
  isConforming,
  memoryDeliveryStore,
  verifyDelivery,
  SIGNATURE_HEADER,
  Verifier,
  isIdentityPayload,
  isKnownEvent,
  parse,
  sign,
  verify,
  verifyAndParse,
  describe,
  diff,
  signEvent,
  toFlagsmithJson,
  createHandler,
  createFastifyPlugin,
  FlagMirror,
  durableAudit,
  durableMirror,
  type DurableObjectNamespaceLike,
  AuditSink,
  fileMirror,
  memoryAuditStore,
  verifyChain,
  createNodeMiddleware,
  sampleEvent,
  signedRequest,
  verifyRequest,
  type ErrorCode,
  type FlagDiff,
  type WebhookEvent,
} from 'flagsmith-webhooks';
import * as verifyOnly from 'flagsmith-webhooks/verify';

declare const body: Uint8Array;
declare const header: string | null;

await init();
const signature: string = sign('secret', body);
const ok: boolean = verify(['current', 'previous'], body, [signature, 'other']);
verify('secret', new ArrayBuffer(4), undefined);
const header_name: 'X-Flagsmith-Signature' = SIGNATURE_HEADER;

const event: WebhookEvent = verifyAndParse('secret', body, header);

if (event.event_type === 'FLAG_UPDATED') {
  const name: string = event.data.new_state.feature.name;
  const enabled: boolean = event.data.new_state.enabled;
  const previous = event.data.previous_state;
  if (previous) {
    const before: string | number | boolean | null = previous.feature_state_value;
  }
  // @ts-expect-error previous_state may be absent or null
  event.data.previous_state.enabled;
  // @ts-expect-error audit fields do not exist on a flag change
  event.data.log;
}

if (event.event_type === 'FLAG_DELETED') {
  const gone: null = event.data.new_state;
  const last: string = event.data.previous_state.feature.name;
}

if (event.event_type === 'AUDIT_LOG_CREATED') {
  const log: string = event.data.log;
  const who: string | undefined = event.data.author?.email;
  // @ts-expect-error author may be null
  event.data.author.email;
}

if (event.event_type === 'NEW_VERSION_PUBLISHED') {
  const states: number = event.data.feature_states.length;
  const by: string | undefined = event.data.published_by?.email;
}

switch (event.event_type) {
  case 'FLAG_UPDATED':
    event.data.new_state.identity_identifier;
    break;
  case 'AUDIT_LOG_CREATED':
    event.data.related_object_type;
    break;
  case undefined: {
    // Only the identity integration body has no event_type.
    const identity: string = event.identity;
    break;
  }
  default: {
    // Unknown event types still come through; their event_type is a string at runtime.
    const type: string = String(event.event_type);
    const data: unknown = event.data;
  }
}

if (isKnownEvent(event)) {
  const known: 'FLAG_UPDATED' | 'FLAG_CREATED' | 'FLAG_DELETED' | 'NEW_VERSION_PUBLISHED' | 'AUDIT_LOG_CREATED' = event.event_type;
}
if (isIdentityPayload(event)) {
  const traits: number = event.traits.length;
}

// @ts-expect-error a misspelt event type can never match
if (event.event_type === 'FLAG_UPDATE') {
}

// @ts-expect-error data is not narrowed without checking event_type
event.data.new_state;

const verifier = new Verifier(['current', new Uint8Array([1, 2])]);
const index: number = verifier.match(body, header);
verifier.verifyAndParse('{}', null);
parse(new DataView(new ArrayBuffer(2)));

try {
  verifyAndParse('secret', body, header);
} catch (error) {
  if (error instanceof FlagsmithWebhookError) {
    const code: ErrorCode = error.code;
    // @ts-expect-error codes are a closed set
    const wrong: 'not_a_code' = error.code;
  }
}

// @ts-expect-error a parsed object is not a body
verify('secret', { data: {} }, signature);
// @ts-expect-error the secret is required
verify(body, signature);
// An unset environment variable type-checks (and is refused at run time with invalid_secret).
declare const fromEnvironment: string | undefined;
new Verifier(fromEnvironment);

// The payload helpers.
const wire: string = toFlagsmithJson(event);
const summary: string = describe(event);
const signed: { body: string; signature: string } = signEvent('secret', event);
if (event.event_type === 'FLAG_UPDATED') {
  const changes: FlagDiff = diff(event);
  const first: string | undefined = changes.changes[0]?.path;
  if (changes.scope.type === 'segment') {
    const segmentName: string = changes.scope.name;
  }
}
const maybe = diff(event);
// @ts-expect-error diff is null for events other than FLAG_UPDATED and FLAG_DELETED
maybe.changes;

// Receivers: handlers are narrowed by their key.
const handler = createHandler({
  secrets: ['current', 'previous'],
  on: {
    FLAG_UPDATED: (flag, { deliveryKey, ctx }) => {
      const name: string = flag.data.new_state.feature.name;
      const key: string = deliveryKey;
      ctx?.waitUntil(Promise.resolve());
    },
    AUDIT_LOG_CREATED: (audit) => {
      const log: string = audit.data.log;
      // @ts-expect-error an audit event has no new_state
      audit.data.new_state;
    },
    identity: (body) => {
      const id: string = body.identity;
    },
  },
  onError: (error) => console.warn(error),
  maxBodyBytes: 1 << 20,
});
const response: Promise<Response> = handler(signedRequest('https://example.test/', 'secret', sampleEvent('FLAG_UPDATED')));
const deleted = sampleEvent('FLAG_DELETED');
const stateName: string = deleted.data.previous_state.feature.name;
verifyRequest(new Request('https://example.test/'), 'secret').then((received) => {
  const key: string = received.deliveryKey;
});

// Body limits: a per-call option everywhere a body goes, and a verifier-wide default.
{
  const limited = new Verifier('secret', { maxBodyBytes: DEFAULT_MAX_BODY_BYTES * 4 });
  limited.verify('{}', 'sig', { maxBodyBytes: MAX_BODY_BYTES_LIMIT });
  parse('{}', { maxBodyBytes: 2048 });
  limited.free();
  // @ts-expect-error a size is a number of bytes, not a string
  parse('{}', { maxBodyBytes: '1mb' });
}

// Tolerant receiving: a non-conforming delivery promises no shape until isConforming says so.
{
  const delivery = verifyDelivery('secret', '{}', 'sig');
  if (delivery.conforming) {
    const type: WebhookEvent = delivery.event;
  } else {
    const path: string = delivery.deviations[0].path;
    // @ts-expect-error a non-conforming event has no promised data
    const name: string = delivery.event.data.new_state.feature.name;
  }
  createHandler({
    secret: 'secret',
    acknowledgeAfterMs: false,
    replay: { maxAgeSeconds: 600, undated: 'reject' },
    dedupe: { store: memoryDeliveryStore(), ttlSeconds: 3600 },
    on: {
      FLAG_CREATED: (event) => {
        const feature: string = event.data.new_state.feature.name;
      },
      nonConforming: (event, context) => {
        const first: string | undefined = context.deviations[0]?.expected;
        const line: string = JSON.stringify(context.delivery);
        // @ts-expect-error nothing is promised about a non-conforming body's fields
        const type: string = event.data.new_state;
      },
    },
    onEvent: (event, context) => {
      if (isConforming(event) && event.event_type === 'FLAG_UPDATED') {
        const enabled: boolean = event.data.new_state.enabled;
      }
    },
    onError: (error, context) => {
      const stored: string | undefined = context.delivery?.body;
    },
  });
}

// onError gets a FlagsmithWebhookError: its code without narrowing, a handler's throw as cause.
createHandler({
  // An environment variable that may be unset (as `next build` sees it) is accepted.
  secret: undefined as string | undefined,
  onError: (error) => {
    const code: ErrorCode = error.code;
    const cause: unknown = error.cause;
  },
});

// An exhaustive switch: isKnownEvent narrows to the modelled types, so `never` is reachable
// only if a case is missing (delete one and this stops compiling).
function kindOf(event: WebhookEvent): string {
  if (!isKnownEvent(event)) return 'not modelled (or not conforming)';
  switch (event.event_type) {
    case 'FLAG_UPDATED':
    case 'FLAG_CREATED':
    case 'FLAG_DELETED':
      return 'flag';
    case 'NEW_VERSION_PUBLISHED':
      return 'version';
    case 'AUDIT_LOG_CREATED':
      return 'audit';
    default: {
      const missing: never = event;
      return missing;
    }
  }
}

// Node middleware: typed with what it uses of node:http's request and response.
declare const req: { method?: string; url?: string; rawHeaders: string[]; headers: Record<string, string | string[] | undefined>; on(event: string, listener: (...args: any[]) => void): unknown };
{
  const middleware = createNodeMiddleware({ secret: 'secret', path: '/webhook' });
  // @ts-expect-error a response is needed, not a string
  middleware(req, 'res');
  // @ts-expect-error a path is a string
  createNodeMiddleware({ secret: 'secret', path: 42 });
  createFastifyPlugin({ secret: 'secret', path: '/webhook' });
}

// FlagMirror: typed reads, and a receiver keeps one current.
{
  const mirror = new FlagMirror();
  createHandler({ secret: 'secret', mirror });
  const state = mirror.get({ environment: 'Production', feature: 'dark_mode', identity: 'user_123' });
  const enabled: boolean | undefined = state?.enabled;
  const unsubscribe: () => void = mirror.subscribe((change) => change.after?.value);
  const restored: FlagMirror = FlagMirror.fromJSON(mirror.toJSON());
  // @ts-expect-error the feature is required
  mirror.get({ environment: 1 });
}

// The audit sink: typed records and queries.
{
  const sink = new AuditSink({ store: memoryAuditStore() });
  createHandler({ secret: 'secret', audit: sink, mirror: fileMirror('/tmp/mirror.json') });
  sink.records({ relatedObjectType: 'FEATURE', project: 'Web Shop' }).then((records) => {
    const log: string = records[0].data.log;
    const key: string = records[0].key;
  });
  verifyChain([]).then((verdict) => {
    if (!verdict.ok) {
      const index: number = verdict.index;
    }
  });
}

// Durable Objects on Workers.
declare const durableEnv: { FLAGS: DurableObjectNamespaceLike; AUDIT: DurableObjectNamespaceLike };
{
  const env = durableEnv;
  createHandler({ secret: 'secret', mirror: durableMirror(env.FLAGS), audit: durableAudit(env.AUDIT) });
  durableMirror(env.FLAGS).get({ environment: 1, feature: 'banner' }).then((state) => state?.enabled);
}

// flagsmith-webhooks/verify: verifying and signing alone, typed as the full package's.
{
  const lean = new verifyOnly.Verifier([undefined as string | undefined, 'old'], { maxBodyBytes: 4096 });
  const index: number = lean.match(new Uint8Array(0), ['sig']);
  const signed: string = verifyOnly.sign('secret', '{}');
  const ok: boolean = verifyOnly.verify('secret', '{}', signed);
  // @ts-expect-error: the verify-only Verifier does not parse.
  lean.verifyAndParse('{}', 'sig');
  verifyOnly.init().then(() => verifyOnly.wasmMemoryBytes());
  const error: verifyOnly.FlagsmithWebhookError | undefined = undefined;
  void [index, ok, error];
}
