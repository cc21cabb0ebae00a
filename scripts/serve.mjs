// A small static file server for the repository root on 127.0.0.1, so that www/ loads the
// built package from ../pkg/ exactly as any static host would serve it. Used by the demo and
// by the browser tests.
import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
};

export const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

/** Starts serving `root`; resolves to { url, close }. Port 0 picks a free port. */
export function startServer({ root = repositoryRoot, port = 0, host = '127.0.0.1' } = {}) {
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url, 'http://x').pathname);
    let file = normalize(join(root, path));
    if (!file.startsWith(normalize(root + sep)) && file !== normalize(root)) {
      response.writeHead(403).end();
      return;
    }
    try {
      if (statSync(file).isDirectory()) file = join(file, 'index.html');
      statSync(file);
    } catch {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    response.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
      // The inspector handles secrets: no other site may frame it (a <meta> CSP cannot say
      // frame-ancestors, so the server must).
      'content-security-policy': "frame-ancestors 'none'",
      'x-frame-options': 'DENY',
    });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: actual } = server.address();
      resolve({ url: `http://${host}:${actual}/`, close: () => closeNow(server) });
    });
  });
}

/**
 * Stops the server and drops its open connections. server.close() alone waits for them, and
 * Chromium (whose browser the tests keep open across pages) may hold a connection open without
 * a request: traced in the bundler tests, close() then took 115 s, 213 s, and once over 15
 * minutes. That was the intermittent stall of the browser tests.
 */
export function closeNow(server) {
  return new Promise((done) => {
    server.close(done);
    server.closeAllConnections();
  });
}
