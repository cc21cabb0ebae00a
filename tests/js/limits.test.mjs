// Bounded memory and work for any body, options checked when given, and no secret left in wasm
// memory. A file of its own so that it starts with a fresh wasm instance: the growth it
// measures would be hidden by memory other tests already grew.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  DEFAULT_MAX_BODY_BYTES,
  MAX_BODY_BYTES_LIMIT,
  Verifier,
  createHandler,
  createNodeMiddleware,
  createWebhookHandler,
  parse,
  sign,
  verify,
  verifyAndParse,
  verifyRequest,
  wasmMemoryBytes,
} from 'flagsmith-webhooks';

import { codeOf } from './helpers/codes.mjs';
import { fixture } from './helpers/vectors.mjs';
import { occurrences } from './helpers/bytes.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
const GOOD = fixture('01_flag_updated_env_default.json').toString('utf8');

/** A valid FLAG_UPDATED body of exactly `size` bytes: the fixture with a long unknown field. */
function validBodyOf(size) {
  const padded = GOOD.replace('"changed_by": ', '"changed_by": "x", "padding": "", "_": ');
  const body = padded.replace('"padding": ""', `"padding": "${'p'.repeat(size - padded.length)}"`);
  assert.equal(Buffer.byteLength(body), size);
  return body;
}

/** Bodies of about `size` bytes that fit no model, with the problem at the very end. */
function hostileBodies(size) {
  const keys = [];
  for (let n = 0, length = 0; length < size; n++) {
    const entry = `"${n.toString(16)}": 0`;
    keys.push(entry);
    length += entry.length + 2;
  }
  return {
    'many keys': `{"data": {${keys.join(', ')}, "z": 0}, "event_type": "FLAG_UPDATED"}`,
    'a long array': `{"data": {"x": [${'0, '.repeat(size / 3)}0]}, "event_type": "FLAG_UPDATED"}`,
    'an unknown type, a long integer last': `{"data": {"x": [${'[{"a": "b"}], '.repeat(size / 15)}123456789012345678901234567890]}, "event_type": "OTHER"}`,
  };
}

test('rejecting a large body grows wasm memory by at most 4x its size, and the instance still takes the largest body after', () => {
  const largest = validBodyOf(DEFAULT_MAX_BODY_BYTES);
  for (const [name, body] of Object.entries(hostileBodies(DEFAULT_MAX_BODY_BYTES - 4096))) {
    const before = wasmMemoryBytes();
    assert.equal(codeOf(() => parse(body)), 'invalid_payload', name);
    const growth = wasmMemoryBytes() - before;
    console.log(`${name}: ${body.length} bytes rejected, wasm memory grew ${growth} bytes (${(growth / body.length).toFixed(2)}x)`);
    // Before the streaming check: 9.3x (many keys) and 17.5x (a long array).
    assert.ok(growth <= 4 * body.length, `${name}: grew ${growth} bytes for a ${body.length}-byte body`);
    assert.equal(parse(largest).event_type, 'FLAG_UPDATED', `${name}: the largest accepted body still parses`);
  }
  // After an oversize body too.
  assert.equal(codeOf(() => parse(largest + ' ')), 'body_too_large');
  const signature = sign(SECRET, largest);
  assert.equal(verifyAndParse(SECRET, largest, signature).data.padding.length > 0, true);
});

