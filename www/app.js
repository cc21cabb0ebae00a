// The inspector: verifies, explains and signs Flagsmith webhooks with the real package, in the
// browser. Nothing is sent or stored. Every piece of payload text reaches the page through
// textContent, never as HTML, so a payload cannot inject markup or script.
import init, {
  FlagsmithWebhookError,
  MAX_BODY_BYTES_LIMIT,
  SIGNATURE_HEADER,
  Verifier,
  describe,
  diff,
  isKnownEvent,
  isTestWebhookSample,
  parse,
  sampleEvent,
  sign,
  toFlagsmithJson,
} from '../pkg/browser.js';
import { secretsChanged, setUpTimeline } from './timeline.js';

const $ = (id) => document.getElementById(id);

/** An element with text only (never HTML). */
function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// ---------------------------------------------------------------------------------------------
// Tabs

const tabs = [...document.querySelectorAll('[role="tab"]')];
function selectTab(tab) {
  for (const other of tabs) {
    const selected = other === tab;
    other.setAttribute('aria-selected', String(selected));
    other.tabIndex = selected ? 0 : -1;
    $(other.getAttribute('aria-controls')).hidden = !selected;
  }
  tab.focus();
}
for (const tab of tabs) {
  tab.addEventListener('click', () => selectTab(tab));
  tab.addEventListener('keydown', (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) selectTab(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
  });
}

// ---------------------------------------------------------------------------------------------
// Verify and explain

/** Bytes from a dropped or chosen file, kept exactly until the text is edited. */
let fileBytes = null;

/**
 * What a mismatch's diagnosis advises, in the core's own words (one source for every message):
 * its message without the opening clause the verdict's headline already says.
 */
function advice(error) {
  const text = error.message.replace(/^the signature does not match the body: /, '');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * A whole request pasted from a log, a request bin or a terminal: its body, its signature
 * header, and what was done; null when the text is just a body. Understands a raw HTTP/1.1
 * request, HTTP/2 pseudo-header lines (`:method: POST`), a request bin's tab-separated header
 * table, and a curl command (the Sign tab's own among them).
 */
function splitRawRequest(text) {
  if (/^\s*curl\s/.test(text)) return splitCurl(text);
  const first = /^([A-Z]+ \S+ HTTP\/\d(?:\.\d)?|:?[!-9;-~]+(?::|\t)[^\n]*)\r?\n/.exec(text);
  if (!first) return null;
  const separator = /\r?\n\r?\n/.exec(text);
  if (!separator) return null;
  const head = text.slice(0, separator.index).split(/\r?\n/);
  if (/^[A-Z]+ \S+ HTTP\//.test(head[0])) head.shift();
  const headers = [];
  for (const line of head) {
    // `name: value`, `:pseudo: value` (HTTP/2), or `name<TAB>value` (a request bin's table).
    const match = /^(:?[^:\t]+)(?::|\t)\s*(.*)$/.exec(line);
    if (!match) return null;
    headers.push([match[1].trim().toLowerCase(), match[2].trim()]);
  }
  let body = text.slice(separator.index + separator[0].length);
  const notes = [];
  const length = Number(headers.find(([name]) => name === 'content-length')?.[1]);
  const bytes = new TextEncoder().encode(body);
  if (Number.isInteger(length) && bytes.length > length) {
    body = new TextDecoder().decode(bytes.subarray(0, length));
    notes.push(`The body was cut to its Content-Length (${length} bytes).`);
  }
  return pasted(body, headers, 'HTTP request', notes);
}

function pasted(body, headers, what, notes = []) {
  const signatures = headers.filter(([name]) => name === SIGNATURE_HEADER.toLowerCase()).map(([, value]) => value);
  return { body, signature: signatures.join(', '), headerCount: headers.length, what, notes };
}

/** The words of a shell command: single and double quotes, backslash escapes and line joins. */
function shellWords(text) {
  const words = [];
  let word = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) return null;
      word = (word ?? '') + text.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let value = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\' && i + 1 < text.length && '"\\$`\n'.includes(text[i + 1])) i++;
        value += text[i];
      }
      if (i >= text.length) return null;
      word = (word ?? '') + value;
    } else if (c === '\\' && i + 1 < text.length) {
      i++;
      if (text[i] !== '\n') word = (word ?? '') + text[i];
    } else if (/\s/.test(c)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== null) words.push(word);
  return words;
}

