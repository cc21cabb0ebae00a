// The JavaScript twins of the Rust serializer, diff and describe, held to Rust over generated
// payloads (Python's json.dumps, as Flagsmith writes them, with hostile strings and edge
// numbers) and every fixture; and what the validator accepts held to the TypeScript model by
// type-checking each accepted body against its declared type with tsc.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { KNOWN_EVENT_TYPES, describe, diff, parse, toFlagsmithJson } from 'flagsmith-webhooks';

import { fixture } from './helpers/vectors.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const generator = join(root, 'tests/tools/gen_payloads.py');

const TYPE_OF = {
  FLAG_UPDATED: 'FlagUpdatedEvent',
  FLAG_CREATED: 'FlagCreatedEvent',
  FLAG_DELETED: 'FlagDeletedEvent',
  NEW_VERSION_PUBLISHED: 'NewVersionPublishedEvent',
  AUDIT_LOG_CREATED: 'AuditLogCreatedEvent',
};

/** Generated payloads (500 per seed) plus every fixture and real body. */
function cases() {
  const generated = [31, 32, 33].flatMap((seed) =>
    execFileSync('python3', [generator, '500', String(seed)], { encoding: 'utf8', maxBuffer: 64 << 20 })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line)),
  );
  const files = ['', 'real/'].flatMap((dir) =>
    readdirSync(join(root, 'tests/fixtures', dir))
      .filter((name) => name.endsWith('.json') && !['signatures.json', 'requests.json'].includes(name))
      .map((name) => ({ body: fixture(`${dir}${name}`).toString('utf8'), js_exact: false, file: name })),
  );
  // Each `data` field of a hundred generated events set to null or removed: what the validator
  // still accepts must still fit the declared type (FLAG_UPDATED with `new_state: null` once
  // passed the validator and broke `event.data.new_state.feature`).
  const mutated = generated
    .map((c) => JSON.parse(c.body))
    .filter((event) => event.event_type in TYPE_OF)
    .slice(0, 100)
    .flatMap((event) =>
      Object.keys(event.data).flatMap((key) => {
        const removed = structuredClone(event);
        delete removed.data[key];
        const nulled = structuredClone(event);
        nulled.data[key] = null;
        return [removed, nulled].map((variant) => ({ body: toFlagsmithJson(variant), js_exact: false }));
      }),
    );
  return [...generated, ...files, ...mutated];
}

/** What Rust makes of each body: `cargo run --example describe -- --stdin`. */
function rust(bodies) {
  const output = execFileSync('cargo', ['run', '--quiet', '--locked', '--example', 'describe', '--', '--stdin'], {
    cwd: root,
    input: bodies.map((body) => JSON.stringify(body)).join('\n') + '\n',
    encoding: 'utf8',
    maxBuffer: 256 << 20,
  });
  return output.trim().split('\n').map((line) => JSON.parse(line));
}

function javascript(body) {
  try {
    const event = parse(body);
    return { event, describe: describe(event), diff: diff(event), json: toFlagsmithJson(event) };
  } catch (error) {
    return { error: error.code, message: error.message };
  }
}


test('Rust and JavaScript agree on parse, describe, diff and serialization for every generated body', () => {
  const all = cases();
  assert.ok(all.length > 1500, `${all.length} cases`);
  const theirs = rust(all.map((c) => c.body));
  assert.equal(theirs.length, all.length);
  let accepted = 0;
  const typed = [];
  all.forEach((c, index) => {
    const ours = javascript(c.body);
    const rustOut = theirs[index];
    const label = c.file ?? `generated #${index}: ${c.body.slice(0, 200)}`;
    if (rustOut.error) {
      assert.deepEqual({ error: ours.error, message: ours.message }, rustOut, label);
      return;
    }
    assert.equal(ours.error, undefined, `${label}: JavaScript rejected what Rust accepted (${ours.message})`);
    accepted++;
    assert.equal(ours.describe, rustOut.describe, label);
    assert.deepEqual(ours.diff, rustOut.diff, label);
    // JavaScript numbers cannot tell 1.0 from 1 outside the fields Flagsmith stores as floats.
    if (c.js_exact) assert.equal(ours.json, rustOut.json, label);
    const type = ours.event.event_type === undefined ? 'IdentityPayload' : TYPE_OF[ours.event.event_type];
    if (type) typed.push(`fits<${type}>()(${c.body});`);
  });
  assert.ok(accepted > 1400, `${accepted} accepted`);
  assert.ok(accepted < all.length, 'some mutated bodies are rejected');

  // Every accepted body of a declared type type-checks as that type (extra fields allowed, as
  // at run time: `fits` checks the inferred type against the declared one without excess
  // property checks).
  const folder = mkdtempSync(join(tmpdir(), 'fw-types-'));
  writeFileSync(
    join(folder, 'accepted.ts'),
    [
      "import type { AuditLogCreatedEvent, FlagCreatedEvent, FlagDeletedEvent, FlagUpdatedEvent, IdentityPayload, NewVersionPublishedEvent } from 'flagsmith-webhooks';",
      'const fits = <T,>() => <U extends T>(value: U): U => value;',
      ...typed,
      'export {};',
    ].join('\n'),
  );
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, noEmit: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022', skipLibCheck: false, types: [], typeRoots: [join(root, 'node_modules/@types')], baseUrl: root, paths: { 'flagsmith-webhooks': [join(root, 'pkg/index.d.ts')] } },
      files: ['accepted.ts'],
    }),
  );
  try {
    execFileSync(join(root, 'node_modules/.bin/tsc'), ['-p', folder], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    assert.fail(`accepted bodies that do not fit the TypeScript model:\n${String(error.stdout).slice(0, 4000)}`);
  }
  console.log(`${all.length} bodies (generated, fixtures, mutated): ${accepted} accepted and identical in both languages; ${typed.length} type-checked against index.d.ts`);
});

test('JavaScript knows the event types Rust models, and the TypeScript model declares each', () => {
  const rustTypes = JSON.parse(execFileSync('cargo', ['run', '--quiet', '--locked', '--example', 'describe', '--', '--event-types'], { cwd: root, encoding: 'utf8' }));
  assert.deepEqual([...KNOWN_EVENT_TYPES], rustTypes);
  assert.deepEqual(Object.keys(TYPE_OF).sort(), [...rustTypes].sort());
});
