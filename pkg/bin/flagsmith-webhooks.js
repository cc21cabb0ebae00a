#!/usr/bin/env node
// The command line for people building receivers: sign, verify, send test webhooks exactly as
// Flagsmith does, replay captured requests, and listen locally. `flagsmith-webhooks --help`.
// The secret may come from FLAGSMITH_WEBHOOK_SECRET instead of --secret (keeps it out of shell
// history).
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as zlib from 'node:zlib';

import {
  AuditSink,
  FlagsmithWebhookError,
  SAMPLE_EVENT_TYPES,
  SIGNATURE_HEADER,
  Verifier,
  createNodeMiddleware,
  describe,
  fileAuditStore,
  fileMirror,
  parse,
  sampleEvent,
  toFlagsmithJson,
} from '../dist/node.mjs';
import { escapeControls } from '../lib/text.js';

const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
const SECRET_NOTE = 'The secret may be given as FLAGSMITH_WEBHOOK_SECRET instead of --secret.';

const COMMANDS = {
  sign: {
    usage: 'flagsmith-webhooks sign --secret S [--body FILE] [--allow-empty]',
    about: `Prints the X-Flagsmith-Signature of a body (--body FILE, else standard input). An empty
body is refused unless --allow-empty: it is almost always a missing file or pipe. ${SECRET_NOTE}`,
    options: { secret: { type: 'string' }, body: { type: 'string' }, 'allow-empty': { type: 'boolean' } },
  },
  verify: {
    usage: 'flagsmith-webhooks verify --secret S --signature SIG [--body FILE]',
    about: `Exits 0 when SIG is the body's signature (and says what the body is), else 1 with the
diagnosis. The body comes from --body FILE, else standard input. ${SECRET_NOTE}`,
    options: { secret: { type: 'string' }, signature: { type: 'string' }, body: { type: 'string' } },
  },
  send: {
    usage: 'flagsmith-webhooks send URL [--secret S] [--event TYPE | --body FILE] [--header NAME:VALUE]... [--unsigned | --signature SIG]',
    about: `POSTs a webhook exactly as Flagsmith does: a realistic event of --event TYPE (default
FLAG_UPDATED), the body of --body FILE (- for standard input), or, when standard input is a pipe
or a file and neither is given, standard input (then an empty one is an error). It is signed
with the secret unless --unsigned (no signature header) or --signature SIG (that value, as is).
--header adds a header (repeatable). Exits 0 for a 2xx reply. Event types: ${SAMPLE_EVENT_TYPES.join(', ')}.
${SECRET_NOTE}`,
    options: {
      secret: { type: 'string' },
      event: { type: 'string' },
      body: { type: 'string' },
      header: { type: 'string', multiple: true },
      unsigned: { type: 'boolean' },
      signature: { type: 'string' },
    },
  },
  replay: {
    usage: 'flagsmith-webhooks replay FILE URL',
    about: `Sends captured requests again, byte for byte, with their original headers and signature
(Host, Content-Length and the connection headers are the new connection's). FILE is a raw HTTP
request as a request bin shows it, a JSON capture { headers, body } (a receiver's
context.delivery; JSON Lines for several), or a requests.json with bodies beside it (the shape
of this repository's tests/fixtures/real). Exits 0 when every reply is 2xx.`,
    options: {},
  },
  listen: {
    usage: 'flagsmith-webhooks listen [--port 8787] [--host 127.0.0.1] [--path /] [--secret S]... [--forward-to URL] [--mirror FILE] [--audit FILE]',
    about: `Runs a local receiver that prints, for every request, the verdict, the diagnosis and what
the delivery is, answering as the package's receivers do. With --forward-to, every verified
delivery is sent on unchanged (its headers and bytes) and the reply printed. --secret may be
repeated (several webhooks, or a rotation). --mirror FILE keeps a FlagMirror snapshot of every
flag's state in FILE (written atomically); --audit FILE stores each audit-log record once in a
hash-chained JSON Lines file. ${SECRET_NOTE}`,
    options: {
      secret: { type: 'string', multiple: true },
      port: { type: 'string' },
      host: { type: 'string' },
      path: { type: 'string' },
      'forward-to': { type: 'string' },
      mirror: { type: 'string' },
      audit: { type: 'string' },
    },
  },
};

