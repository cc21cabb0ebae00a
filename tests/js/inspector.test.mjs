// The inspector in Debian's Chromium (playwright-core), served on 127.0.0.1 by the same code the
// demo runs: verdicts and explanations for every fixture, the diagnoses, a pasted raw request,
// inert XSS payloads, the CSP blocking other origins, signing, an axe audit, and screenshots
// at laptop and phone width (saved to tests/out/screenshots/).
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import AxeBuilder from '@axe-core/playwright';
import { createNodeMiddleware, describe, parse, sign, toFlagsmithJson, verify } from 'flagsmith-webhooks';

import { startServer } from '../../scripts/serve.mjs';
import { launchChromium } from './helpers/chromium.mjs';
import { fixture, vectors } from './helpers/vectors.mjs';

const SECRET = vectors.fixture_secret;
const screenshots = fileURLToPath(new URL('../out/screenshots/', import.meta.url));
let server;
let context;
let page;
const problems = [];

before(async () => {
  mkdirSync(screenshots, { recursive: true });
  server = await startServer();
  context = await launchChromium({ viewport: { width: 1280, height: 900 } });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/favicon/.test(message.location().url ?? '')) problems.push(`console: ${message.text()}`);
  });
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    dialog.dismiss();
  });
  await openInspector();
});

after(async () => {
  await context?.close();
  await server?.close();
});

async function openInspector() {
  await page.goto(`${server.url}www/`);
  await page.waitForSelector('body[data-ready="true"]');
}

async function enter({ body, secret = '', signature = '' }) {
  await page.fill('#secret', secret);
  await page.fill('#signature', signature);
  await page.fill('#body', body);
}

const text = (selector) => page.locator(selector).innerText();

test('every fixture with the right secret shows valid and the right details', async () => {
  const signed = JSON.parse(fixture('signatures.json')).bodies;
  const real = JSON.parse(fixture('real/requests.json')).requests.filter((r) => r.signed_by);
  const cases = [
    ...Object.entries(signed).map(([file, signature]) => ({ file, secret: SECRET, signature })),
    ...real.map((r) => ({ file: `real/${r.file}`, secret: r.secret, signature: r.signature_header })),
  ];
  for (const { file, secret, signature } of cases) {
    const body = fixture(file).toString('utf8');
    await enter({ body, secret, signature });
    assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'valid', file);
    assert.match(await text('#verdict-title'), /^Valid/, file);
    assert.equal(await text('#sig-computed'), signature, file);
    assert.equal(await text('#summary'), describe(parse(body)), file);
    const event = parse(body);
    const facts = await text('#facts');
    const state = event.data.new_state ?? event.data.previous_state;
    if (state) {
      assert.ok(facts.includes(state.feature.name), `${file}: feature`);
      assert.ok(facts.includes(state.environment.name), `${file}: environment`);
    }
    if (event.event_type === 'AUDIT_LOG_CREATED') assert.ok(facts.includes(event.data.log), `${file}: log`);
  }
  await page.screenshot({ path: join(screenshots, 'laptop-valid.png'), fullPage: true });
});

test('a tampered body, a pretty-printed body, a wrong secret and a padded secret are each diagnosed', async () => {
  const body = fixture('03_flag_updated_multivariate.json').toString('utf8');
  const signature = sign(SECRET, body);
  const cases = [
    { name: 'tampered', input: { body: body.replace('Purchase', 'Purchased'), secret: SECRET, signature }, cause: /most likely not the one configured on this webhook|was altered/ },
    { name: 'pretty-printed', input: { body: JSON.stringify(JSON.parse(body), null, 2), secret: SECRET, signature }, cause: /pretty-printed/ },
    { name: 'JSON.stringify', input: { body: JSON.stringify(JSON.parse(body)), secret: SECRET, signature }, cause: /re-serialised/ },
    { name: 'wrong secret', input: { body, secret: 'not-the-secret', signature }, cause: /secret is most likely not the one/ },
    { name: 'secret with a trailing space', input: { body, secret: `${SECRET} `, signature }, cause: /leading or trailing whitespace/ },
  ];
  for (const { name, input, cause } of cases) {
    await enter(input);
    assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'invalid', name);
    // A re-serialised copy of an authentic body is recognised as such (see the next test).
    const title = ['pretty-printed', 'JSON.stringify'].includes(name) ? /^Invalid as received; the content is authentic/ : /^Invalid: the signature does not match/;
    assert.match(await text('#verdict-title'), title, name);
    assert.match(await text('#verdict-cause'), cause, name);
    assert.equal(await text('#sig-received'), signature, name);
  }
  await page.screenshot({ path: join(screenshots, 'laptop-invalid.png'), fullPage: true });
  await enter({ body, secret: SECRET, signature: '' });
  assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'unsigned');
  await enter({ body, secret: SECRET, signature: `sha256=${signature.toUpperCase()}` });
  assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'valid');
  assert.match(await text('#verdict-notes'), /Flagsmith itself sends 64 lower-case hex characters with no prefix/);
});