test('every function that takes a body refuses one over maxBodyBytes; verify answers false', () => {
  const body = validBodyOf(4096);
  const signature = sign(SECRET, body);
  const verifier = new Verifier(SECRET, { maxBodyBytes: 4095 });
  assert.equal(verifier.verify(body, signature), false);
  assert.equal(verifier.match(body, signature), -1);
  assert.equal(codeOf(() => verifier.verifyAndParse(body, signature)), 'body_too_large');
  assert.equal(codeOf(() => verifier.sign(body)), 'body_too_large');
  // A call's own option wins over the verifier's.
  assert.equal(verifier.verify(body, signature, { maxBodyBytes: 4096 }), true);
  assert.equal(verify(SECRET, body, signature, { maxBodyBytes: 4095 }), false);
  assert.equal(codeOf(() => parse(body, { maxBodyBytes: 4095 })), 'body_too_large');
  assert.equal(codeOf(() => verifyAndParse(SECRET, body, signature, { maxBodyBytes: 4095 })), 'body_too_large');
  assert.equal(parse(body, { maxBodyBytes: 4096 }).event_type, 'FLAG_UPDATED');
  // Strings count in UTF-8 bytes, the bytes that were signed: 2,048 'é' are 4,096 bytes.
  assert.equal(codeOf(() => parse('é'.repeat(2048), { maxBodyBytes: 4095 })), 'body_too_large');
  assert.equal(codeOf(() => parse('é'.repeat(2048), { maxBodyBytes: 4096 })), 'invalid_json');
  assert.equal(codeOf(() => parse('🚀'.repeat(1024), { maxBodyBytes: 4095 })), 'body_too_large');
  const error = (() => {
    try {
      parse(body, { maxBodyBytes: 4095 });
    } catch (caught) {
      return caught;
    }
  })();
  assert.match(error.message, /limit of 4095 bytes.*maxBodyBytes/);
});

// A string's UTF-8 length is learnt while it is encoded into wasm memory (not by a pass of its
// own): strings of one to three bytes a character, at and past the limit, through every function,
// and never more memory reserved for a refused string than the limit allows.
test('strings are held to maxBodyBytes in UTF-8 bytes by every function, as they are staged', () => {
  const limit = 3000;
  const signer = new Verifier(SECRET);
  for (const unit of ['a', 'é', '€', '🚀']) {
    const padded = (count) => GOOD.replace('"changed_by": ', `"changed_by": "x", "padding": "${unit.repeat(count)}", "_": `);
    const count = Math.floor((limit - Buffer.byteLength(padded(0))) / Buffer.byteLength(unit));
    const [fits, over] = [padded(count), padded(count + 1)];
    assert.ok(Buffer.byteLength(fits) <= limit && Buffer.byteLength(over) > limit, unit);
    const verifier = new Verifier(SECRET, { maxBodyBytes: limit });
    const signed = signer.sign(over);
    assert.equal(verifier.match(over, signed), -1, unit);
    assert.equal(verifier.verify(over, signed.toUpperCase()), false, unit);
    for (const call of [
      () => verifier.verifyAndParse(over, signed),
      () => verifier.verifyDelivery(over, signed),
      () => verifier.sign(over),
      () => parse(over, { maxBodyBytes: limit }),
    ]) {
      assert.equal(codeOf(call), 'body_too_large', unit);
    }
    assert.equal(verifier.verifyAndParse(fits, signer.sign(fits)).event_type, 'FLAG_UPDATED', unit);
    assert.equal(verifier.verifyDelivery(fits, signer.sign(fits)).conforming, true, unit);
    assert.equal(verifier.sign(fits), signer.sign(fits), unit);
  }
  // Three bytes a character, a million characters: refused having reserved at most the limit.
  const before = wasmMemoryBytes();
  assert.equal(codeOf(() => parse('€'.repeat(1_000_000))), 'body_too_large');
  assert.ok(wasmMemoryBytes() - before <= 1.25 * 1024 * 1024, `grew ${wasmMemoryBytes() - before} bytes`);
});