const USAGE = `flagsmith-webhooks ${VERSION}: sign, verify, send, replay and receive Flagsmith webhooks.

${Object.values(COMMANDS)
  .map((command) => `  ${command.usage}`)
  .join('\n')}

flagsmith-webhooks COMMAND --help says more about each; --version prints the version.`;

// Everything printed may carry text from a payload, a file or a remote reply: control and
// bidirectional characters are escaped visibly, so nothing printed can drive the terminal.
function fail(message, status = 2) {
  process.stderr.write(`flagsmith-webhooks: ${escapeControls(message, true)}\n`);
  process.exit(status);
}

const print = (line) => process.stdout.write(`${escapeControls(line, true)}\n`);

/** The most of a receiver's reply printed. */
const REPLY_CHARS = 4096;

function printReply(status, statusText, text) {
  const shown = text.length > REPLY_CHARS ? `${text.slice(0, REPLY_CHARS)}… (${text.length - REPLY_CHARS} more characters)` : text;
  const body = escapeControls(shown, true);
  process.stdout.write(`${status} ${escapeControls(statusText ?? '')}\n${body}${body.endsWith('\n') || !body ? '' : '\n'}`);
}

const [first, ...argv] = process.argv.slice(2);
if (first === '--version' || first === '-v') {
  process.stdout.write(`${VERSION}\n`);
  process.exit(0);
}
if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
  process.stdout.write(`${USAGE}\n`);
  process.exit(first === undefined ? 2 : 0);
}
const command = COMMANDS[first];
if (!command) fail(`unknown command ${JSON.stringify(first)}\n${USAGE}`);

const { values, positionals } = (() => {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: { ...command.options, help: { type: 'boolean', short: 'h' } } });
  } catch (error) {
    return fail(`${error.message}\nusage: ${command.usage}`);
  }
})();
if (values.help) {
  process.stdout.write(`usage: ${command.usage}\n\n${command.about}\n`);
  process.exit(0);
}

function secretOrFail() {
  const secret = values.secret ?? process.env.FLAGSMITH_WEBHOOK_SECRET;
  if (!secret) fail(`no secret: pass --secret or set FLAGSMITH_WEBHOOK_SECRET\nusage: ${command.usage}`);
  try {
    return new Verifier(secret);
  } catch (error) {
    return fail(error.message);
  }
}

function readInput(file) {
  try {
    return readFileSync(file === undefined || file === '-' ? 0 : file);
  } catch (error) {
    return fail(`cannot read ${file === undefined || file === '-' ? 'standard input' : file}: ${error.message}`);
  }
}