test('a re-serialised copy of every real signed request is recognised as authentic content', async () => {
  const requests = JSON.parse(fixture('real/requests.json')).requests.filter((r) => r.signed_by);
  assert.equal(requests.length, 20);
  for (const request of requests) {
    const original = fixture(`real/${request.file}`).toString('utf8');
    for (const [how, copy] of [['pretty-printed', JSON.stringify(JSON.parse(original), null, 2)], ['JSON.stringify', JSON.stringify(JSON.parse(original))]]) {
      await enter({ body: copy, secret: request.secret, signature: request.signature_header });
      assert.match(await text('#verdict-title'), /^Invalid as received; the content is authentic/, `${request.file} ${how}`);
      assert.match(await text('#verdict-notes'), /must still verify the raw bytes/);
    }
  }
  // Changed content is not: a tampered, pretty-printed copy.
  const request = requests[0];
  const tampered = JSON.parse(fixture(`real/${request.file}`));
  tampered.data.tampered = true;
  await enter({ body: JSON.stringify(tampered, null, 2), secret: request.secret, signature: request.signature_header });
  assert.match(await text('#verdict-title'), /^Invalid: the signature does not match/);
});

test('a pasted raw HTTP request is split into its body and signature header', async () => {
  const request = JSON.parse(fixture('real/requests.json')).requests.find((r) => r.signed_by);
  const body = fixture(`real/${request.file}`).toString('latin1');
  await page.fill('#signature', '');
  await page.fill('#secret', request.secret);
  // As copied from a log: the raw head, the body, and a trailing newline past Content-Length.
  await page.fill('#body', `${request.raw_head_bytes_latin1}${body}\n`);
  assert.equal(await page.inputValue('#body'), body);
  assert.equal(await page.inputValue('#signature'), request.signature_header);
  assert.match(await text('#body-note'), /Took the body and the X-Flagsmith-Signature header from the pasted HTTP request \(8 headers\)/);
  assert.match(await text('#body-note'), /cut to its Content-Length/);
  assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'valid');
});

test('a verdict is never stale: a forged body after a valid one is Invalid, whatever it holds', async () => {
  const body = fixture('01_flag_updated_env_default.json').toString('utf8');
  const signature = sign(SECRET, body);
  await enter({ body, secret: SECRET, signature });
  assert.match(await text('#verdict-title'), /^Valid/);
  const forgeries = [
    body.replace(/"new_state": \{.*\}, "previous_state"/, '"new_state": null, "previous_state"'),
    toFlagsmithJson({ ...parse(fixture('03_flag_updated_multivariate.json')), event_type: 'FLAG_UPDATED' }).replace(/"percentage_allocation": [0-9.]+/, '"percentage_allocation": 1e400'),
    '{"data": {"x": 1}, "event_type": "FLAG_UPDATED"}',
  ];
  for (const forged of forgeries) {
    await enter({ body, secret: SECRET, signature });
    assert.match(await text('#verdict-title'), /^Valid/);
    await page.fill('#body', forged);
    assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'invalid', forged.slice(0, 80));
    assert.match(await text('#verdict-title'), /^Invalid/, forged.slice(0, 80));
    assert.equal(await text('#sig-computed'), sign(SECRET, forged));
  }
  // An explanation that fails, whatever the reason (here made to fail on purpose), comes after
  // the verdict and cannot leave the earlier one on screen.
  const forged = body.replace('jane.doe@example.com', 'forger@example.com');
  await enter({ body, secret: SECRET, signature });
  await page.evaluate(() => {
    const original = JSON.stringify;
    JSON.stringify = (value, ...rest) => {
      if (value?.data?.changed_by === 'forger@example.com') throw new Error('explanation failure');
      return original(value, ...rest);
    };
  });
  await page.fill('#body', forged);
  assert.match(await text('#verdict-title'), /^Invalid: the signature does not match/);
  assert.match(await text('#verdict-notes'), /could not be explained \(explanation failure\)/);
  await openInspector();
});

test('several secrets: the one that matched is named; swapped fields are noticed', async () => {
  const body = fixture('07_flag_deleted.json').toString('utf8');
  await page.fill('#body', body);
  await page.fill('#signature', sign('organisation-secret', body));
  await page.fill('#secret', SECRET);
  assert.match(await text('#verdict-title'), /^Invalid/);
  if ((await page.locator('#more-secrets input').count()) === 0) await page.click('#add-secret');
  await page.getByLabel('Secret 2').fill('organisation-secret');
  assert.match(await text('#verdict-title'), /^Valid: the signature matches this body \(secret 2\)/);
  await page.getByLabel('Secret 2').fill('');
  // The signature in the Secret field, the secret in the Signature field.
  await enter({ body, secret: sign(SECRET, body), signature: SECRET });
  assert.match(await text('#verdict-notes'), /swapped/);
});