test('a string over the limit is encoded once, whatever the header', () => {
  // Count what reaches TextEncoder: a plain 64-digit header once made match() encode the
  // string twice, a first pass for the decoded tag and a second for the header as text.
  const encodeInto = TextEncoder.prototype.encodeInto;
  let written = 0;
  TextEncoder.prototype.encodeInto = function (text, into) {
    const result = encodeInto.call(this, text, into);
    written += result.written;
    return result;
  };
  try {
    const verifier = new Verifier(SECRET, { maxBodyBytes: 100_000 });
    const body = '€'.repeat(90_000);
    const encoded = (header) => {
      written = 0;
      assert.equal(verifier.match(body, header), -1);
      return written;
    };
    const asText = encoded('sha256=' + 'ab'.repeat(32));
    assert.ok(asText > 100_000 && asText < 200_000, `${asText} bytes encoded`);
    assert.equal(encoded('ab'.repeat(32)), asText);
  } finally {
    TextEncoder.prototype.encodeInto = encodeInto;
  }
});

test('maxBodyBytes that is not a positive whole number of bytes is refused when given', async () => {
  const bad = ['1mb', Number.NaN, 0, -1, 1.5, Number.POSITIVE_INFINITY, MAX_BODY_BYTES_LIMIT + 1, null, {}];
  for (const maxBodyBytes of bad) {
    const shown = String(typeof maxBodyBytes === 'object' ? JSON.stringify(maxBodyBytes) : maxBodyBytes);
    const creators = {
      Verifier: () => new Verifier(SECRET, { maxBodyBytes }),
      parse: () => parse(GOOD, { maxBodyBytes }),
      verify: () => verify(SECRET, GOOD, 'x', { maxBodyBytes }),
      createHandler: () => createHandler({ secret: SECRET, maxBodyBytes }),
      createNodeMiddleware: () => createNodeMiddleware({ secret: SECRET, maxBodyBytes }),
      createWebhookHandler: () => createWebhookHandler({ secret: SECRET, maxBodyBytes }),
    };
    for (const [name, create] of Object.entries(creators)) {
      assert.equal(codeOf(create), 'invalid_option', `${name} with maxBodyBytes ${shown}`);
    }
    const request = new Request('http://localhost/', { method: 'POST', body: GOOD });
    await assert.rejects(verifyRequest(request, SECRET, { maxBodyBytes }), { code: 'invalid_option' });
  }
  const message = (() => {
    try {
      createHandler({ secret: SECRET, maxBodyBytes: '1mb' });
    } catch (error) {
      return error.message;
    }
  })();
  assert.match(message, /maxBodyBytes.*"1mb".*1048576/);
  assert.equal(codeOf(() => new Verifier(SECRET, { maxBodyBytes: MAX_BODY_BYTES_LIMIT })), 'ok');
});

test('no copy of a secret stays in wasm memory, while a verifier lives or after free()', async () => {
  // The browser entry shares its glue module with this import, so the memory read here is the
  // very memory its Verifier uses (the Node entries bundle a glue copy of their own).
  const wasmUrl = new URL(import.meta.resolve('flagsmith-webhooks/wasm'));
  const glue = await import(new URL('flagsmith_webhooks.js', wasmUrl));
  const browser = await import(new URL('../browser.js', wasmUrl));
  const { readFileSync } = await import('node:fs');
  browser.initSync(readFileSync(wasmUrl));
  const memory = () => new Uint8Array(glue.initSync().memory.buffer);

  for (const length of [8, 32, 64, 65, 200]) {
    // Secrets as bytes, so that no JavaScript string holds them; the search pattern is kept
    // masked, and unmasked into a fresh array only for each search.
    const secrets = [0, 1].map(() => crypto.getRandomValues(new Uint8Array(length)));
    const masked = secrets.map((secret) => secret.map((byte) => byte ^ 0x5a));
    const body = new TextEncoder().encode(GOOD);
    const verifier = new browser.Verifier([...secrets, new TextEncoder().encode(' padded secret ')]);
    const pattern = (index) => Array.from(masked[index], (byte) => byte ^ 0x5a);
    for (const index of [0, 1]) {
      assert.deepEqual(occurrences(memory(), pattern(index)), [], `${length}-byte secret ${index + 1}: found in wasm memory once keyed`);
    }
    const signature = verifier.sign(body);
    assert.equal(verifier.verify(body, signature), true);
    assert.equal(codeOf(() => verifier.verifyAndParse(body, 'f'.repeat(64))), 'signature_mismatch');
    for (const index of [0, 1]) {
      assert.deepEqual(occurrences(memory(), pattern(index)), [], `${length}-byte secret ${index + 1}: found in wasm memory while the verifier lives`);
    }
    verifier.free();
    for (const index of [0, 1]) {
      assert.deepEqual(occurrences(memory(), pattern(index)), [], `${length}-byte secret ${index + 1}: found in wasm memory after free()`);
    }
    assert.equal(codeOf(() => verifier.verify(body, signature)), 'verifier_freed');
    // The caller's own arrays are theirs: never zeroed behind their back.
    assert.notDeepEqual(secrets[0], new Uint8Array(length));
  }
});

