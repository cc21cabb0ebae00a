// Node (and Deno and Bun through their Node compatibility): load the module synchronously at
// import, so neither `import` nor `require` needs an `await`. scripts/build.sh bundles this file
// twice, as dist/node.mjs (import) and dist/node.cjs (require), each beside the .wasm it reads:
// a self-contained ESM bundle imports in about a third of the time that re-exporting the
// CommonJS bundle took (no CommonJS lexing), and the two copies stay interchangeable (see
// FlagsmithWebhookError's brand).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync as initGlueSync } from '../dist/flagsmith_webhooks.js';
import { markReady } from './state.js';

const wasm = typeof __dirname === 'string'
  ? join(__dirname, 'flagsmith_webhooks_bg.wasm')
  : new URL('./flagsmith_webhooks_bg.wasm', import.meta.url);
initGlueSync({ module: readFileSync(wasm) });
markReady();

export * from './index.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
