// The receiver table's Worker: createHandler under real workerd, recording each handler call so
// the test can assert that every request reached its handler exactly once (or not at all).
// `POST /conformance` runs the shared vectors inside workerd (`/conformance/verify` through
// flagsmith-webhooks/verify, which loads the verify-only module); `/calls` returns and clears
// the recorded calls.
import * as api from 'flagsmith-webhooks';
import { createHandler } from 'flagsmith-webhooks';
import * as verifyOnly from 'flagsmith-webhooks/verify';

import { runConformance } from '../../js/helpers/conformance.mjs';
import { receiverOptions } from '../../js/helpers/receiver-options.mjs';

const calls = [];
let handler;

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === '/conformance') {
      return Response.json({ failures: runConformance(api, await request.json()) });
    }
    if (url.pathname === '/conformance/verify') {
      return Response.json({ failures: runConformance(verifyOnly, await request.json()), exports: Object.keys(verifyOnly) });
    }
    if (url.pathname === '/calls') {
      return Response.json(calls.splice(0));
    }
    handler ??= createHandler(receiverOptions(env.FLAGSMITH_WEBHOOK_SECRET.split(','), calls));
    return handler(request);
  },
};