/** Sends `body` with these header pairs; resolves to { status, statusText, text }. */
function sendRaw(url, method, pairs, body) {
  let target;
  try {
    target = new URL(url);
  } catch {
    fail(`not a URL: ${url}`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') fail(`not an http or https URL: ${url}`);
  // Raw header pairs keep their order and case; Node then adds no Host of its own.
  const headers = ['Host', target.host];
  for (const [name, value] of pairs) headers.push(name, value);
  headers.push('Content-Length', String(body.length));
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const outgoing = send(target, { method, headers, timeout: 10_000 }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, statusText: response.statusMessage, text: decoded(Buffer.concat(chunks), response.headers['content-encoding']) }));
      response.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no reply within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A reply's text, decompressed when a replayed Accept-Encoding asked for it. */
function decoded(bytes, encoding) {
  try {
    if (encoding === 'gzip') return zlib.gunzipSync(bytes).toString('utf8');
    if (encoding === 'deflate') return zlib.inflateSync(bytes).toString('utf8');
    if (encoding === 'br') return zlib.brotliDecompressSync(bytes).toString('utf8');
    // zstd: Node 22.15+ only.
    if (encoding === 'zstd' && zlib.zstdDecompressSync) return zlib.zstdDecompressSync(bytes).toString('utf8');
  } catch {
    // Shown as received.
  }
  return bytes.toString('utf8');
}

async function sendOrFail(url, method, pairs, body) {
  try {
    return await sendRaw(url, method, pairs, body);
  } catch (error) {
    return fail(`could not send to ${url}: ${error.cause?.message ?? error.message}`, 1);
  }
}

/** Headers a new connection sets itself, which a replay or a forward must not copy. */
const CONNECTION_HEADERS = new Set(['host', 'content-length', 'connection', 'keep-alive', 'transfer-encoding', 'te', 'upgrade', 'proxy-connection']);
const replayable = (pairs) => pairs.filter(([name]) => !CONNECTION_HEADERS.has(name.toLowerCase()));

switch (first) {
  case 'sign': {
    const verifier = secretOrFail();
    const body = readInput(values.body);
    if (body.length === 0 && !values['allow-empty']) fail('the body is empty (a missing file or pipe?); pass --allow-empty to sign it anyway');
    process.stdout.write(`${verifier.sign(body)}\n`);
    break;
  }
  case 'verify': {
    const verifier = secretOrFail();
    if (values.signature === undefined) fail(`verify needs --signature\nusage: ${command.usage}`);
    const body = readInput(values.body);
    if (verifier.verify(body, values.signature)) {
      let summary = '';
      try {
        summary = `: ${describe(parse(body))}`;
      } catch (error) {
        summary = ` (but the body is not a Flagsmith payload: ${error.message})`;
      }
      print(`valid${summary}`);
      break;
    }
    try {
      verifier.verifyAndParse(body, values.signature);
    } catch (error) {
      if (!(error instanceof FlagsmithWebhookError)) throw error;
      fail(`invalid (${error.code}${error.hint ? `, ${error.hint}` : ''}): ${error.message}`, 1);
    }
    break;
  }
  case 'send': {
    const [url] = positionals;
    if (!url) fail(`send needs a URL\nusage: ${command.usage}`);
    if (values.event !== undefined && values.body !== undefined) fail('give --event or --body, not both');
    if (values.unsigned && values.signature !== undefined) fail('give --unsigned or --signature, not both');
    let body;
    if (values.body !== undefined) body = readInput(values.body);
    else if (values.event === undefined && !process.stdin.isTTY) {
      // A pipe or a redirected file: what the user meant to send.
      body = readInput('-');
      if (body.length === 0) fail('standard input is empty: pipe a body in, or give --event TYPE or --body FILE');
    } else {
      try {
        body = Buffer.from(toFlagsmithJson(sampleEvent(values.event ?? 'FLAG_UPDATED')));
      } catch (error) {
        fail(error.message);
      }
    }
    const pairs = [['content-type', 'application/json']];
    if (values.signature !== undefined) pairs.push([SIGNATURE_HEADER, values.signature]);
    else if (!values.unsigned) pairs.push([SIGNATURE_HEADER, secretOrFail().sign(body)]);
    for (const header of values.header ?? []) {
      const colon = header.indexOf(':');
      if (colon <= 0) fail(`--header takes NAME:VALUE, got ${JSON.stringify(header)}`);
      pairs.push([header.slice(0, colon).trim(), header.slice(colon + 1).trim()]);
    }
    const reply = await sendOrFail(url, 'POST', pairs, body);
    printReply(reply.status, reply.statusText, reply.text);
    process.exit(reply.status >= 200 && reply.status < 300 ? 0 : 1);
    break;
  }
  case 'replay': {
    const [file, url] = positionals;
    if (!file || !url) fail(`replay needs FILE and URL\nusage: ${command.usage}`);
    const captured = capturedRequests(file);
    let failed = 0;
    for (const one of captured) {
      const reply = await sendOrFail(url, one.method, replayable(one.headers), one.body);
      print(`${one.name}: ${reply.status} ${reply.text.slice(0, 300)}`);
      if (reply.status < 200 || reply.status >= 300) failed++;
    }
    print(`${captured.length - failed} of ${captured.length} replayed requests answered 2xx`);
    process.exit(failed === 0 ? 0 : 1);
    break;
  }
  case 'listen':
    await listen();
    break;
}

/** The requests in a capture file: { name, method, headers: [[name, value]], body: Buffer }. */
function capturedRequests(file) {
  const bytes = readInput(file);
  const text = bytes.toString('latin1');
  if (/^[A-Z]+ \S+ HTTP\/1\.[01]\r?\n/.test(text)) return [rawHttpRequest(bytes, file)];
  let json;
  try {
    json = JSON.parse(bytes.toString('utf8'));
  } catch {
    // JSON Lines: one capture per line.
    try {
      return bytes
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim())
        .map((line, index) => deliveryCapture(JSON.parse(line), `${file}:${index + 1}`));
    } catch (error) {
      return fail(`${file} is neither a raw HTTP request nor JSON captures: ${error.message}`);
    }
  }
  if (Array.isArray(json?.requests)) {
    return json.requests.map((one) => ({
      name: one.file,
      method: (one.request_line ?? 'POST').split(' ')[0],
      headers: one.headers,
      body: readInput(join(dirname(file), one.file)),
    }));
  }
  return [deliveryCapture(json, file)];
}

