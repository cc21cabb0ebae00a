// Prints the receivers' request table as JSON, for the Rust axum receiver's test
// (tests/axum.rs), so that both languages answer exactly the same requests. Bodies are in hex:
// the bytes, whatever they are.
import { DEFAULT_MAX_BODY_BYTES } from 'flagsmith-webhooks';

import { MAX_BODY_BYTES } from './receiver-options.mjs';
import { RECEIVER_SECRETS, receiverTable } from './receiver-table.mjs';

const cases = receiverTable().map(({ name, request, status, route, code, deviationAt }) => ({
  name,
  method: request.method ?? 'POST',
  headers: request.headers ?? [],
  body: Buffer.from(request.body ?? '').toString('hex'),
  status,
  route,
  code: code ?? null,
  deviationAt: deviationAt ?? null,
}));
process.stdout.write(JSON.stringify({ secrets: RECEIVER_SECRETS, maxBodyBytes: MAX_BODY_BYTES, defaultMaxBodyBytes: DEFAULT_MAX_BODY_BYTES, cases }));