function splitCurl(text) {
  const words = shellWords(text);
  if (!words) return null;
  const headers = [];
  let body = null;
  for (let i = 1; i < words.length; i++) {
    const word = words[i];
    if ((word === '-H' || word === '--header') && i + 1 < words.length) {
      const line = words[++i];
      const colon = line.indexOf(':');
      if (colon > 0) headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    } else if (['-d', '--data', '--data-binary', '--data-raw'].includes(word) && i + 1 < words.length) {
      body = words[++i];
    }
  }
  if (body === null) return null;
  const notes = body.startsWith('@') ? ['The curl command reads its body from a file (@…): paste or load that file instead.'] : [];
  return pasted(body, headers, 'curl command', notes);
}

function bodyInput() {
  return fileBytes ?? $('body').value;
}

function setState(target, state) {
  target.dataset.state = state;
}

function showVerdict(state, title, cause = '', notes = []) {
  setState($('verdict'), state);
  $('verdict-title').textContent = title;
  $('verdict-cause').textContent = cause;
  const list = $('verdict-notes');
  list.replaceChildren(...notes.map((note) => el('li', note)));
}

function showSignatures(received, computed) {
  $('signatures').hidden = !(received || computed);
  $('sig-received').textContent = received || '(none)';
  $('sig-computed').textContent = computed || '(enter the secret)';
}

/** The page takes bodies of any size the package can: it is a tool, not a server. */
const LIMIT = { maxBodyBytes: MAX_BODY_BYTES_LIMIT };

/** Every secret entered: the first field, then any added ones. */
function secretsEntered() {
  return [$('secret'), ...document.querySelectorAll('#more-secrets input')].map((input) => input.value).filter((value) => value !== '');
}

/**
 * Verifies and explains what is entered. The verdict comes first and is always replaced: an
 * explanation that fails (a forged body can hold anything) must never leave an earlier
 * "Valid" on screen.
 */
function verifyNow() {
  try {
    const event = verdictNow();
    try {
      renderExplanation(event);
    } catch (error) {
      renderExplanation(null);
      $('verdict-notes').append(el('li', `This body could not be explained (${error.message}); the verdict above stands.`));
    }
  } catch (error) {
    showSignatures('', '');
    renderExplanation(null);
    showVerdict('invalid', 'Could not check this input.', String(error?.message ?? error));
  }
}

