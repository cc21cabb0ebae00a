// Next.js 16 (Turbopack, no next.config), with the package installed from its npm pack tarball:
// the App Router on the Node runtime and on the edge runtime, and the Pages Router. `next build`
// runs with no secret in the environment (as in CI, Docker and preview builds), then
// `next start` with it, and each route answers the shared request table over HTTP.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { sign } from 'flagsmith-webhooks';

import { closeNow } from '../../scripts/serve.mjs';
import { installPacked } from './helpers/pack.mjs';
import { MAX_BODY_BYTES, ROUTES } from './helpers/receiver-options.mjs';
import { OLD_SECRET, SECRET, rawRequest, runReceiverTable } from './helpers/receiver-table.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Inside the repository (target/ is gitignored), so that Next.js and React resolve from its
// node_modules: Turbopack does not follow a symlink out of the project.
mkdirSync(join(root, 'target'), { recursive: true });
const app = mkdtempSync(join(root, 'target', 'nextjs-'));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
delete env.FLAGSMITH_WEBHOOK_SECRET;
delete env.FLAGSMITH_WEBHOOK_OLD_SECRET;

// The handlers every route uses: each call is posted to this test's recorder (edge routes have
// no file system), before the route answers.
const files = {
  'flagsmith-handlers.ts': `import type { ReceiverOptions } from 'flagsmith-webhooks';

type On = NonNullable<ReceiverOptions['on']>;

function record(route: string) {
  return async (event: any, context: any) => {
    if (event.data?.new_state?.feature?.name === 'explode') throw new Error('handler failure requested by the test');
    const call = { route, event_type: event.event_type ?? null, deliveryKey: context.deliveryKey, changed_by: event.data?.changed_by ?? null, conforming: context.conforming, deviations: context.deviations, delivery: context.delivery };
    await fetch(process.env.RECORDER_URL as string, { method: 'POST', body: JSON.stringify(call) });
  };
}

export const on: On = {
${ROUTES.map((route) => `  ${route}: record('${route}'),`).join('\n')}
};

export const maxBodyBytes = ${MAX_BODY_BYTES};
`,
  // The recipes: the route module creates the handler at module scope with the secret from the
  // environment, which \`next build\` evaluates without it.
  'app/api/flagsmith/route.ts': `import { createHandler } from 'flagsmith-webhooks';
import { maxBodyBytes, on } from '../../../flagsmith-handlers';

export const POST = createHandler({
  secrets: [process.env.FLAGSMITH_WEBHOOK_SECRET, process.env.FLAGSMITH_WEBHOOK_OLD_SECRET],
  on,
  maxBodyBytes,
  onError: (error) => console.warn(error),
});
`,
  'app/api/flagsmith-edge/route.ts': `import { createHandler } from 'flagsmith-webhooks';
import { maxBodyBytes, on } from '../../../flagsmith-handlers';

export const runtime = 'edge';

export const POST = createHandler({
  secrets: [process.env.FLAGSMITH_WEBHOOK_SECRET, process.env.FLAGSMITH_WEBHOOK_OLD_SECRET],
  on,
  maxBodyBytes,
});
`,
  // flagsmith-webhooks/verify on the edge runtime (its edge-light entry and its own module).
  'app/api/verify-edge/route.ts': `import { Verifier } from 'flagsmith-webhooks/verify';

export const runtime = 'edge';

export async function POST(request: Request): Promise<Response> {
  const verifier = new Verifier(process.env.FLAGSMITH_WEBHOOK_SECRET);
  try {
    const valid = verifier.verify(await request.arrayBuffer(), request.headers.get('x-flagsmith-signature'));
    return Response.json({ valid }, { status: valid ? 200 : 401 });
  } finally {
    verifier.free();
  }
}
`,
  'pages/api/flagsmith-pages.ts': `import { createNodeMiddleware } from 'flagsmith-webhooks';
import { maxBodyBytes, on } from '../../flagsmith-handlers';

// The signature covers the raw bytes: Next.js must not parse the body first.
export const config = { api: { bodyParser: false } };

export default createNodeMiddleware({
  secrets: [process.env.FLAGSMITH_WEBHOOK_SECRET, process.env.FLAGSMITH_WEBHOOK_OLD_SECRET],
  on,
  maxBodyBytes,
});
`,
  'app/layout.tsx': `export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html>
      <body>{children}</body>
    </html>
  );
}
`,
  'tsconfig.json': JSON.stringify({
    compilerOptions: { target: 'ES2022', lib: ['dom', 'dom.iterable', 'esnext'], strict: true, noEmit: true, module: 'esnext', moduleResolution: 'bundler', jsx: 'react-jsx', isolatedModules: true, skipLibCheck: true, allowJs: false, esModuleInterop: true, resolveJsonModule: true, incremental: false, plugins: [{ name: 'next' }] },
    include: ['next-env.d.ts', '**/*.ts', '**/*.tsx', '.next/types/**/*.ts'],
    exclude: ['node_modules'],
  }),
};

