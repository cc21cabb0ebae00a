// The main job: verify and parse every bundled sample webhook through the built package
// (imported by its name, as a user would), print what each one is, then serve the inspector
// until interrupted. With --once it exits after the demo (and one request to the page).
import { readFileSync } from 'node:fs';

import { FlagsmithWebhookError, SIGNATURE_HEADER, describe, parse, verifyAndParse } from 'flagsmith-webhooks';

import { repositoryRoot, startServer } from './serve.mjs';

const once = process.argv.includes('--once');
const fixtures = new URL('../tests/fixtures/', import.meta.url);
const read = (name) => readFileSync(new URL(name, fixtures));

const rows = [];
let failures = 0;
const signatures = JSON.parse(read('signatures.json'));
for (const [file, signature] of Object.entries(signatures.bodies)) {
  rows.push({ file, body: read(file), secret: signatures.secret, signature });
}
for (const request of JSON.parse(read('real/requests.json')).requests) {
  const header = request.headers.find(([name]) => name.toLowerCase() === SIGNATURE_HEADER.toLowerCase());
  rows.push({ file: `real/${request.file}`, body: read(`real/${request.file}`), secret: request.secret, signature: header?.[1] ?? null });
}

console.log(`Verifying and parsing ${rows.length} sample webhooks with the built package:\n`);
for (const { file, body, secret, signature } of rows) {
  let verdict;
  let event;
  if (signature === null) {
    verdict = 'unsigned ';
    event = parse(body);
  } else {
    try {
      event = verifyAndParse(secret, body, signature);
      verdict = 'verified ';
    } catch (error) {
      if (!(error instanceof FlagsmithWebhookError)) throw error;
      failures += 1;
      console.log(`FAILED    ${file}: ${error.code}: ${error.message}`);
      continue;
    }
  }
  const type = (event.event_type ?? 'IDENTITY').padEnd(21);
  console.log(`${verdict} ${type} ${describe(event)}`);
}
console.log(`\n${rows.length - failures} of ${rows.length} sample webhooks verified or parsed.`);
if (failures > 0) process.exit(1);

const server = await startServer({ root: repositoryRoot, port: once ? 0 : Number(process.env.PORT ?? 8787) });
const pageUrl = `${server.url}www/`;
console.log(`Inspector: ${pageUrl}`);
if (once) {
  const response = await fetch(pageUrl);
  const ok = response.ok && (await response.text()).includes('flagsmith-webhooks');
  await server.close();
  console.log(ok ? 'Inspector page served (--once: exiting).' : 'Inspector page NOT served');
  process.exit(ok ? 0 : 1);
}
console.log('Serving until interrupted (Ctrl-C).');