/** Shows the verdict for what is entered; the parsed event, or null. */
function verdictNow() {
  const body = bodyInput();
  const secrets = secretsEntered();
  const signature = cleanSignature($('signature').value);
  const empty = typeof body === 'string' ? body.length === 0 : body.byteLength === 0;
  if (empty) {
    showVerdict('empty', 'Paste a webhook body to start.');
    showSignatures('', '');
    return null;
  }
  const notes = [];
  if (signature !== $('signature').value.trim()) notes.push('Read the signature out of what was pasted in the Signature field.');
  if (/^sha256=/i.test(signature) || /[A-F]/.test(signature)) {
    notes.push('A sha256= prefix or upper-case hex is accepted, but Flagsmith itself sends 64 lower-case hex characters with no prefix.');
  }
  let event = null;
  let parseError = null;
  try {
    event = parse(body, LIMIT);
  } catch (error) {
    if (!(error instanceof FlagsmithWebhookError)) throw error;
    parseError = error;
  }
  const computed = secrets.length ? sign(secrets[0], body, LIMIT) : '';
  showSignatures(signature, computed);
  if (parseError) notes.push(`Not a Flagsmith payload: ${parseError.message}`);
  if (secrets.length === 0) {
    showVerdict(signature ? 'pending' : 'unsigned', signature ? 'Enter the secret to check the signature.' : 'Unsigned: there is no signature, and no secret to check it with.', '', notes);
    return event;
  }
  if (secrets.some((secret) => /^[0-9a-f]{64}$/.test(secret)) && signature && !/^[0-9a-f]{64}$/i.test(signature)) {
    notes.push('A secret looks like a signature (64 hex characters): are the Secret and Signature fields swapped?');
  }
  const verifier = new Verifier(secrets, LIMIT);
  try {
    const index = verifier.match(body, signature);
    if (index >= 0) {
      const which = secrets.length > 1 ? ` (secret ${index + 1})` : '';
      if (parseError) {
        showVerdict('invalid', `The signature matches${which}, but the body is not a Flagsmith payload.`, parseError.message, notes);
      } else {
        showVerdict('valid', `Valid: the signature matches this body${which}.`, '', notes);
      }
      return event;
    }
    try {
      verifier.verifyAndParse(body, signature);
    } catch (error) {
      if (!(error instanceof FlagsmithWebhookError)) throw error;
      switch (error.code) {
        case 'missing_signature':
          showVerdict('unsigned', 'Unsigned: there is no X-Flagsmith-Signature.', 'Flagsmith omits the header when the webhook has no secret. A receiver with a secret must reject this.', notes);
          break;
        case 'malformed_signature':
          showVerdict('invalid', 'Invalid: the signature is malformed.', error.message, notes);
          break;
        default: {
          const recovered = recoveredIndex(body, verifier, signature, error.hint);
          if (recovered >= 0) {
            const which = secrets.length > 1 ? ` (secret ${recovered + 1})` : '';
            showVerdict(
              'invalid',
              'Invalid as received; the content is authentic.',
              `Written again in Flagsmith's format, it matches the signature${which}: Flagsmith sent this content, and something between Flagsmith and here changed its bytes. ${advice(error)}`,
              [...notes, 'This proves what the payload says, not that the request was untouched: a receiver must still verify the raw bytes, and would have rejected these.'],
            );
          } else if (parseError) {
            // Not Flagsmith's shape: the diagnosis that it "looks exactly like what Flagsmith
            // sends" would be wrong; the parse error says what it is.
            showVerdict('invalid', 'Invalid: the signature does not match.', `The body is not a Flagsmith payload either: ${parseError.message}`, notes);
          } else {
            showVerdict('invalid', 'Invalid: the signature does not match.', advice(error), notes);
          }
        }
      }
    }
    return event;
  } finally {
    verifier.free();
  }
}

/** Hints that mean the body was re-serialised after Flagsmith sent it. */
const RESERIALISED = new Set(['pretty_printed', 'compact_separators', 'raw_non_ascii', 'trailing_whitespace']);

/**
 * For a body that was re-serialised after it was sent: the index of the secret its content
 * matches once written again in Flagsmith's own format, or -1.
 */
function recoveredIndex(body, verifier, signature, hint) {
  if (!RESERIALISED.has(hint)) return -1;
  try {
    const text = typeof body === 'string' ? body : new TextDecoder().decode(body);
    return verifier.match(toFlagsmithJson(JSON.parse(text)), signature);
  } catch {
    return -1;
  }
}

/**
 * The signature out of what people paste in the field: a header line
 * (`X-Flagsmith-Signature: …`), quotes around it, a curl `-H` argument.
 */
