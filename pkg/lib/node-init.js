// Node (and Deno and Bun through their Node compatibility): load the module synchronously at
// import, so neither `import` nor `require` needs an `await`. scripts/build.sh bundles this file
// twice, as dist/node.mjs (import) and dist/node.cjs (require), each beside the .wasm it reads:
// a self-contained ESM bundle imports in about a third of the time that re-exporting the
// CommonJS bundle took (no CommonJS lexing), and the two copies stay interchangeable (see
// FlagsmithWebhookError's brand).
import { initSync as initGlueSync } from '../dist/flagsmith_webhooks.js';
import { fullModule } from './state.js';

// Undefined in the CommonJS build, where esbuild empties import.meta. (Not `typeof __dirname`:
// `node -e` and the REPL define a global __dirname that an ES module would wrongly pick up.)
const moduleUrl = import.meta.url;

initGlueSync({ module: nodeFs().readFileSync(wasmLocation()) });
fullModule.markReady();

export * from './index.js';

/**
 * node:fs without `import ... from 'node:fs'`: in an ES module that statement builds the ESM
 * facade of node:fs, which loads node:stream and took 1.2 ms, a quarter of the whole import
 * (bench/coldstart.mjs). process.getBuiltinModule (Node 20.16+ and 22.3+, Deno, Bun) returns
 * the module itself; the CommonJS build falls back to require on older Node.
 */
function nodeFs() {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (fs) return fs;
  if (!moduleUrl) return require('node:fs');
  throw new Error(
    'flagsmith-webhooks: this Node.js lacks process.getBuiltinModule, which the ES module build ' +
      'uses to read its .wasm file. Upgrade to Node.js 20.16+ or 22.3+, or load the package with require().',
  );
}

function wasmLocation() {
  return moduleUrl
    ? new URL('./flagsmith_webhooks_bg.wasm', moduleUrl)
    : `${__dirname}/flagsmith_webhooks_bg.wasm`;
}

/** Already initialised at import; present so that code written for browsers runs unchanged. */
export async function init() {}
/** Already initialised at import; present so that code written for browsers runs unchanged. */
export function initSync() {}
export default init;
