// The README's main job (verify and parse the samples, serve the inspector) with --once, so it
// cannot silently rot.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { test } from 'node:test';
import { promisify } from 'node:util';

import { fixture } from './helpers/vectors.mjs';

const run = promisify(execFile);

test('the demo verifies every sample webhook and serves the inspector', async () => {
  const script = new URL('../../scripts/demo.mjs', import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [script, '--once'], { timeout: 60_000 });
  assert.match(stdout, /39 of 39 sample webhooks verified or parsed\./);
  const real = JSON.parse(fixture('real/requests.json')).requests;
  const signed = Object.keys(JSON.parse(fixture('signatures.json')).bodies).length + real.filter((r) => r.signed_by).length;
  assert.equal((stdout.match(/^verified /gm) ?? []).length, signed);
  assert.equal((stdout.match(/^unsigned /gm) ?? []).length, real.filter((r) => !r.signed_by).length);
  // The package's own describe(), as a user would print it.
  assert.match(stdout, /^verified  FLAG_UPDATED +butter_bar in Production: enabled false → true/m);
  assert.match(stdout, /Inspector: http:\/\/127\.0\.0\.1:\d+\/www\//);
  assert.match(stdout, /Inspector page served/);
});