/** A node:http server running createNodeMiddleware; `seen` records each request's bytes read. */
async function nodeReceiver(options) {
  const { createServer } = await import('node:http');
  const { once } = await import('node:events');
  const middleware = createNodeMiddleware({ secret: SECRET, ...options });
  const seen = [];
  const server = createServer((req, res) => {
    const socket = req.socket;
    socket.once('close', () => seen.push(socket.bytesRead));
    middleware(req, res);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { port: server.address().port, seen, server };
}

/**
 * Uploads up to `total` bytes in 64 KiB chunks over a raw socket (chunked when `chunked`), as
 * fast as the server takes them, until the server answers and closes. Returns the answer.
 */
async function upload(port, total, chunked) {
  const net = await import('node:net');
  const socket = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  let answer = '';
  let closed = false;
  socket.on('data', (chunk) => (answer += chunk));
  socket.on('error', () => {});
  socket.on('close', () => (closed = true));
  const head = chunked ? 'transfer-encoding: chunked' : `content-length: ${total}`;
  socket.write(`POST /webhook HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\nx-flagsmith-signature: ${'0'.repeat(64)}\r\n${head}\r\n\r\n`);
  const closing = new Promise((resolve) => socket.once('close', resolve));
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  for (let sent = 0; sent < total && !closed; sent += chunk.length) {
    const ok = socket.write(chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
    if (!ok && !closed) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closing]);
  }
  await closing;
  return answer;
}

test('an oversized body is answered 413 without reading the rest of it', async () => {
  const { port, seen, server } = await nodeReceiver({ maxBodyBytes: 1 << 20 });
  try {
    for (const chunked of [false, true]) {
      const answer = await upload(port, 64 << 20, chunked);
      assert.match(answer, /^HTTP\/1\.1 413 /, `chunked: ${chunked}`);
      assert.match(answer, /body_too_large/);
      await new Promise((resolve) => setTimeout(resolve, 100));
      const read = seen.at(-1);
      console.log(`${chunked ? 'chunked' : 'content-length'} upload of 64 MiB: the server read ${read} bytes before answering 413 and closing`);
      // Before: it read (and discarded) everything the client sent, 64 MiB here.
      assert.ok(read < 8 << 20, `${read} bytes read`);
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
});

test('a handler that writes its own head but never ends the response does not leave it hanging', async () => {
  const { port, server } = await nodeReceiver({
    on: {
      FLAG_UPDATED: (event, { res }) => {
        res.writeHead(202, { 'content-type': 'text/plain' });
        res.write('accepted');
      },
    },
  });
  try {
    const body = fixture('01_flag_updated_env_default.json');
    const response = await fetch(`http://127.0.0.1:${port}/webhook`, {
      method: 'POST',
      body,
      headers: { 'x-flagsmith-signature': sign(SECRET, body) },
      signal: AbortSignal.timeout(5_000),
    });
    assert.equal(response.status, 202);
    assert.equal(await response.text(), 'accepted');
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