function cleanSignature(text) {
  let value = text.trim();
  const header = new RegExp(`^(?:-H\\s*)?['"]?${SIGNATURE_HEADER}\\s*[:=\\t]\\s*`, 'i').exec(value);
  if (header) value = value.slice(header[0].length);
  return value.replace(/^['"]+|['"]+$/g, '').trim();
}

/** Text shown whole when short; long text cut, with a button that shows the rest. */
const LONG_TEXT = 20_000;
function showLong(target, text) {
  const more = $(`${target.id}-more`);
  if (text.length <= LONG_TEXT) {
    target.textContent = text;
    more.hidden = true;
    return;
  }
  target.textContent = `${text.slice(0, LONG_TEXT)}\n… (${(text.length - LONG_TEXT).toLocaleString('en')} more characters)`;
  more.hidden = false;
  more.onclick = () => {
    target.textContent = text;
    more.hidden = true;
  };
}

/** At most `limit` characters of a value shown in a table or a list: the JSON viewer has all. */
function clip(text, limit = 300) {
  return text.length > limit ? `${text.slice(0, limit)}… (${(text.length - limit).toLocaleString('en')} more characters; see the whole payload below)` : text;
}

function show(value) {
  return value === undefined ? '—' : clip(JSON.stringify(value));
}

function addFact(list, term, value) {
  if (value === undefined || value === null || value === '') return;
  list.append(el('dt', term), el('dd', clip(String(value))));
}

function scopeText(state) {
  if (state.feature_segment) return `Segment override: ${state.feature_segment.segment.name} (priority ${state.feature_segment.priority})`;
  if (state.identity !== null && state.identity !== undefined) return `Identity override: ${state.identity_identifier} (identity ${state.identity})`;
  return 'Environment default';
}

/** An ISO time and how long ago it was, in the reader's words. */
function humanTime(iso) {
  const time = Date.parse(iso);
  if (!iso || Number.isNaN(time)) return iso || '(not given)';
  const seconds = (time - Date.now()) / 1000;
  const units = [['year', 31_536_000], ['month', 2_592_000], ['day', 86_400], ['hour', 3600], ['minute', 60], ['second', 1]];
  const [unit, size] = units.find(([, size]) => Math.abs(seconds) >= size) ?? ['second', 1];
  const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' }).format(Math.round(seconds / size), unit);
  return `${iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC')} (${relative})`;
}

/**
 * The rows of a flag change: multivariate allocations by variant (with its value and %), and
 * the control's share, which Flagsmith does not send but is what is left.
 */
function flagRows(event) {
  const data = event.data;
  const options = new Map();
  for (const state of [data.previous_state, data.new_state]) {
    for (const mv of state?.multivariate_feature_state_values ?? []) options.set(mv.multivariate_feature_option.id, mv.multivariate_feature_option.value);
  }
  const share = (state) => (state?.multivariate_feature_state_values?.length ? 100 - state.multivariate_feature_state_values.reduce((sum, mv) => sum + mv.percentage_allocation, 0) : undefined);
  const rows = [];
  for (const change of diff(event)?.changes ?? []) {
    if (change.option !== undefined) {
      const id = change.option;
      const label = `variant ${clip(JSON.stringify(options.get(id) ?? null), 60)} (option ${id}) ${change.field === 'value' ? 'value' : 'allocation'}`;
      const percent = (value) => (value === undefined || value === null ? '—' : `${value}%`);
      rows.push(change.field === 'value' ? [label, show(change.before), show(change.after)] : [label, percent(change.before), percent(change.after)]);
    } else {
      rows.push([change.path, show(change.before), show(change.after)]);
    }
  }
  const [before, after] = [share(data.previous_state), share(data.new_state)];
  if ((before !== undefined || after !== undefined) && before !== after) {
    rows.push(['control (what the variants leave)', before === undefined ? '—' : `${Math.round(before * 1e6) / 1e6}%`, after === undefined ? '—' : `${Math.round(after * 1e6) / 1e6}%`]);
  }
  return rows;
}

function renderExplanation(event) {
  $('explain').hidden = event === null;
  if (event === null) return;
  $('summary').textContent = clip(describe(event), 600);
  const facts = $('facts');
  facts.replaceChildren();
  let rows = [];
  let withBefore = true;
  const data = event.data ?? {};
  if (isTestWebhookSample(event)) addFact(facts, 'Note', "This is Flagsmith's Test webhook sample (made-up ids, a 2021 date), not a real change.");
  switch (event.event_type) {
    case 'FLAG_UPDATED':
    case 'FLAG_CREATED':
    case 'FLAG_DELETED': {
      const deleted = event.event_type === 'FLAG_DELETED';
      const state = data.new_state ?? data.previous_state;
      addFact(facts, 'Event', deleted ? 'FLAG_DELETED (the flag was deleted)' : event.event_type);
      addFact(facts, 'Feature', `${state.feature.name} (id ${state.feature.id}, ${state.feature.type})`);
      addFact(facts, 'Environment', state.environment.name);
      addFact(facts, 'Project', state.feature.project.name);
      addFact(facts, 'Applies to', scopeText(state));
      addFact(facts, deleted ? 'Last edited by' : 'Changed by', data.changed_by || '(not given: an API key or the system)');
      // A deletion says when its state was last edited, not when it was deleted.
      addFact(facts, deleted ? 'Last edited (not the deletion)' : 'When', humanTime(data.timestamp));
      rows = flagRows(event);
      break;
    }
    case 'AUDIT_LOG_CREATED':
      addFact(facts, 'Event', 'AUDIT_LOG_CREATED');
      addFact(facts, 'Log', data.log);
      addFact(facts, 'Author', data.author ? `${data.author.first_name} ${data.author.last_name} <${data.author.email}>` : '(an API key or the system)');
      addFact(facts, 'Project', data.project?.name);
      addFact(facts, 'Environment', data.environment?.name);
      addFact(facts, 'About', data.related_object_type ? `${data.related_object_type} ${data.related_object_id ?? data.related_object_uuid ?? ''}` : undefined);
      addFact(facts, 'When', humanTime(data.created_date));
      break;
    case 'NEW_VERSION_PUBLISHED':
      withBefore = false;
      addFact(facts, 'Event', 'NEW_VERSION_PUBLISHED');
      addFact(facts, 'Feature', `${data.feature.name} (id ${data.feature.id})`);
      addFact(facts, 'Published by', data.published_by?.email ?? '(an API key)');
      addFact(facts, 'Version', data.uuid);
      data.feature_states.forEach((state, index) => {
        const allocations = (state.multivariate_feature_state_values ?? []).map((mv) => `${JSON.stringify(mv.multivariate_feature_option.value)} ${mv.percentage_allocation}%`).join(', ');
        rows.push([`state ${index + 1}`, '', clip(`enabled ${state.enabled}, value ${JSON.stringify(state.value)}${allocations ? `, ${allocations}` : ''}`)]);
      });
      break;
    case undefined:
      withBefore = false;
      addFact(facts, 'Event', 'Identity integration body (no event type)');
      addFact(facts, 'Identity', event.identity);
      addFact(facts, 'Segments', (event.segments ?? []).map((segment) => segment.name).join(', ') || '(none)');
      for (const flag of event.flags ?? []) rows.push([`flag ${flag.feature.name}`, '', clip(`enabled ${flag.enabled}, value ${JSON.stringify(flag.feature_state_value)}`)]);
      for (const t of event.traits ?? []) rows.push([`trait ${t.trait_key}`, '', clip(JSON.stringify(t.trait_value))]);
      break;
    default:
      addFact(facts, 'Event', `${event.event_type}: a type this version does not model; the raw JSON is below.`);
  }
  $('changes-title').textContent = event.event_type === 'NEW_VERSION_PUBLISHED' ? 'States in this version' : event.event_type === undefined ? 'Flags and traits' : 'Changes';
  // Only flag changes have a before; only they come with Flagsmith's unreliable previous state.
  $('changes').dataset.before = String(withBefore);
  $('previous-note').hidden = !withBefore;
  const body = $('changes').tBodies[0];
  const removal = event.event_type === 'FLAG_DELETED';
  body.replaceChildren(
    ...rows.map(([field, before, after]) => {
      const row = document.createElement('tr');
      const afterClass = before === after ? '' : removal ? 'after removed' : 'after changed';
      row.append(el('th', field), el('td', before, 'before'), el('td', after, afterClass));
      row.firstChild.scope = 'row';
      return row;
    }),
  );
  $('changes-wrap').hidden = rows.length === 0;
  showLong($('raw-json'), JSON.stringify(event, null, 2));
  $('raw').open = event.event_type !== undefined && !isKnownEvent(event);
  renderTree(event);
}

// ---------------------------------------------------------------------------------------------
// The payload browser

/** Children shown per object or array: the text view has everything. */
const TREE_CHILDREN = 200;
let selectedField = null;

/** A path as JavaScript would write it: data.new_state.feature.name, flags[0]["odd key"]. */
function pathTo(parent, key) {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

function treeNode(key, value, path, depth) {
  const item = document.createElement('li');
  const button = el('button', '', 'field-name');
  button.type = 'button';
  button.setAttribute('aria-pressed', 'false');
  const container = value !== null && typeof value === 'object';
  const entries = container ? (Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value)) : [];
  const label = key === null ? '(the payload)' : String(key);
  button.append(el('span', `${label}: `), el('span', container ? `${Array.isArray(value) ? 'array' : 'object'} of ${entries.length}` : clip(JSON.stringify(value), 120), container ? 'kind' : undefined));
  button.addEventListener('click', () => selectField(button, path || '(the payload)', value));
  item.append(button);
  if (container && entries.length) {
    const list = document.createElement('ul');
    list.append(...entries.slice(0, TREE_CHILDREN).map(([childKey, child]) => treeNode(childKey, child, pathTo(path, childKey), depth + 1)));
    if (entries.length > TREE_CHILDREN) list.append(el('li', `… ${entries.length - TREE_CHILDREN} more (see the text view)`, 'note'));
    if (depth >= 4) list.hidden = true;
    const toggle = el('button', depth >= 4 ? 'Expand' : 'Collapse', 'link');
    toggle.type = 'button';
    toggle.setAttribute('aria-expanded', String(depth < 4));
    toggle.addEventListener('click', () => {
      list.hidden = !list.hidden;
      toggle.textContent = list.hidden ? 'Expand' : 'Collapse';
      toggle.setAttribute('aria-expanded', String(!list.hidden));
    });
    item.append(toggle, list);
  }
  return item;
}

function selectField(button, path, value) {
  selectedField?.setAttribute('aria-pressed', 'false');
  selectedField = button;
  button.setAttribute('aria-pressed', 'true');
  $('tree-path').textContent = path;
  $('tree-value').value = JSON.stringify(value, null, 2);
  $('tree-note').textContent = '';
}

function renderTree(event) {
  selectedField = null;
  $('tree-path').textContent = '(choose a field above)';
  $('tree-value').value = '';
  const root = document.createElement('ul');
  root.append(treeNode(null, event, '', 0));
  $('tree').replaceChildren(root);
}

for (const [button, read] of [['copy-tree-path', () => ($('tree-value').value ? $('tree-path').textContent : '')], ['copy-tree-value', () => $('tree-value').value]]) {
  $(button).addEventListener('click', async () => {
    const value = read();
    if (!value) {
      $('tree-note').textContent = 'Choose a field first.';
      return;
    }
    await copyText(value, $('tree-value'), $('tree-note'));
  });
}

/**
 * Copies to the clipboard, or, where the page may not (no permission, or a prompt nobody
 * answers within a second), selects the text for the keyboard.
 */
async function copyText(value, field, note) {
  try {
    await Promise.race([navigator.clipboard.writeText(value), new Promise((_, reject) => setTimeout(() => reject(new Error('no answer')), 1000))]);
    note.textContent = 'Copied.';
  } catch {
    field.select();
    note.textContent = 'Selected: copy it with your keyboard.';
  }
}

/** The body last taken from a pasted request, so that a repeated input event keeps its note. */
let lastSplitBody = null;

function onBodyInput() {
  fileBytes = null;
  if ($('body').value === lastSplitBody) {
    verifyNow();
    return;
  }
  lastSplitBody = null;
  const split = splitRawRequest($('body').value);
  if (split) {
    lastSplitBody = split.body;
    $('body').value = split.body;
    if (split.signature) $('signature').value = split.signature;
    $('body-note').textContent = [
      `Took the body${split.signature ? ' and the X-Flagsmith-Signature header' : ''} from the pasted ${split.what} (${split.headerCount} headers).`,
      split.signature ? '' : 'It had no X-Flagsmith-Signature header.',
      ...split.notes,
    ].filter(Boolean).join(' ');
  } else {
    $('body-note').textContent = '';
  }
  verifyNow();
}

async function loadFile(file) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const split = splitRawRequest(text);
  if (split) {
    $('body').value = text;
    onBodyInput();
    return;
  }
  fileBytes = bytes;
  $('body').value = text;
  $('body-note').textContent = `Loaded ${file.name} (${bytes.length} bytes), verified byte for byte.`;
  verifyNow();
}

/** Past this size a body is verified once typing pauses, not on every keystroke. */
const LARGE_BODY = 100_000;
let pending;
function whenSettled(run) {
  return () => {
    clearTimeout(pending);
    if ($('body').value.length > LARGE_BODY) pending = setTimeout(run, 250);
    else run();
  };
}
$('body').addEventListener('input', whenSettled(onBodyInput));
$('secret').addEventListener('input', whenSettled(verifyNow));
// A timeline already loaded is verified again with the secrets as they now are.
$('secret').addEventListener('change', () => secretsChanged(secretsEntered()));
$('signature').addEventListener('input', whenSettled(verifyNow));
$('body-file').addEventListener('change', (event) => {
  const [file] = event.target.files;
  if (file) loadFile(file);
});
$('body').addEventListener('dragover', (event) => event.preventDefault());
$('body').addEventListener('drop', (event) => {
  const [file] = event.dataTransfer?.files ?? [];
  if (file) {
    event.preventDefault();
    loadFile(file);
  }
});
$('add-secret').addEventListener('click', () => {
  const count = document.querySelectorAll('#more-secrets input').length + 2;
  const id = `secret-${count}`;
  const label = el('label', `Secret ${count}`);
  label.htmlFor = id;
  const input = el('input');
  Object.assign(input, { id, type: 'password', autocomplete: 'off', spellcheck: false });
  input.addEventListener('input', verifyNow);
  input.addEventListener('change', () => secretsChanged(secretsEntered()));
  $('more-secrets').append(label, input);
  input.focus();
});
$('secret-toggle').addEventListener('click', () => {
  const showing = $('secret').type === 'text';
  $('secret').type = showing ? 'password' : 'text';
  $('secret-toggle').textContent = showing ? 'Show' : 'Hide';
  $('secret-toggle').setAttribute('aria-pressed', String(!showing));
});

// ---------------------------------------------------------------------------------------------
// Sign a test webhook

/** A shell word in single quotes: nothing inside is interpreted, and the bytes stay exact. */
const shellQuote = (text) => `'${text.replaceAll("'", "'\\''")}'`;

/** Clears every output of the Sign tab, so that none is left from an earlier payload. */
function clearSigned() {
  $('sign-body').value = '';
  $('sign-signature').value = '';
  $('sign-curl').value = '';
  $('sign-cli').value = '';
  $('copy-note').textContent = '';
}

function signNow() {
  const status = $('sign-status');
  const secret = $('sign-secret').value;
  clearSigned();
  let payload;
  try {
    payload = JSON.parse($('sign-payload').value);
  } catch (error) {
    setState(status, 'invalid');
    status.textContent = `The payload is not valid JSON: ${error.message}`;
    return;
  }
  const body = toFlagsmithJson(payload);
  $('sign-body').value = body;
  let verdict = 'Body ready: signed with your secret.';
  try {
    parse(body);
  } catch (error) {
    verdict = `Signed, but it is not a Flagsmith payload a receiver would accept: ${error.message}`;
  }
  if (!secret) {
    setState(status, 'pending');
    status.textContent = 'Enter a secret to sign the body.';
    return;
  }
  const signature = sign(secret, body);
  const url = $('sign-url').value;
  $('sign-signature').value = signature;
  $('sign-curl').value = [
    `curl -X POST ${shellQuote(url)} \\`,
    `  -H 'content-type: application/json' \\`,
    `  -H ${shellQuote(`${SIGNATURE_HEADER}: ${signature}`)} \\`,
    `  --data-binary ${shellQuote(body)}`,
  ].join('\n');
  // The package's CLI, the body on standard input and this signature as is: like the curl
  // command, it carries no secret into the shell's history.
  $('sign-cli').value = `printf '%s' ${shellQuote(body)} | npx flagsmith-webhooks send ${shellQuote(url)} --signature ${signature}`;
  setState(status, verdict.startsWith('Body ready') ? 'valid' : 'invalid');
  status.textContent = verdict;
}

/** Presets: every event type, and the shapes of FLAG_UPDATED a receiver must handle. */
const PRESETS = {
  'FLAG_UPDATED (segment override)': () => {
    const event = sampleEvent('FLAG_UPDATED');
    Object.assign(event.data.new_state, { identity: null, identity_identifier: null, feature_segment: { priority: 0, segment: { description: null, id: 5, name: 'beta_testers' } } });
    return event;
  },
  'FLAG_UPDATED (identity override)': () => {
    const event = sampleEvent('FLAG_UPDATED');
    Object.assign(event.data.new_state, { identity: 88213, identity_identifier: 'user_123', feature_segment: null });
    return event;
  },
  'FLAG_UPDATED (multivariate)': () => {
    const event = sampleEvent('FLAG_UPDATED');
    event.data.new_state.feature.type = 'MULTIVARIATE';
    event.data.new_state.multivariate_feature_state_values = [
      { id: 1, multivariate_feature_option: { id: 31, value: 'blue' }, percentage_allocation: 30.0 },
      { id: 2, multivariate_feature_option: { id: 32, value: 'green' }, percentage_allocation: 20.0 },
    ];
    return event;
  },
  'Identity integration body': () => ({
    flags: [{ enabled: true, environment: 23, feature: { created_date: '2026-01-01T00:00:00.000000Z', default_enabled: false, description: null, id: 7, initial_value: null, name: 'dark_mode', type: 'STANDARD' }, feature_segment: null, feature_state_value: null, id: 9, identity: null }],
    identity: 'user_123',
    segments: [{ id: 441, member: true, name: 'beta_testers' }],
    traits: [{ id: 1, trait_key: 'plan', trait_value: 'pro', transient: false }],
  }),
};

function loadSample() {
  const choice = $('sign-type').value;
  $('sign-payload').value = JSON.stringify(PRESETS[choice]?.() ?? sampleEvent(choice), null, 2);
  signNow();
}

$('sign-type').addEventListener('change', loadSample);
for (const id of ['sign-secret', 'sign-payload', 'sign-url']) $(id).addEventListener('input', signNow);
for (const [button, field] of [['copy-curl', 'sign-curl'], ['copy-cli', 'sign-cli']]) {
  $(button).addEventListener('click', async () => {
    const value = $(field).value;
    if (!value) {
      $('copy-note').textContent = 'Nothing to copy yet: enter a secret and a valid payload.';
      return;
    }
    await copyText(value, $(field), $('copy-note'));
  });
}
$('sign-secret-toggle').addEventListener('click', () => {
  const showing = $('sign-secret').type === 'text';
  $('sign-secret').type = showing ? 'password' : 'text';
  $('sign-secret-toggle').textContent = showing ? 'Show' : 'Hide';
  $('sign-secret-toggle').setAttribute('aria-pressed', String(!showing));
});
// First run: an example to try.
$('try-example').addEventListener('click', () => {
  const body = toFlagsmithJson(sampleEvent('FLAG_UPDATED'));
  const secret = 'whsec_example';
  fileBytes = null;
  $('body').value = body;
  $('secret').value = secret;
  $('signature').value = sign(secret, body);
  $('body-note').textContent = 'An example: a FLAG_UPDATED body signed with the secret whsec_example. Change a character to see it fail.';
  verifyNow();
});

await init();
setUpTimeline(secretsEntered);
document.body.dataset.ready = 'true';
loadSample();
verifyNow();