test('what people paste: a curl command, header tables, HTTP/2 lines, a header line as the signature', async () => {
  const request = JSON.parse(fixture('real/requests.json')).requests.find((r) => r.signed_by);
  const body = fixture(`real/${request.file}`).toString('latin1');
  const shellQuote = (value) => `'${value.replaceAll("'", "'\\''")}'`;
  const formats = {
    'curl command': `curl -X POST 'http://127.0.0.1:8787/webhook' \\\n  -H 'content-type: application/json' \\\n  -H ${shellQuote(`X-Flagsmith-Signature: ${request.signature_header}`)} \\\n  --data-binary ${shellQuote(body)}`,
    'HTTP request': `POST /hook HTTP/1.1\ncontent-type\tapplication/json\nX-Flagsmith-Signature\t${request.signature_header}\n\n${body}`,
  };
  formats['HTTP/2'] = `:method: POST\n:path: /hook\ncontent-type: application/json\nx-flagsmith-signature: ${request.signature_header}\n\n${body}`;
  for (const [what, pastedText] of Object.entries(formats)) {
    await page.fill('#signature', '');
    await page.fill('#secret', request.secret);
    await page.fill('#body', pastedText);
    assert.equal(await page.inputValue('#body'), body, what);
    assert.equal(await page.inputValue('#signature'), request.signature_header, what);
    assert.match(await text('#verdict-title'), /^Valid/, what);
  }
  for (const signature of [`X-Flagsmith-Signature: ${request.signature_header}`, `"${request.signature_header}"`, `-H 'X-Flagsmith-Signature: ${request.signature_header}'`]) {
    await enter({ body, secret: request.secret, signature });
    assert.match(await text('#verdict-title'), /^Valid/, signature);
    assert.match(await text('#verdict-notes'), /Read the signature out of what was pasted/, signature);
  }
  // Not JSON, or JSON that is not Flagsmith's, and not signed by this secret: the parse error,
  // never "looks exactly like what Flagsmith sends".
  for (const body of ['not json at all', '{"hello": "world"}']) {
    await enter({ body, secret: SECRET, signature: '0'.repeat(64) });
    assert.match(await text('#verdict-cause'), /not a Flagsmith payload either: the body (is not valid JSON|is JSON but not)/, body);
    assert.doesNotMatch(await text('#verdict-cause'), /looks exactly like/, body);
    await enter({ body, secret: '', signature: '' });
    assert.match(await text('#verdict-notes'), /Not a Flagsmith payload/, body);
  }
  // Authentic, but not a Flagsmith payload: the library's own parse error.
  const notFlagsmith = '{"hello": "world"}';
  await enter({ body: notFlagsmith, secret: SECRET, signature: sign(SECRET, notFlagsmith) });
  assert.match(await text('#verdict-title'), /^The signature matches, but the body is not a Flagsmith payload/);
  assert.match(await text('#verdict-cause'), /event_type/);
});

test('the server forbids framing the inspector', async () => {
  const response = await fetch(`${server.url}www/`);
  assert.equal(response.headers.get('x-frame-options'), 'DENY');
  assert.equal(response.headers.get('content-security-policy'), "frame-ancestors 'none'");
});

