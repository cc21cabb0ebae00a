// Receivers that are hard to get wrong: a Fetch-API handler (Workers, Deno, Bun, Next.js route
// handlers, Hono), Node middleware (node:http, Express, Connect) and a framework-neutral
// handleWebhook for the rest. They share one core, so every receiver answers the same request
// with the same status:
//
//   405 not POST · 413 body over maxBodyBytes · 401 missing, malformed or wrong signature ·
//   400 not a Flagsmith payload · 500 a handler threw (or the raw body was already consumed) ·
//   200 handled.
//
// Error responses carry the error's code and message, never the secret or the body.

import { SIGNATURE_HEADER, Verifier } from './api.js';
import { FlagsmithWebhookError, isVerifierLike } from './errors.js';
import { bodyTooLarge, maxBodyBytesOf } from './limits.js';

const SIGNATURE_CODES = new Set(['missing_signature', 'malformed_signature', 'signature_mismatch']);
const PAYLOAD_CODES = new Set(['invalid_json', 'invalid_payload', 'invalid_body']);
const HEADER = SIGNATURE_HEADER.toLowerCase();

const tooLarge = bodyTooLarge;

function verifierOf(options, maxBodyBytes) {
  if (isVerifierLike(options.verifier)) return options.verifier;
  const secrets = options.secrets ?? options.secret;
  return new Verifier(secrets, { maxBodyBytes });
}

/**
 * Verifies, then parses; attaches a non-enumerable `deliveryKey` (so it never appears in
 * JSON.stringify or toFlagsmithJson): the body's HMAC under the current secret, 64 hex
 * characters, the same for every byte-identical retry of one delivery. Computed on first read.
 */
function verifiedEvent(verifier, body, signature, maxBodyBytes) {
  const event = verifier.verifyAndParse(body, signature, { maxBodyBytes });
  let key;
  Object.defineProperty(event, 'deliveryKey', {
    get: () => (key ??= verifier.sign(body)),
    enumerable: false,
    configurable: true,
  });
  return event;
}

function signatureFromHeaders(headers) {
  if (typeof headers?.get === 'function') return headers.get(HEADER);
  // Node's IncomingHttpHeaders (lower-case names; a repeated header may already be joined),
  // or any plain object, looked up case-insensitively.
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === HEADER) return value;
  }
  return undefined;
}