function deliveryCapture(capture, name) {
  if (typeof capture?.body !== 'string' || !Array.isArray(capture?.headers)) fail(`${name}: expected { headers: [[name, value]], body } as a receiver captures it`);
  return { name, method: 'POST', headers: capture.headers, body: Buffer.from(capture.body, 'utf8') };
}

/** A raw HTTP/1.1 request as a request bin shows it: the head, a blank line, the body. */
function rawHttpRequest(bytes, name) {
  const text = bytes.toString('latin1');
  const crlf = text.indexOf('\r\n\r\n');
  const lf = text.indexOf('\n\n');
  const [headEnd, separator] = crlf >= 0 && (lf < 0 || crlf < lf) ? [crlf, 4] : [lf, 2];
  if (headEnd < 0) fail(`${name}: no blank line between the request's head and its body`);
  const [requestLine, ...lines] = text.slice(0, headEnd).split(/\r?\n/);
  const headers = lines.filter((line) => line.includes(':')).map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
  let body = bytes.subarray(headEnd + separator);
  const length = headers.find(([header]) => header.toLowerCase() === 'content-length');
  if (length && Number(length[1]) <= body.length) body = body.subarray(0, Number(length[1]));
  return { name, method: requestLine.split(' ')[0], headers, body };
}

async function listen() {
  const secrets = values.secret ?? (process.env.FLAGSMITH_WEBHOOK_SECRET ? [process.env.FLAGSMITH_WEBHOOK_SECRET] : []);
  if (secrets.length === 0) fail(`listen needs the webhook's secret: pass --secret or set FLAGSMITH_WEBHOOK_SECRET\nusage: ${command.usage}`);
  const port = Number(values.port ?? 8787);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port takes a port number, got ${values.port}`);
  const host = values.host ?? '127.0.0.1';
  const forwardTo = values['forward-to'];
  if (forwardTo !== undefined && !/^https?:\/\//.test(forwardTo)) fail(`--forward-to takes an http or https URL, got ${forwardTo}`);
  const onDelivery = async (event, context) => {
    const type = event.event_type ?? 'identity';
    const conforming = context.conforming ? '' : ` (does not fit the model: ${context.deviations.map((d) => d.path).join(', ')})`;
    let summary;
    try {
      summary = context.conforming ? describe(event) : type;
    } catch {
      summary = type;
    }
    print(`✓ verified ${type}: ${summary}${conforming} [secret ${context.secretIndex + 1}, key ${context.deliveryKey.slice(0, 12)}…]`);
    if (forwardTo !== undefined) {
      try {
        const reply = await sendRaw(forwardTo, 'POST', replayable(context.delivery.headers), Buffer.from(context.delivery.body, 'utf8'));
        print(`  → forwarded to ${forwardTo}: ${reply.status} ${reply.text.slice(0, 200)}`);
      } catch (error) {
        print(`  → could not forward to ${forwardTo}: ${error.cause?.message ?? error.message}`);
      }
    }
  };
  let verifier;
  try {
    verifier = new Verifier(secrets);
  } catch (error) {
    fail(error.message);
  }
  const mirror = values.mirror === undefined ? undefined : fileMirror(values.mirror);
  const audit = values.audit === undefined ? undefined : new AuditSink({ store: fileAuditStore(values.audit) });
  const middleware = createNodeMiddleware({
    verifier,
    mirror,
    audit,
    path: values.path,
    acknowledgeAfterMs: false,
    onEvent: onDelivery,
    onError: (error) => print(`✗ ${error.code}${error.hint ? ` (${error.hint})` : ''}: ${error.message}`),
  });
  const server = createServer(middleware);
  server.listen(port, host);
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => reject(fail(`cannot listen on ${host}:${port}: ${error.message}`)));
  });
  const address = server.address();
  print(`listening on http://${address.address}:${address.port}${values.path ?? '/'} for Flagsmith webhooks (Ctrl-C to stop)`);
}
