// Many deliveries at once: a file of them (JSON Lines of { headers, body }, raw HTTP requests,
// or a HAR export) verified with the Verify tab's secrets and shown as a filterable timeline,
// with byte-identical copies folded and any two compared side by side. Every piece of payload
// text reaches the page through textContent, never as HTML.
import { SIGNATURE_HEADER, Verifier, describe, parse } from '../pkg/browser.js';

const $ = (id) => document.getElementById(id);
/** Rows shown at once: enough to read, few enough that 10,000 deliveries stay responsive. */
const SHOWN = 500;
const HEADER = SIGNATURE_HEADER.toLowerCase();

let deliveries = [];
/** The deliveries as loaded, to verify again when the secrets change. */
let loaded = [];
let loadedName = '';
const compared = [];

/** Header pairs from `[[name, value]]` or `{ name: value }`. */
function pairsOf(headers) {
  if (Array.isArray(headers)) return headers.map(([name, value]) => [String(name), String(value)]);
  if (headers && typeof headers === 'object') return Object.entries(headers).map(([name, value]) => [name, String(value)]);
  return [];
}

/** The deliveries in a file's text: `{ headers, body, source }` each. */
export function deliveriesIn(text, name = 'file') {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{') && /"log"\s*:\s*\{/.test(trimmed.slice(0, 200))) {
    // A HAR export: every POST with a body.
    const har = JSON.parse(text);
    return (har.log?.entries ?? [])
      .filter((entry) => entry.request?.method === 'POST' && typeof entry.request?.postData?.text === 'string')
      .map((entry, index) => ({ headers: (entry.request.headers ?? []).map((h) => [h.name, h.value]), body: entry.request.postData.text, source: `${name} #${index + 1}` }));
  }
  if (/^[A-Z]+ \S+ HTTP\/\d/.test(trimmed)) {
    // Raw HTTP/1.1 requests one after another, each body cut to its Content-Length.
    const out = [];
    let rest = trimmed;
    while (/^[A-Z]+ \S+ HTTP\/\d/.test(rest)) {
      const separator = /\r?\n\r?\n/.exec(rest);
      if (!separator) break;
      const head = rest.slice(0, separator.index).split(/\r?\n/).slice(1);
      const headers = head.map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]);
      const after = rest.slice(separator.index + separator[0].length);
      const length = Number(headers.find(([header]) => header.toLowerCase() === 'content-length')?.[1]);
      const bytes = new TextEncoder().encode(after);
      const body = Number.isInteger(length) ? new TextDecoder().decode(bytes.subarray(0, length)) : after;
      out.push({ headers, body, source: `${name} #${out.length + 1}` });
      rest = (Number.isInteger(length) ? new TextDecoder().decode(bytes.subarray(length)) : '').trimStart();
    }
    return out;
  }
  return text
    .split('\n')
    .map((line, index) => [line.trim(), index])
    .filter(([line]) => line !== '')
    .map(([line, index]) => {
      const record = JSON.parse(line);
      return { headers: pairsOf(record.headers), body: String(record.body ?? ''), source: `${name}:${index + 1}` };
    });
}

/** The verdict and the columns of one delivery. */
function analyse(delivery, verifier) {
  const signature = delivery.headers.filter(([name]) => name.toLowerCase() === HEADER).map(([, value]) => value).join(', ');
  let verdict = 'unsigned';
  if (signature) verdict = verifier && verifier.match(delivery.body, signature) >= 0 ? 'valid' : verifier ? 'invalid' : 'not checked';
  let event = null;
  let summary;
  try {
    event = parse(delivery.body);
    summary = describe(event);
  } catch (error) {
    summary = `not a Flagsmith payload: ${error.code}`;
  }
  const data = event?.data ?? {};
  const state = data.new_state ?? data.previous_state;
  const scope = !state ? '' : state.feature_segment ? `segment ${state.feature_segment.segment.name}` : state.identity != null ? `identity ${state.identity_identifier}` : 'environment default';
  return {
    ...delivery,
    verdict,
    type: event ? (event.event_type ?? 'identity') : 'unreadable',
    feature: state?.feature?.name ?? data.feature?.name ?? '',
    environment: state?.environment?.name ?? data.environment?.name ?? '',
    scope,
    author: data.changed_by || data.author?.email || data.published_by?.email || '',
    time: (data.timestamp || data.created_date || '').replace('T', ' ').replace(/(\.\d+)?Z$/, ' UTC'),
    summary,
  };
}

function cell(text, verdict) {
  const td = document.createElement('td');
  td.textContent = text;
  if (verdict) td.dataset.verdict = verdict;
  return td;
}

const FILTERS = ['verdict', 'type', 'feature', 'environment', 'scope', 'author'];