test('many deliveries: a file of every real request loads, verifies, filters, folds copies and compares two', async () => {
  await openInspector();
  const requests = JSON.parse(fixture('real/requests.json')).requests;
  // Every real request, the signed ones twice, as a receiver captures them (JSON Lines).
  const lines = requests.flatMap((r) => {
    const line = JSON.stringify({ headers: r.headers, body: fixture(`real/${r.file}`).toString('utf8'), receivedAt: 'x' });
    return r.signed_by ? [line, line] : [line];
  });
  await page.fill('#secret', 'real-secret-1');
  if ((await page.locator('#more-secrets input').count()) === 0) await page.click('#add-secret');
  await page.getByLabel('Secret 2').fill('real-secret-2');
  await page.click('#tab-timeline');
  await page.setInputFiles('#timeline-file', { name: 'deliveries.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
  await page.waitForFunction(() => document.body.dataset.timelineMs !== undefined);
  // Copies folded: one row per distinct body (Flagsmith itself sent some actions two or three
  // times, byte for byte, besides the copies made here).
  const distinct = new Set(requests.map((r) => fixture(`real/${r.file}`).toString('utf8'))).size;
  assert.match(await text('#timeline-status'), new RegExp(`^${lines.length} deliveries from deliveries.jsonl \\(${lines.length - distinct} byte-identical copies\\), verified with 2 secrets`));
  const rows = page.locator('#timeline tbody tr');
  assert.equal(await rows.count(), distinct);
  const verdicts = await page.locator('#timeline tbody td[data-verdict]').allInnerTexts();
  assert.equal(verdicts.filter((v) => v === 'valid').length + verdicts.filter((v) => v === 'unsigned').length, verdicts.length, verdicts.join());
  assert.ok(verdicts.filter((v) => v === 'valid').length >= 15);
  await page.uncheck('#filter-dedupe');
  assert.equal(await rows.count(), lines.length);
  await page.check('#filter-dedupe');
  await page.selectOption('#filter-type', 'AUDIT_LOG_CREATED');
  const types = await page.locator('#timeline tbody tr td:nth-child(3)').allInnerTexts();
  assert.ok(types.length >= 5 && types.every((t) => t === 'AUDIT_LOG_CREATED'), types.join());
  await page.selectOption('#filter-type', '');
  await page.selectOption('#filter-verdict', 'unsigned');
  assert.equal(await rows.count(), new Set(requests.filter((r) => !r.signed_by).map((r) => fixture(`real/${r.file}`).toString('utf8'))).size);
  await page.selectOption('#filter-verdict', '');
  await page.fill('#filter-text', 'capture_proc');
  assert.ok((await rows.count()) >= 1);
  assert.ok((await page.locator('#timeline tbody tr td:last-child').allInnerTexts()).every((t) => t.includes('capture_proc')));
  await page.fill('#filter-text', '');
  // Two deliveries side by side, their differing lines marked.
  await page.locator('#timeline tbody tr input[type=checkbox]').nth(1).check();
  await page.locator('#timeline tbody tr input[type=checkbox]').nth(2).check();
  assert.equal(await page.locator('#compare').isVisible(), true);
  assert.ok((await page.locator('#compare .differs').count()) > 0);
  await page.screenshot({ path: join(screenshots, 'laptop-timeline.png'), fullPage: false });
  // Changing the secrets afterwards verifies what is loaded again.
  await page.click('#tab-verify');
  await page.fill('#secret', 'not-a-secret');
  await page.getByLabel('Secret 2').fill('');
  await page.locator('#secret').blur();
  await page.getByLabel('Secret 2').blur();
  await page.click('#tab-timeline');
  assert.match(await text('#timeline-status'), /verified with 1 secret in/);
  assert.ok((await page.locator('#timeline tbody td[data-verdict="valid"]').count()) === 0, 'no delivery is valid under another secret');
  const axe = await new AxeBuilder({ page }).analyze();
  const serious = axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  assert.deepEqual(serious.map((v) => `${v.id}: ${v.help}`), []);
});

test('many deliveries: several raw HTTP requests in one file, and a HAR export', async () => {
  const requests = JSON.parse(fixture('real/requests.json')).requests.filter((r) => r.signed_by).slice(0, 4);
  const raw = requests.map((r) => Buffer.concat([Buffer.from(r.raw_head_bytes_latin1, 'latin1'), fixture(`real/${r.file}`), Buffer.from('\r\n')])).reduce((a, b) => Buffer.concat([a, b]));
  const har = {
    log: {
      version: '1.2',
      entries: [
        ...requests.map((r) => ({ request: { method: 'POST', url: 'https://example.test/hook', headers: r.headers.map(([name, value]) => ({ name, value })), postData: { mimeType: 'application/json', text: fixture(`real/${r.file}`).toString('utf8') } } })),
        { request: { method: 'GET', url: 'https://example.test/', headers: [] } },
      ],
    },
  };
  for (const [name, buffer] of [['capture.http', raw], ['session.har', Buffer.from(JSON.stringify(har))]]) {
    await openInspector();
    await page.fill('#secret', 'real-secret-1');
    await page.click('#add-secret');
    await page.getByLabel('Secret 2').fill('real-secret-2');
    await page.click('#tab-timeline');
    await page.setInputFiles('#timeline-file', { name, mimeType: 'text/plain', buffer });
    await page.waitForFunction(() => document.body.dataset.timelineMs !== undefined);
    assert.match(await text('#timeline-status'), new RegExp(`^4 deliveries from ${name.replace('.', '\\.')}`), name);
    await page.uncheck('#filter-dedupe');
    assert.deepEqual([...new Set(await page.locator('#timeline tbody td[data-verdict]').allInnerTexts())], ['valid'], name);
  }
  await openInspector();
});

test('zoomed to 200 % and 400 %: still usable, screenshots saved', async () => {
  await openInspector();
  const body = fixture('03_flag_updated_multivariate.json').toString('utf8');
  await enter({ body, secret: SECRET, signature: sign(SECRET, body) });
  // Zooming a 1280 px window to 200 % and 400 % lays the page out at 640 px and 320 px.
  for (const [zoom, width] of [[200, 640], [400, 320]]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(screenshots, `zoom-${zoom}.png`), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${zoom} %: no sideways scrolling (${overflow}px)`);
    assert.match(await text('#verdict-title'), /^Valid/);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
});

test("many deliveries: the audit sink's file loads, and 10,000 deliveries stay within the budget", async () => {
  const { AuditSink, fileAuditStore, sampleEvent } = await import('flagsmith-webhooks');
  const { mkdtempSync, readFileSync: readFile, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const folder = mkdtempSync(join(tmpdir(), 'fw-audit-file-'));
  const sink = new AuditSink({ store: fileAuditStore(join(folder, 'audit.jsonl')) });
  for (let id = 1; id <= 20; id++) {
    const event = sampleEvent('AUDIT_LOG_CREATED');
    event.data.id = id;
    const body = toFlagsmithJson(event);
    await sink.add({ headers: [['X-Flagsmith-Signature', sign(SECRET, body)]], body, receivedAt: 'x', deliveryKey: String(id) }, event);
  }
  // The Node sink's own file, as it is on disk.
  const file = readFile(join(folder, 'audit.jsonl'));
  rmSync(folder, { recursive: true, force: true });
  await openInspector();
  await page.fill('#secret', SECRET);
  await page.click('#tab-timeline');
  await page.setInputFiles('#timeline-file', { name: 'audit.jsonl', mimeType: 'application/x-ndjson', buffer: file });
  await page.waitForFunction(() => document.body.dataset.timelineMs !== undefined);
  const verdicts = await page.locator('#timeline tbody td[data-verdict]').allInnerTexts();
  assert.deepEqual([...new Set(verdicts)], ['valid']);
  assert.equal(verdicts.length, 20);

  // 10,000 distinct signed deliveries.
  const many = [];
  const template = sampleEvent('FLAG_UPDATED');
  for (let i = 0; i < 10_000; i++) {
    template.data.changed_by = `user-${i}@example.com`;
    template.data.new_state.feature.name = `feature_${i % 40}`;
    const body = toFlagsmithJson(template);
    many.push(JSON.stringify({ headers: [['X-Flagsmith-Signature', sign(SECRET, body)]], body }));
  }
  await openInspector();
  await page.fill('#secret', SECRET);
  await page.click('#tab-timeline');
  await page.setInputFiles('#timeline-file', { name: 'many.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(many.join('\n')) });
  await page.waitForFunction(() => document.body.dataset.timelineMs !== undefined, null, { timeout: 30_000 });
  const milliseconds = Number(await page.evaluate(() => document.body.dataset.timelineMs));
  console.log(`10,000 deliveries loaded, verified and shown in ${milliseconds} ms`);
  assert.ok(milliseconds < 5000, `${milliseconds} ms (budget 5,000)`);
  assert.equal(await page.locator('#timeline tbody tr').count(), 500);
  assert.match(await text('#timeline-more'), /first 500 of 10000/);
  const started = Date.now();
  await page.selectOption('#filter-feature', 'feature_7');
  assert.equal(await page.locator('#timeline tbody tr').count(), 250);
  assert.ok(Date.now() - started < 2000, 'filtering 10,000 deliveries stays responsive');
  await openInspector();
});

test('a 2 MB body: verified once typing pauses, its JSON cut with a way to see it all', async () => {
  await openInspector();
  const event = parse(fixture('01_flag_updated_env_default.json'));
  event.data.new_state.feature_state_value = 'x'.repeat(2 * 1024 * 1024);
  const body = toFlagsmithJson(event);
  await page.fill('#secret', SECRET);
  await page.fill('#signature', sign(SECRET, body, { maxBodyBytes: 8 * 1024 * 1024 }));
  const started = Date.now();
  await page.fill('#body', body);
  await page.waitForFunction(() => document.querySelector('#verdict-title').textContent.startsWith('Valid'), null, { timeout: 10_000 });
  console.log(`2 MB body: verdict after ${Date.now() - started} ms`);
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  assert.ok(height < 20_000, `the page is ${height} px tall`);
  await page.click('#raw summary');
  assert.equal(await page.locator('#raw-json-more').isVisible(), true);
  await page.click('#raw-json-more');
  assert.ok((await page.locator('#raw-json').evaluate((node) => node.textContent.length)) > 2 * 1024 * 1024);
  await openInspector();
});

test('dark mode: its own colours, and no serious accessibility findings in it', async () => {
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await openInspector();
    const body = fixture('03_flag_updated_multivariate.json').toString('utf8');
    await enter({ body, secret: SECRET, signature: sign(SECRET, body) });
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    assert.equal(background, 'rgb(15, 20, 25)');
    await page.screenshot({ path: join(screenshots, 'laptop-dark.png'), fullPage: true });
    const axe = await new AxeBuilder({ page }).analyze();
    assert.deepEqual(axe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => `${v.id}: ${v.help}`), []);
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    await openInspector();
  }
});

test('payload text is only ever text: XSS payloads stay inert and visible', async () => {
  const event = parse(fixture('01_flag_updated_env_default.json'));
  const attacks = ['<img src=x onerror="window.__xss=1">', '<script>window.__xss=2</script>', '"><svg onload="window.__xss=3">'];
  event.data.new_state.feature.name = attacks[0];
  event.data.new_state.feature_state_value = attacks[1];
  event.data.changed_by = attacks[2];
  event.data.new_state.environment.name = '<b>bold?</b>';
  const body = toFlagsmithJson(event);
  await enter({ body, secret: SECRET, signature: sign(SECRET, body) });
  assert.equal(await page.locator('#verdict').getAttribute('data-state'), 'valid');
  const shown = (await text('#explain')) + (await page.locator('#raw-json').textContent());
  for (const attack of attacks) assert.ok(shown.includes(attack), `visible as text: ${attack}`);
  assert.equal(await page.locator('main img, main svg, main script, main b').count(), 0);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.deepEqual(problems, []);
});

test('the Content-Security-Policy blocks requests to another origin', async () => {
  let hits = 0;
  const other = createServer((request, response) => {
    hits += 1;
    response.end('{}');
  });
  await new Promise((resolve) => other.listen(0, '127.0.0.1', resolve));
  const otherUrl = `http://127.0.0.1:${other.address().port}/`;
  try {
    const outcome = await page.evaluate(async (url) => {
      const violations = [];
      document.addEventListener('securitypolicyviolation', (event) => violations.push(event.violatedDirective));
      let fetched = 'sent';
      try {
        await fetch(url);
      } catch {
        fetched = 'blocked';
      }
      const image = new Image();
      image.src = `${url}pixel.png`;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return { fetched, violations };
    }, otherUrl);
    assert.equal(outcome.fetched, 'blocked');
    assert.ok(outcome.violations.includes('connect-src'), JSON.stringify(outcome.violations));
    assert.ok(outcome.violations.includes('img-src'), JSON.stringify(outcome.violations));
    assert.equal(hits, 0, 'the other origin received nothing');
  } finally {
    other.close();
  }
  // Nothing about the secret is kept: no storage, no cookie, nothing in the URL.
  await enter({ body: fixture('07_flag_deleted.json').toString(), secret: 'a-secret-to-forget', signature: '' });
  const kept = await page.evaluate(() => ({ local: localStorage.length, session: sessionStorage.length, cookie: document.cookie, url: location.href }));
  assert.deepEqual(kept, { local: 0, session: 0, cookie: '', url: `${server.url}www/` });
  problems.length = 0;
});

test('signing mode builds a webhook that verify, Python and a real receiver accept', async () => {
  await page.click('#tab-sign');
  assert.equal(await page.locator('#panel-sign').isVisible(), true);
  for (const type of ['AUDIT_LOG_CREATED', 'FLAG_UPDATED']) {
    await page.selectOption('#sign-type', type);
    await page.fill('#sign-secret', 's3cr3t ✓');
    const body = await page.inputValue('#sign-body');
    const signature = await page.inputValue('#sign-signature');
    assert.equal(parse(body).event_type, type);
    assert.equal(verify('s3cr3t ✓', body, signature), true);
    const python = execFileSync('python3', ['-c', "import hmac,hashlib,sys; print(hmac.new('s3cr3t ✓'.encode(), sys.stdin.buffer.read(), hashlib.sha256).hexdigest())"], { input: body, encoding: 'utf8' }).trim();
    assert.equal(signature, python);
  }
  // Edit the payload: it is re-serialised in Flagsmith's format, not sent as typed.
  const edited = JSON.parse(await page.inputValue('#sign-payload'));
  edited.data.new_state.feature_state_value = "it's 'quoted' — ✓";
  await page.fill('#sign-payload', JSON.stringify(edited));
  assert.equal(await page.inputValue('#sign-body'), toFlagsmithJson(edited));
  // The curl command, run for real against a receiver on 127.0.0.1.
  const received = [];
  const receiver = createServer(createNodeMiddleware({ secret: 's3cr3t ✓', onEvent: (event) => received.push(event) }));
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    await page.fill('#sign-url', `http://127.0.0.1:${receiver.address().port}/webhook`);
    const curl = await page.inputValue('#sign-curl');
    // Asynchronously: the receiver runs in this process and must keep answering.
    const { stdout: output } = await promisify(execFile)('bash', ['-c', `${curl} -s -w ' %{http_code}'`], { encoding: 'utf8' });
    assert.match(output, / 200$/);
    assert.equal(received.length, 1);
    assert.equal(received[0].data.new_state.feature_state_value, "it's 'quoted' — ✓");
  } finally {
    receiver.close();
  }
  await page.screenshot({ path: join(screenshots, 'laptop-sign.png'), fullPage: true });
  await page.focus('#tab-sign');
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.locator('#panel-verify').isVisible(), true, 'arrow keys move between tabs');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-verify');
});

test('the Sign tab never shows stale output, has a preset for every shape, and a CLI command that works', async () => {
  await openInspector();
  await page.click('#tab-sign');
  await page.fill('#sign-secret', 's3cr3t');
  const presets = await page.locator('#sign-type option').allInnerTexts();
  assert.ok(presets.length >= 8, presets.join());
  for (const preset of presets) {
    await page.selectOption('#sign-type', preset);
    const body = await page.inputValue('#sign-body');
    assert.doesNotThrow(() => parse(body), preset);
    assert.equal(verify('s3cr3t', body, await page.inputValue('#sign-signature')), true, preset);
  }
  // Invalid JSON: nothing from the earlier payload is left on screen.
  await page.fill('#sign-payload', '{"data": ');
  assert.match(await text('#sign-status'), /not valid JSON/);
  for (const id of ['#sign-body', '#sign-signature', '#sign-curl', '#sign-cli']) assert.equal(await page.inputValue(id), '', id);
  await page.click('#copy-cli');
  assert.match(await text('#copy-note'), /Nothing to copy/);
  await page.selectOption('#sign-type', 'FLAG_UPDATED (multivariate)');
  // The CLI command, run for real against a receiver on 127.0.0.1.
  const received = [];
  const receiver = createServer(createNodeMiddleware({ secret: 's3cr3t', onEvent: (event) => received.push(event) }));
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  try {
    await page.fill('#sign-url', `http://127.0.0.1:${receiver.address().port}/webhook`);
    const command = (await page.inputValue('#sign-cli')).replace('npx flagsmith-webhooks', `${process.execPath} ${fileURLToPath(new URL('../../pkg/bin/flagsmith-webhooks.js', import.meta.url))}`);
    const { stdout } = await promisify(execFile)('bash', ['-c', command], { encoding: 'utf8' });
    assert.match(stdout, /^200 OK/);
    assert.equal(received.length, 1);
    assert.equal(received[0].data.new_state.multivariate_feature_state_values.length, 2);
  } finally {
    receiver.close();
  }
  await page.click('#tab-verify');
});

test('first run: a placeholder, and an example to try', async () => {
  await openInspector();
  assert.match(await page.getAttribute('#body', 'placeholder'), /drop a file/);
  assert.equal(await page.locator('#signatures').isVisible(), false, 'nothing computed before anything is entered');
  await page.click('#try-example');
  assert.match(await text('#verdict-title'), /^Valid/);
  await page.fill('#body', (await page.inputValue('#body')).replace('true', 'false'));
  assert.match(await text('#verdict-title'), /^Invalid/);
});

test('explanations per type: variants with their values and shares, deletions, versions, identities, the test sample', async () => {
  await openInspector();
  const explain = async (body) => {
    await enter({ body, secret: SECRET, signature: sign(SECRET, body) });
    return { facts: await text('#facts'), rows: await page.locator('#changes tbody tr').allInnerTexts() };
  };
  const multivariate = await explain(fixture('03_flag_updated_multivariate.json').toString('utf8'));
  assert.ok(multivariate.rows.some((row) => /^variant "Purchase" \(option \d+\) allocation\s+50%\s+30%/.test(row)), multivariate.rows.join('\n'));
  assert.ok(multivariate.rows.some((row) => /^control \(what the variants leave\)\s+0%\s+50%/.test(row)), multivariate.rows.join('\n'));
  const deleted = await explain(fixture('07_flag_deleted.json').toString('utf8'));
  assert.match(deleted.facts, /Last edited \(not the deletion\)/);
  assert.doesNotMatch(deleted.facts, /^When/m);
  assert.ok((await page.locator('#changes td.removed').count()) > 0, 'a deletion is shown as a removal');
  const version = readdirSync(fileURLToPath(new URL('../fixtures/real/', import.meta.url))).find((name) => /new_version/.test(name));
  await explain(fixture(`real/${version}`).toString('utf8'));
  assert.equal(await page.locator('#changes thead th:nth-child(2)').isVisible(), false, 'no Before column for a version');
  assert.equal(await page.locator('#previous-note').isVisible(), false);
  const identity = await explain(vectors.parse.find((c) => c.identity).body);
  assert.ok(identity.rows.some((row) => row.startsWith('flag dark_mode')), identity.rows.join('\n'));
  assert.ok(identity.rows.some((row) => row.startsWith('trait plan')));
  const sample = await explain(fixture('real/069_flag_updated_test_webhook_environment_scope_unsigned__test-env-unsigned.json').toString('utf8'));
  assert.match(sample.facts, /Test webhook sample/);
  assert.match(sample.facts, /UTC \(.+ ago\)/, 'times in words');
});

test('the payload browser: fields by path, collapsible, value and path to copy', async () => {
  await openInspector();
  const body = fixture('01_flag_updated_env_default.json').toString('utf8');
  await enter({ body, secret: SECRET, signature: sign(SECRET, body) });
  await page.click('#tree-wrap summary');
  await page.click('#copy-tree-path');
  assert.match(await text('#tree-note'), /Choose a field first/);
  await page.locator('#tree button.field-name', { hasText: 'name: "butter_bar"' }).first().click();
  assert.equal(await text('#tree-path'), 'data.new_state.feature.name');
  assert.equal(await page.inputValue('#tree-value'), '"butter_bar"');
  await page.locator('#tree button.field-name', { hasText: /^previous_state: object/ }).click();
  assert.equal(await text('#tree-path'), 'data.previous_state');
  assert.equal(JSON.parse(await page.inputValue('#tree-value')).feature.name, 'butter_bar');
  await page.click('#copy-tree-value');
  await page.waitForFunction(() => document.querySelector('#tree-note').textContent !== '', null, { timeout: 5000 });
  assert.match(await text('#tree-note'), /^(Copied|Selected)/);
  // Collapsing hides a level; deep levels start collapsed.
  const toggle = page.locator('#tree button.link').first();
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await page.locator('#tree button.link[aria-expanded="false"]').count() > 0, true, 'deep levels start collapsed');
});