/** Reads a Fetch body with a limit, without buffering more than the limit. */
async function readFetchBody(request, limit) {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const body = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Verifies a Fetch-API Request and returns its event (with `deliveryKey`), or throws
 * FlagsmithWebhookError. Reads the body with a limit (default 1 MiB).
 */
export async function verifyRequest(request, secrets, options) {
  const maxBodyBytes = maxBodyBytesOf(options);
  if (isVerifierLike(secrets)) return verifiedEvent(secrets, await readFetchBody(request, maxBodyBytes), request.headers.get(HEADER), maxBodyBytes);
  // A verifier of its own, checked before the body is read and freed before returning (the
  // garbage collector alone frees wasm memory too late in a busy loop); the delivery key is
  // computed while it is alive.
  const verifier = new Verifier(secrets, { maxBodyBytes });
  try {
    const event = verifiedEvent(verifier, await readFetchBody(request, maxBodyBytes), request.headers.get(HEADER), maxBodyBytes);
    const key = event.deliveryKey;
    Object.defineProperty(event, 'deliveryKey', { value: key, enumerable: false, configurable: true });
    return event;
  } finally {
    verifier.free();
  }
}

function routeOf(event, on) {
  if (event.event_type === undefined) return on.identity ?? on.default;
  const known = ['FLAG_UPDATED', 'FLAG_DELETED', 'NEW_VERSION_PUBLISHED', 'AUDIT_LOG_CREATED'].includes(event.event_type);
  return (known ? on[event.event_type] : undefined) ?? on.default;
}

function reply(status, error) {
  if (!error) return { status, body: { ok: true } };
  return { status, body: { ok: false, error: error.code, message: error.message } };
}

/** The receivers' shared core: one request in, one status out. */
function createCore(options) {
  const maxBodyBytes = maxBodyBytesOf({ maxBodyBytes: options.maxBodyBytes });
  const verifier = verifierOf(options, maxBodyBytes);
  const on = options.on ?? {};
  const report = async (error, context) => {
    try {
      await options.onError?.(error, context);
    } catch {
      // A failing logger must not change the response.
    }
  };

  return {
    maxBodyBytes,
    /** `readBody` returns the raw bytes (or throws body_too_large); `context` reaches handlers. */
    async handle(method, signature, readBody, context) {
      if (method !== 'POST') {
        const error = new FlagsmithWebhookError('method_not_allowed', `Flagsmith sends webhooks as POST, not ${method}.`);
        await report(error, context);
        return reply(405, error);
      }
      let event;
      try {
        event = verifiedEvent(verifier, await readBody(), signature, maxBodyBytes);
      } catch (error) {
        await report(error, context);
        if (!(error instanceof FlagsmithWebhookError)) return reply(500, new FlagsmithWebhookError('handler_failed', 'the request could not be read.'));
        if (error.code === 'body_too_large') return reply(413, error);
        if (SIGNATURE_CODES.has(error.code)) return reply(401, error);
        if (PAYLOAD_CODES.has(error.code)) return reply(400, error);
        return reply(500, error);
      }
      const handlerContext = { ...context, deliveryKey: event.deliveryKey };
      try {
        await options.onEvent?.(event, handlerContext);
        await routeOf(event, on)?.(event, handlerContext);
      } catch (error) {
        await report(error, { ...handlerContext, event });
        return reply(500, new FlagsmithWebhookError('handler_failed', 'the webhook handler failed; see your onError log. Flagsmith will not retry a 500.'));
      }
      return reply(200);
    },
  };
}

const json = (result) =>
  new Response(JSON.stringify(result.body), {
    status: result.status,
    headers: { 'content-type': 'application/json', ...(result.status === 405 ? { allow: 'POST' } : {}) },
  });

/**
 * A Fetch-API handler, `(request) => Promise<Response>`, for Workers, Deno, Bun, Next.js route
 * handlers and Hono. Options: `secret` or `secrets` (or a `verifier`), `on` (handlers by event
 * type, plus `identity` for identity integration bodies and `default` for any other type),
 * `onEvent` (every event), `onError` (every rejected request and handler failure) and
 * `maxBodyBytes` (default 1 MiB). Handlers are called as `handler(event, context)`, where context
 * has `deliveryKey`, `request`, and on Workers `env` and `ctx`.
 */
export function createHandler(options) {
  const core = createCore(options);
  // Workers call fetch(request, env, ctx): handlers get both in their context, so that they can
  // use ctx.waitUntil for work that should not delay the response.
  return async (request, env, ctx) =>
    json(await core.handle(request.method, request.headers.get(HEADER), () => readFetchBody(request, core.maxBodyBytes), { request, env, ctx }));
}

/**
 * For frameworks that have already read the raw body (Fastify with a buffer content-type
 * parser, Koa with a raw body, …): `{ method, headers, body }` in, `{ status, body }` out.
 * `body` must be the raw bytes or text; a parsed object fails loudly with `body_already_parsed`.
 */
export function createWebhookHandler(options) {
  const core = createCore(options);
  return ({ method = 'POST', headers, body }, context = {}) =>
    core.handle(method, signatureFromHeaders(headers), async () => rawBodyOf(body, core.maxBodyBytes), context);
}

function alreadyParsed() {
  return new FlagsmithWebhookError(
    'body_already_parsed',
    'the request body was already parsed as JSON by a body parser, so the raw bytes that the signature ' +
      'covers are gone (re-serialising never reproduces them). Fix: give this route the raw body. In Express, ' +
      "mount express.raw({ type: 'application/json' }) on the webhook route, or register the webhook route " +
      'before app.use(express.json()); in Fastify, add a content-type parser with parseAs: "buffer"; elsewhere, ' +
      'keep the raw body as req.rawBody (a Buffer).',
  );
}

const isRaw = (value) => typeof value === 'string' || value instanceof Uint8Array || value instanceof ArrayBuffer;

function rawBodyOf(body, limit) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const size = typeof body === 'string' ? new TextEncoder().encode(body).byteLength : body.byteLength;
    if (size > limit) throw tooLarge(limit);
    return body;
  }
  throw alreadyParsed();
}

/** Reads a Node request stream with a limit, destroying the stream past it. */
/**
 * Reads a Node request stream with a limit. Past the limit it stops reading (the rest of the
 * body is never read or buffered: the middleware answers 413 and closes the connection).
 */
function readNodeBody(req, limit) {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(tooLarge(limit));
      return;
    }
    const chunks = [];
    let total = 0;
    req.on('data', (chunk) => {
      total += chunk.length;
      if (total > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * Node middleware for node:http, Express and Connect: `(req, res, next?)`. Reads the raw body
 * itself, or uses `req.rawBody` / a raw `req.body` (express.raw) when a parser ran first. If a
 * JSON body parser already consumed it, it answers 500 with `body_already_parsed` and says how
 * to fix the mount order, instead of reporting a bad signature.
 */
export function createNodeMiddleware(options) {
  const core = createCore(options);
  return async (req, res) => {
    const readBody = async () => {
      // A raw body a parser kept (express.raw, express.text, a rawBody plugin) is used as is.
      for (const raw of [req.rawBody, req.body]) if (isRaw(raw)) return rawBodyOf(raw, core.maxBodyBytes);
      // Otherwise the stream must still be unread: body-parser marks req._body when it read it.
      if (req.readableEnded || req._body === true) throw alreadyParsed();
      return readNodeBody(req, core.maxBodyBytes);
    };
    const result = await core.handle(req.method, signatureFromHeaders(req.headers), readBody, { req, res });
    if (res.headersSent) {
      // A handler that wrote its own head but never ended the response would leave the
      // request hanging until the client gives up (Flagsmith: a timeout, then a retry).
      if (!res.writableEnded) res.end();
      return;
    }
    res.statusCode = result.status;
    res.setHeader('content-type', 'application/json');
    if (result.status === 405) res.setHeader('allow', 'POST');
    if (result.status === 413 && !req.readableEnded) {
      // The rest of an oversized body is not worth reading: close the connection once the
      // answer is out, instead of draining up to the client's whole upload.
      res.setHeader('connection', 'close');
      res.on('finish', () => req.socket?.destroy());
    }
    res.end(JSON.stringify(result.body));
  };
}
