// What the library writes for people never passes a control or bidirectional character
// through: describe() (for logs and notifications), error messages, and every CLI output,
// whatever the payload, a file or a remote reply holds.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { FlagsmithWebhookError, describe, parse, sampleEvent, sign, toFlagsmithJson } from 'flagsmith-webhooks';

import { closeNow } from '../../scripts/serve.mjs';

const run = promisify(execFile);
const cli = fileURLToPath(new URL('../../pkg/bin/flagsmith-webhooks.js', import.meta.url));
const SECRET = 'whsec_demo_f1agsm1th';

// What an attacker would write: clear the screen, retitle the terminal, forge a log line,
// a C1 CSI, a right-to-left override, an isolate, a Unicode line separator.
const HOSTILE = 'x\u001b[2J\u001b]0;pwned\u0007\r\nFAKE LOG LINE\u009b31m\u202eevil\u2066\u2028y\u007f';
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
const UNSAFE_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;

function hostileEvents() {
  const updated = sampleEvent('FLAG_UPDATED');
  updated.data.changed_by = HOSTILE;
  updated.data.new_state.feature.name = HOSTILE;
  updated.data.new_state.environment.name = HOSTILE;
  updated.data.new_state.identity = 7;
  updated.data.new_state.identity_identifier = HOSTILE;
  updated.data.new_state.feature_state_value = HOSTILE;
  const segment = sampleEvent('FLAG_UPDATED');
  segment.data.new_state.feature_segment = { priority: 0, segment: { id: 1, name: HOSTILE, description: null } };
  const deleted = sampleEvent('FLAG_DELETED');
  deleted.data.changed_by = HOSTILE;
  const audit = sampleEvent('AUDIT_LOG_CREATED');
  audit.data.log = HOSTILE;
  audit.data.project.name = HOSTILE;
  const version = sampleEvent('NEW_VERSION_PUBLISHED');
  version.data.feature.name = HOSTILE;
  const unknown = { data: {}, event_type: HOSTILE };
  return { updated, segment, deleted, audit, version, unknown };
}

test('describe() escapes control and bidirectional characters from every field it shows', () => {
  for (const [name, event] of Object.entries(hostileEvents())) {
    const line = describe(parse(toFlagsmithJson(event)));
    assert.doesNotMatch(line, UNSAFE, `${name}: ${JSON.stringify(line)}`);
    assert.match(line, /\\u001b\[2J|\\u001b/, `${name}: the escape is visible`);
  }
  const line = describe(parse(toFlagsmithJson(hostileEvents().updated)));
  assert.ok(line.includes('x\\u001b[2J\\u001b]0;pwned\\u0007\\r\\nFAKE LOG LINE\\u009b31m\\u202eevil\\u2066\\u2028y\\u007f'), line);
});

test('error messages quote at most a short, escaped excerpt of the input', () => {
  const cases = [
    `{"data": {"n": ${'9'.repeat(500_000)}}, "event_type": "X"}`,
    `{"data": {"${'k'.repeat(100_000)}\\u001b[2J": 1e400}, "event_type": "X"}`,
    toFlagsmithJson(hostileEvents().updated).replace('"enabled": true', `"enabled": ${'1'.repeat(100_000)}`),
  ];
  for (const body of cases) {
    try {
      parse(body);
      assert.fail('accepted');
    } catch (error) {
      assert.ok(error instanceof FlagsmithWebhookError);
      // Before: a 500,000-digit number gave a 500,186-character message.
      assert.ok(error.message.length < 600, `${error.message.length} characters`);
      assert.doesNotMatch(error.message, UNSAFE);
    }
  }
});

test('the CLI escapes what it prints from a payload and from a remote reply', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'fw-output-'));
  const file = join(folder, 'body.json');
  const body = toFlagsmithJson(hostileEvents().updated);
  writeFileSync(file, body);
  const { stdout } = await run(process.execPath, [cli, 'verify', '--secret', SECRET, '--signature', sign(SECRET, body), '--body', file]);
  assert.match(stdout, /^valid: /);
  assert.doesNotMatch(stdout.replace(/\n$/, ''), UNSAFE, JSON.stringify(stdout));

  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, 'OK');
    res.end(`accepted\n${HOSTILE}\n${'z'.repeat(10_000)}`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const sent = await run(process.execPath, [cli, 'send', `http://127.0.0.1:${server.address().port}/`, '--secret', SECRET, '--body', file]);
    assert.doesNotMatch(sent.stdout, UNSAFE_BUT_NEWLINE, JSON.stringify(sent.stdout.slice(0, 200)));
    assert.match(sent.stdout, /^200 OK\naccepted\nx\\u001b\[2J/);
    assert.match(sent.stdout, /… \(\d+ more characters\)\n$/);
  } finally {
    await closeNow(server);
  }
});
