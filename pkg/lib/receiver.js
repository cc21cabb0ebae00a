// Receivers that are hard to get wrong: a Fetch-API handler (Workers, Deno, Bun, Next.js route
// handlers, Hono), Node middleware (node:http, Express, Connect) and a framework-neutral
// createWebhookHandler for the rest. They share one core, so every receiver answers the same
// request with the same status: a refusal's comes from the core's one table of them
// (RECEIVER_STATUSES in src/error.rs, which the README's table translates); 202 is an early
// acknowledgement while a slow handler runs on, 200 handled (or a duplicate, opt-in).
//
// Flagsmith never retries a 4xx or 5xx, so an authentic JSON object is always handed to user
// code, conforming to the model or not (with its deviations): rejecting it would lose it.
// Error responses carry the error's code and message, never the secret or the body.

import { SIGNATURE_HEADER, Verifier } from './api.js';
import { DEFAULT_ACKNOWLEDGE_AFTER_MS, createCore, headerPairs, refuse, reporter } from './core.js';
import { FlagsmithWebhookError, isVerifierLike } from './errors.js';
import { bodyTooLarge, isOverLimit, maxBodyBytesOf } from './limits.js';

export { DEFAULT_ACKNOWLEDGE_AFTER_MS };

const HEADER = SIGNATURE_HEADER.toLowerCase();

/** Node's rawHeaders (`[name, value, name, value, …]`) as pairs. */
function rawHeaderPairs(raw) {
  const pairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
}

/** Reads a Fetch body with a limit, without buffering more than the limit. */
async function readFetchBody(request, limit) {
  const declared = Number(request.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw bodyTooLarge(limit);
  if (request.bodyUsed) throw alreadyParsed('fetch');
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
      throw bodyTooLarge(limit);
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
 * Verifies a Fetch-API Request and returns its event (with a non-enumerable `deliveryKey`), or
 * throws FlagsmithWebhookError. Strict, like verifyAndParse: for the tolerant result the
 * receivers use, call `verifier.verifyDelivery(await request.arrayBuffer(), signature)`. Reads
 * the body with a limit (default 1 MiB).
 */
export async function verifyRequest(request, secrets, options) {
  const maxBodyBytes = maxBodyBytesOf(options);
  const own = !isVerifierLike(secrets);
  // A verifier of its own is checked before the body is read and freed before returning (the
  // garbage collector alone frees wasm memory too late in a busy loop).
  const verifier = own ? new Verifier(secrets, { maxBodyBytes }) : secrets;
  try {
    const body = await readFetchBody(request, maxBodyBytes);
    const { event, deliveryKey } = verifier.verifyAndParseWithKey(body, request.headers.get(HEADER), { maxBodyBytes });
    Object.defineProperty(event, 'deliveryKey', { value: deliveryKey, enumerable: false, configurable: true });
    return event;
  } finally {
    if (own) verifier.free();
  }
}

const json = (result) => new Response(JSON.stringify(result.body), { status: result.status, headers: responseHeaders(result.status) });

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
  // use ctx.waitUntil for work that should not delay the response; an early acknowledgement
  // hands the handlers still running to it.
  return async (request, env, ctx) => {
    const waitUntil = typeof ctx?.waitUntil === 'function' ? (promise) => ctx.waitUntil(promise) : undefined;
    const runtime = { request, env, ctx, waitUntil };
    return json(await core.handle(request.method, () => request.headers, () => readFetchBody(request, core.maxBodyBytes), runtime));
  };
}

/**
 * For frameworks that have already read the raw body (Fastify with a buffer content-type
 * parser, Koa with a raw body, …): `{ method, headers, body }` in, `{ status, body }` out.
 * `body` must be the raw bytes or text; a parsed object fails loudly with `body_already_parsed`.
 */
export function createWebhookHandler(options) {
  const core = createCore(options);
  return async ({ method = 'POST', headers, body }, context = {}) => {
    const result = await core.handle(method, () => headers, async () => rawBodyOf(body, core.maxBodyBytes), context);
    return { ...result, headers: responseHeaders(result.status) };
  };
}

/** The headers every receiver answers with: JSON, and for 405 the method it allows. */
function responseHeaders(status) {
  return status === 405 ? { 'content-type': 'application/json', allow: 'POST' } : { 'content-type': 'application/json' };
}

/**
 * A Fastify plugin: `app.register(createFastifyPlugin({ path: '/webhook', secret, on }))`.
 * Fastify encapsulates a plugin registered this way, so the raw-body parsing it sets up applies
 * to its own route only, and every other route keeps Fastify's JSON parsing. Bodies over
 * `maxBodyBytes` are refused while Fastify reads them (413 `body_too_large`, as everywhere).
 */
export function createFastifyPlugin(options) {
  const path = pathOption(options?.path);
  if (path === undefined) {
    throw new FlagsmithWebhookError('invalid_option', "invalid path: createFastifyPlugin needs the webhook route's path, such as path: '/webhooks/flagsmith'.");
  }
  const core = createCore(options);
  const report = reporter(options);
  return async function flagsmithWebhooks(fastify) {
    // Inside this plugin's context only: every body is kept as raw bytes, whatever its type.
    fastify.removeAllContentTypeParsers();
    fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: core.maxBodyBytes }, (request, body, done) => done(null, body));
    fastify.setErrorHandler(async (error, request, reply) => {
      const tooLarge = error.code === 'FST_ERR_CTP_BODY_TOO_LARGE';
      const answer = tooLarge ? bodyTooLarge(core.maxBodyBytes) : new FlagsmithWebhookError('handler_failed', 'the request could not be read.', undefined, error);
      await report(answer, { fastify: { request, reply } });
      const refused = refuse(answer);
      return reply.code(refused.status).headers(responseHeaders(refused.status)).send(refused.body);
    });
    fastify.all(path, async (request, reply) => {
      const result = await core.handle(request.method, () => request.headers, async () => rawBodyOf(request.body, core.maxBodyBytes), { fastify: { request, reply } });
      return reply.code(result.status).headers(responseHeaders(result.status)).send(result.body);
    });
  };
}