function fillFilters() {
  for (const name of FILTERS) {
    const select = $(`filter-${name}`);
    const values = [...new Set(deliveries.map((d) => d[name]).filter(Boolean))].sort();
    select.replaceChildren(new Option('any', ''), ...values.map((value) => new Option(value, value)));
  }
}

function visible() {
  const text = $('filter-text').value.toLowerCase();
  const seen = new Set();
  return deliveries.filter((delivery) => {
    for (const name of FILTERS) {
      const wanted = $(`filter-${name}`).value;
      if (wanted && delivery[name] !== wanted) return false;
    }
    if (text && !`${delivery.summary}\n${delivery.body}`.toLowerCase().includes(text)) return false;
    if ($('filter-dedupe').checked) {
      if (seen.has(delivery.body)) return false;
      seen.add(delivery.body);
    }
    return true;
  });
}

function render() {
  const rows = visible();
  const body = $('timeline').tBodies[0];
  body.replaceChildren(
    ...rows.slice(0, SHOWN).map((delivery) => {
      const row = document.createElement('tr');
      const pick = document.createElement('input');
      pick.type = 'checkbox';
      pick.checked = compared.includes(delivery);
      pick.setAttribute('aria-label', `Compare ${delivery.source}`);
      pick.addEventListener('change', () => toggleCompared(delivery, pick.checked));
      const choose = document.createElement('td');
      choose.append(pick);
      row.append(choose, cell(delivery.verdict, delivery.verdict), cell(delivery.type), cell(delivery.feature), cell(delivery.environment), cell(delivery.scope), cell(delivery.author), cell(delivery.time), cell(delivery.summary));
      return row;
    }),
  );
  $('timeline-more').textContent = rows.length > SHOWN ? `Showing the first ${SHOWN} of ${rows.length} matching deliveries: narrow the filters to see others.` : `${rows.length} matching deliveries.`;
  $('timeline-wrap').hidden = false;
  $('timeline-filters').hidden = false;
}

function toggleCompared(delivery, on) {
  const at = compared.indexOf(delivery);
  if (on && at < 0) compared.push(delivery);
  if (!on && at >= 0) compared.splice(at, 1);
  while (compared.length > 2) compared.shift();
  showComparison();
  render();
}

/** Two deliveries' payloads as indented JSON, the lines that differ marked. */
function showComparison() {
  $('compare').hidden = compared.length !== 2;
  if (compared.length !== 2) return;
  const lines = compared.map((delivery) => {
    try {
      return JSON.stringify(JSON.parse(delivery.body), null, 2).split('\n');
    } catch {
      return delivery.body.split('\n');
    }
  });
  ['compare-a', 'compare-b'].forEach((id, side) => {
    const other = new Set(lines[1 - side]);
    $(id).replaceChildren(
      ...lines[side].map((line) => {
        const span = document.createElement('span');
        span.textContent = `${line}\n`;
        if (!other.has(line)) span.className = 'differs';
        return span;
      }),
    );
  });
}

/** Loads a file of deliveries and verifies each with `secrets`. */
export async function loadDeliveries(file, secrets) {
  const started = performance.now();
  let found;
  try {
    found = deliveriesIn(await file.text(), file.name);
  } catch (error) {
    $('timeline-status').textContent = `Could not read ${file.name}: ${error.message}`;
    return;
  }
  loaded = found;
  loadedName = file.name;
  verifyAll(secrets);
  const milliseconds = Math.round(performance.now() - started);
  report(milliseconds);
  document.body.dataset.timelineMs = String(milliseconds);
}

/** Verifies every loaded delivery with `secrets` and shows them. */
function verifyAll(secrets) {
  const verifier = secrets.length ? new Verifier(secrets) : null;
  try {
    deliveries = loaded.map((delivery) => analyse(delivery, verifier));
  } finally {
    verifier?.free();
  }
  deliveries.secrets = secrets.length;
  compared.length = 0;
  showComparison();
  fillFilters();
  render();
}

function report(milliseconds) {
  const copies = deliveries.length - new Set(deliveries.map((d) => d.body)).size;
  const count = deliveries.secrets;
  $('timeline-status').textContent = `${deliveries.length} deliveries from ${loadedName} (${copies} byte-identical copies), verified ${count ? `with ${count} secret${count > 1 ? 's' : ''}` : 'without a secret: enter one in the Verify tab'} in ${milliseconds} ms.`;
}

/** For the Verify tab: verify what is loaded again with the secrets now entered. */
export function secretsChanged(secrets) {
  if (loaded.length === 0) return;
  const started = performance.now();
  verifyAll(secrets);
  report(Math.round(performance.now() - started));
}

export function setUpTimeline(secretsEntered) {
  $('timeline-file').addEventListener('change', (event) => {
    const [file] = event.target.files;
    if (file) loadDeliveries(file, secretsEntered());
  });
  for (const id of ['filter-text', ...FILTERS.map((name) => `filter-${name}`), 'filter-dedupe']) $(id).addEventListener('input', render);
}
