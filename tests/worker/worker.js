// A minimal Flagsmith webhook receiver for Cloudflare Workers, used by tests/js/worker.test.mjs
// under real workerd. `POST /conformance` additionally runs the shared vectors inside workerd.
import * as api from 'flagsmith-webhooks';
import { FlagsmithWebhookError, SIGNATURE_HEADER, Verifier } from 'flagsmith-webhooks';

import { runConformance } from '../js/conformance.mjs';

const SIGNATURE_CODES = new Set(['missing_signature', 'malformed_signature', 'signature_mismatch']);
let verifier;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/conformance') {
      return Response.json({ failures: runConformance(api, await request.json()) });
    }
    if (request.method !== 'POST') return new Response('method not allowed', { status: 405 });
    verifier ??= new Verifier(env.FLAGSMITH_WEBHOOK_SECRET.split(','));
    const body = new Uint8Array(await request.arrayBuffer());
    try {
      const event = verifier.verifyAndParse(body, request.headers.get(SIGNATURE_HEADER));
      return Response.json({ ok: true, event_type: event.event_type ?? null, secret_index: verifier.match(body, request.headers.get(SIGNATURE_HEADER)) });
    } catch (error) {
      if (!(error instanceof FlagsmithWebhookError)) throw error;
      return Response.json({ ok: false, code: error.code }, { status: SIGNATURE_CODES.has(error.code) ? 401 : 400 });
    }
  },
};