test('no serious or critical accessibility violations (axe-core), and phone-width screenshots', async () => {
  const body = fixture('04_flag_updated_segment_override.json').toString();
  const states = {
    empty: { body: '', secret: '', signature: '' },
    valid: { body, secret: SECRET, signature: sign(SECRET, body) },
    invalid: { body, secret: 'wrong', signature: sign(SECRET, body) },
  };
  for (const [name, input] of Object.entries(states)) {
    await enter(input);
    await page.locator('#raw').evaluate((details) => {
      details.open = true;
    });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const serious = violations.filter((v) => ['serious', 'critical'].includes(v.impact));
    assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.length})`), [], name);
  }
  await page.click('#tab-sign');
  const { violations } = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), [], 'sign');

  await page.setViewportSize({ width: 390, height: 844 });
  const tabTops = await page.locator('[role="tab"]').evaluateAll((tabs) => tabs.map((tab) => tab.getBoundingClientRect().top));
  assert.equal(new Set(tabTops).size, 1, `the tabs stay on one line at phone width (${tabTops})`);
  await page.click('#tab-sign');
  await page.screenshot({ path: join(screenshots, 'phone-sign.png'), fullPage: true });
  await page.click('#tab-verify');
  await enter(states.valid);
  await page.screenshot({ path: join(screenshots, 'phone-valid.png'), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `no horizontal scrolling at phone width (${overflow}px)`);
  await enter(states.invalid);
  await page.screenshot({ path: join(screenshots, 'phone-invalid.png'), fullPage: true });
  // The new states at phone width: the payload browser, a recovered body, dark mode, the timeline.
  await enter(states.valid);
  await page.click('#tree-wrap summary');
  await page.screenshot({ path: join(screenshots, 'phone-browse.png'), fullPage: true });
  const recovered = JSON.stringify(JSON.parse(states.valid.body), null, 2);
  await enter({ ...states.valid, body: recovered });
  await page.screenshot({ path: join(screenshots, 'phone-recovered.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(screenshots, 'phone-dark.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'light' });
  await page.click('#tab-timeline');
  const lines = JSON.parse(fixture('real/requests.json')).requests.map((r) => JSON.stringify({ headers: r.headers, body: fixture(`real/${r.file}`).toString('utf8') }));
  await page.setInputFiles('#timeline-file', { name: 'deliveries.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(lines.join('\n')) });
  await page.waitForFunction(() => document.body.dataset.timelineMs !== undefined);
  await page.screenshot({ path: join(screenshots, 'phone-timeline.png'), fullPage: true });
  const timelineOverflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(timelineOverflow <= 0, `the timeline scrolls within its own box at phone width (${timelineOverflow}px)`);
  const phoneAxe = await new AxeBuilder({ page }).analyze();
  assert.deepEqual(phoneAxe.violations.filter((v) => ['serious', 'critical'].includes(v.impact)).map((v) => v.id), [], 'timeline at phone width');
  await page.click('#tab-verify');
  await page.setViewportSize({ width: 1280, height: 900 });
  assert.deepEqual(problems, []);
});