let server;
let baseUrl;
const calls = [];
let recorder;

/**
 * A port the system says is free: from its ephemeral range, above every port Next.js refuses as
 * unsafe (a random one below 7000 once hit 6566, "reserved for sane-port").
 */
async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function run(args, extraEnv = {}) {
  const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), ...args], { cwd: app, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  return { child, output: () => output };
}

before(async () => {
  installPacked(app, { type: 'module' });
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(dirname(join(app, file)), { recursive: true });
    writeFileSync(join(app, file), text);
  }
  recorder = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      calls.push(JSON.parse(body));
      response.end('ok');
    });
  });
  recorder.listen(0, '127.0.0.1');
  await once(recorder, 'listening');
});

after(async () => {
  server?.child.kill('SIGTERM');
  if (recorder) await closeNow(recorder);
  rmSync(app, { recursive: true, force: true });
});

test('next build succeeds with no secret in the environment (strict TypeScript)', async () => {
  const build = run(['build']);
  const [code] = await once(build.child, 'exit');
  assert.equal(code, 0, build.output());
  assert.match(build.output(), /\/api\/flagsmith-edge/);
  assert.match(build.output(), /\/api\/verify-edge/);
});

test('next start with the secret: the three routes answer the request table', async () => {
  const port = await freePort();
  server = run(['start', '-p', String(port), '-H', '127.0.0.1'], {
    FLAGSMITH_WEBHOOK_SECRET: SECRET,
    FLAGSMITH_WEBHOOK_OLD_SECRET: OLD_SECRET,
    RECORDER_URL: `http://127.0.0.1:${recorder.address().port}/`,
  });
  baseUrl = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await rawRequest(baseUrl, { method: 'GET', path: '/api/flagsmith-pages' });
      break;
    } catch (error) {
      if (attempt > 100) throw new Error(`next start did not come up: ${server.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const take = async () => calls.splice(0);
  for (const path of ['/api/flagsmith', '/api/flagsmith-edge', '/api/flagsmith-pages']) {
    // App Router routes export only POST, and Next.js answers other methods itself.
    await runReceiverTable(baseUrl, take, { path, frameworkAnswers405: path !== '/api/flagsmith-pages' });
  }
  const body = '{"event_type": "FLAG_UPDATED"}';
  const signed = [['X-Flagsmith-Signature', sign(SECRET, body)]];
  const verified = await rawRequest(baseUrl, { path: '/api/verify-edge', headers: signed, body });
  assert.deepEqual([verified.status, JSON.parse(verified.body)], [200, { valid: true }]);
  const tampered = await rawRequest(baseUrl, { path: '/api/verify-edge', headers: signed, body: body.replace('FLAG', 'FLAT') });
  assert.deepEqual([tampered.status, JSON.parse(tampered.body)], [401, { valid: false }]);
});

test('with the secret missing at run time too, every request is 500 invalid_secret', async () => {
  const port = await freePort();
  const unconfigured = run(['start', '-p', String(port), '-H', '127.0.0.1']);
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let attempt = 0; ; attempt++) {
      try {
        await rawRequest(url, { method: 'GET', path: '/api/flagsmith-pages' });
        break;
      } catch {
        if (attempt > 100) throw new Error(`next start did not come up: ${unconfigured.output()}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    for (const path of ['/api/flagsmith', '/api/flagsmith-edge', '/api/flagsmith-pages']) {
      const response = await rawRequest(url, { path, headers: [['X-Flagsmith-Signature', '0'.repeat(64)]], body: '{}' });
      assert.equal(response.status, 500, path);
      assert.equal(JSON.parse(response.body).error, 'invalid_secret', path);
    }
  } finally {
    unconfigured.child.kill('SIGTERM');
  }
});