function alreadyParsed(where = 'node') {
  const fix =
    where === 'fetch'
      ? 'Fix: hand the receiver the request before anything reads its body: in Hono, do not call c.req.json() or ' +
        'c.req.text() in a middleware on this route (or pass c.req.raw.clone() to it); elsewhere, pass request.clone() ' +
        'to whatever reads the body first.'
      : "Fix: give this route the raw body. In Express, mount express.raw({ type: 'application/json' }) on the " +
        'webhook route, or register the webhook route before app.use(express.json()); in Fastify, add a ' +
        'content-type parser with parseAs: "buffer"; in Next.js\'s Pages Router, export const config = { api: ' +
        '{ bodyParser: false } }; elsewhere, keep the raw body as req.rawBody (a Buffer).';
  return new FlagsmithWebhookError(
    'body_already_parsed',
    'the request body was already read (most often by a JSON body parser), so the raw bytes that the signature ' +
      `covers are gone (re-serialising never reproduces them). ${fix}`,
  );
}

const isRaw = (value) => typeof value === 'string' || value instanceof Uint8Array || value instanceof ArrayBuffer;

function rawBodyOf(body, limit) {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string' || body instanceof Uint8Array || body instanceof ArrayBuffer || ArrayBuffer.isView(body)) {
    const view = ArrayBuffer.isView(body) || body instanceof ArrayBuffer ? new Uint8Array(body.buffer ?? body, body.byteOffset ?? 0, body.byteLength) : body;
    if (isOverLimit(view, limit)) throw bodyTooLarge(limit);
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
      reject(bodyTooLarge(limit));
      return;
    }
    const chunks = [];
    let total = 0;
    req.on('data', (chunk) => {
      total += chunk.length;
      if (total > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** The `path` option: undefined (every path), or a path starting with `/`. */
function pathOption(path) {
  if (path === undefined) return undefined;
  if (typeof path !== 'string' || !path.startsWith('/') || path.includes('?')) {
    throw new FlagsmithWebhookError(
      'invalid_option',
      `invalid path: expected the webhook route's path, such as '/webhooks/flagsmith' (no query string), got ${String(path).slice(0, 40)}.`,
    );
  }
  return path;
}

/** The request's path without its query: Express and Connect keep the unmounted one as originalUrl. */
function pathnameOf(req) {
  const url = req.originalUrl ?? req.url ?? '/';
  const query = url.indexOf('?');
  return query < 0 ? url : url.slice(0, query);
}

/**
 * Node middleware for node:http, Express and Connect: `(req, res, next?)`. With `path`, only
 * requests to that path are webhooks; others go to `next` (Express, Connect) or get 404
 * (node:http), so the middleware can be mounted for a whole app. Reads the raw body
 * itself, or uses `req.rawBody` / a raw `req.body` (express.raw) when a parser ran first. If a
 * JSON body parser already consumed it, it answers 500 with `body_already_parsed` and says how
 * to fix the mount order, instead of reporting a bad signature.
 */
export function createNodeMiddleware(options) {
  const path = pathOption(options?.path);
  const core = createCore(options);
  return async (req, res, next) => {
    if (path !== undefined && pathnameOf(req) !== path) {
      // Not the webhook's path: the next middleware's (Express, Connect), or 404 (node:http).
      if (typeof next === 'function') {
        next();
        return;
      }
      const refused = refuse(new FlagsmithWebhookError('not_found', `this server receives Flagsmith webhooks at ${path} only.`));
      res.statusCode = refused.status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(refused.body));
      return;
    }
    const readBody = async () => {
      // A raw body a parser kept (express.raw, express.text, a rawBody plugin) is used as is.
      for (const raw of [req.rawBody, req.body]) if (isRaw(raw)) return rawBodyOf(raw, core.maxBodyBytes);
      // Otherwise the stream must still be unread: body-parser marks req._body when it read it.
      if (req.readableEnded || req._body === true) throw alreadyParsed();
      return readNodeBody(req, core.maxBodyBytes);
    };
    const result = await core.handle(req.method, () => rawHeaderPairs(req.rawHeaders ?? []), readBody, { req, res });
    if (res.headersSent) {
      // A handler that wrote its own head but never ended the response would leave the
      // request hanging until the client gives up (Flagsmith: a timeout, then a retry).
      if (!res.writableEnded) res.end();
      return;
    }
    res.statusCode = result.status;
    for (const [name, value] of Object.entries(responseHeaders(result.status))) res.setHeader(name, value);
    if (result.status === 413 && !req.readableEnded) {
      // The rest of an oversized body is not worth reading: close the connection once the
      // answer is out, instead of draining up to the client's whole upload.
      res.setHeader('connection', 'close');
      res.on('finish', () => req.socket?.destroy());
    }
    res.end(JSON.stringify(result.body));
  };
}
