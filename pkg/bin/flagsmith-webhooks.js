#!/usr/bin/env node
// A test-webhook sender for people building receivers:
//   flagsmith-webhooks sign   --secret S [--body FILE]
//   flagsmith-webhooks verify --secret S --signature SIG [--body FILE]
//   flagsmith-webhooks send URL --secret S [--event TYPE | --body FILE]
// The secret may come from FLAGSMITH_WEBHOOK_SECRET instead of --secret (keeps it out of shell
// history). A body comes from --body FILE or standard input.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import {
  FlagsmithWebhookError,
  SAMPLE_EVENT_TYPES,
  Verifier,
  describe,
  parse,
  sampleEvent,
  signedRequestInit,
} from '../dist/node.mjs';
import { escapeControls } from '../lib/text.js';

const USAGE = `usage:
  flagsmith-webhooks sign   --secret S [--body FILE]                 print the X-Flagsmith-Signature of a body
  flagsmith-webhooks verify --secret S --signature SIG [--body FILE] exit 0 when valid, else 1 with the diagnosis
  flagsmith-webhooks send URL --secret S [--event TYPE | --body FILE]
                                                                     POST a signed webhook exactly as Flagsmith does
The secret may be given as FLAGSMITH_WEBHOOK_SECRET instead of --secret. sign and verify read
the body from --body FILE, else standard input; send posts --body FILE (- for standard input)
or a realistic event of --event TYPE (default FLAG_UPDATED). Event types for --event: ${SAMPLE_EVENT_TYPES.join(', ')}.`;

// Everything printed may carry text from a payload, a file or a remote reply: control and
// bidirectional characters are escaped visibly, so nothing printed can drive the terminal.
function fail(message, status = 2) {
  process.stderr.write(`flagsmith-webhooks: ${escapeControls(message, true)}\n`);
  process.exit(status);
}

/** The most of a receiver's reply `send` prints. */
const REPLY_CHARS = 4096;

function printReply(response, text) {
  const shown = text.length > REPLY_CHARS ? `${text.slice(0, REPLY_CHARS)}… (${text.length - REPLY_CHARS} more characters)` : text;
  const body = escapeControls(shown, true);
  process.stdout.write(`${response.status} ${escapeControls(response.statusText)}\n${body}${body.endsWith('\n') || !body ? '' : '\n'}`);
}

const { values, positionals } = (() => {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        secret: { type: 'string' },
        signature: { type: 'string' },
        body: { type: 'string' },
        event: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    return fail(`${error.message}\n${USAGE}`);
  }
})();

const [command, ...rest] = positionals;
if (values.help || !command) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(values.help ? 0 : 2);
}

const secret = values.secret ?? process.env.FLAGSMITH_WEBHOOK_SECRET;
if (!secret) fail('no secret: pass --secret or set FLAGSMITH_WEBHOOK_SECRET');

function readBody() {
  try {
    return readFileSync(values.body === undefined || values.body === '-' ? 0 : values.body);
  } catch (error) {
    return fail(`cannot read the body from ${values.body ?? 'standard input'}: ${error.message}`);
  }
}

const verifier = new Verifier(secret);
switch (command) {
  case 'sign':
    process.stdout.write(`${verifier.sign(readBody())}\n`);
    break;
  case 'verify': {
    if (values.signature === undefined) fail('verify needs --signature');
    const body = readBody();
    if (verifier.verify(body, values.signature)) {
      let summary = '';
      try {
        summary = `: ${describe(parse(body))}`;
      } catch (error) {
        summary = ` (but the body is not a Flagsmith payload: ${escapeControls(error.message)})`;
      }
      process.stdout.write(`valid${summary}\n`);
      break;
    }
    try {
      verifier.verifyAndParse(body, values.signature);
    } catch (error) {
      if (!(error instanceof FlagsmithWebhookError)) throw error;
      fail(`invalid (${error.code}${error.hint ? `, ${error.hint}` : ''}): ${error.message}`, 1);
    }
    break;
  }
  case 'send': {
    const [url] = rest;
    if (!url) fail(`send needs a URL\n${USAGE}`);
    if (values.event && values.body) fail('give --event or --body, not both');
    // send reads a body only when asked (--body FILE, or --body - for standard input), so that
    // it never waits on, or sends, an empty standard input.
    let payload;
    if (values.body !== undefined) payload = readBody();
    else {
      try {
        payload = sampleEvent(values.event ?? 'FLAG_UPDATED');
      } catch (error) {
        fail(error.message);
      }
    }
    const init = signedRequestInit(secret, payload);
    let response;
    try {
      response = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      fail(`could not send to ${url}: ${error.cause?.message ?? error.message}`, 1);
    }
    printReply(response, await response.text());
    process.exit(response.ok ? 0 : 1);
    break;
  }
  default:
    fail(`unknown command ${JSON.stringify(command)}\n${USAGE}`);
}
