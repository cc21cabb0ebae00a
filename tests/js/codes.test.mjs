// Every error code the package's JavaScript throws is one its TypeScript declarations name
// (the core's codes are checked against them by src/error.rs's tests), and every declared code
// is thrown somewhere: the union stays the list of what can happen.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import test from 'node:test';

const root = new URL('../../', import.meta.url);
const declarations = readFileSync(new URL('pkg/types/core.d.ts', root), 'utf8');

function unionMembers(name) {
  const start = declarations.indexOf(`export type ${name} =`);
  assert.ok(start >= 0, name);
  const body = declarations.slice(start, declarations.indexOf(';', start));
  return [...body.matchAll(/\| '([a-z_]+)'/g)].map((m) => m[1]);
}

/** Codes in `new FlagsmithWebhookError('code', …)` across the given sources. */
function thrownCodes(sources) {
  return new Set(sources.flatMap((text) => [...text.matchAll(/FlagsmithWebhookError\(\s*'([a-z_]+)'/g)].map((m) => m[1])));
}

test('the JavaScript throws only declared codes, and every declared code is produced', () => {
  const lib = new URL('pkg/lib/', root);
  const sources = readdirSync(lib).filter((f) => f.endsWith('.js')).map((f) => readFileSync(new URL(f, lib), 'utf8'));
  const declared = new Set(unionMembers('ErrorCode'));
  const thrown = thrownCodes(sources);
  for (const code of thrown) assert.ok(declared.has(code), `${code} is thrown but not in ErrorCode`);
  // The core's codes, as the Rust crate spells them (src/error.rs), reach JavaScript unchanged.
  const rust = readFileSync(new URL('src/error.rs', root), 'utf8');
  const core = new Set([...rust.matchAll(/Error::\w+(?: \{ \.\. \})? => "([a-z_]+)"/g)].map((m) => m[1]));
  assert.ok(core.size >= 6, [...core].join());
  for (const code of declared) assert.ok(thrown.has(code) || core.has(code), `${code} is declared but never produced`);
});
