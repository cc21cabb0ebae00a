// Node (and Deno and Bun through their Node compatibility): load the module synchronously at
// import, so neither `import` nor `require` needs an `await`. Bundled by scripts/build.sh into
// dist/node.cjs, beside the .wasm it reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initSync as initGlueSync } from '../dist/flagsmith_webhooks.js';
import { markReady } from './state.js';

initGlueSync({ module: readFileSync(join(__dirname, 'flagsmith_webhooks_bg.wasm')) });
markReady();

export * from './index.js';

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
