// Flagsmith's wire format, diffs and summaries for parsed events, in plain JavaScript.
//
// These twin the Rust crate's `wire.rs` and `diff.rs` rather than call them through wasm: a
// .wasm file cannot be tree-shaken, so in wasm they would cost every receiver about 14 KB gzip
// whether it used them or not, and each call would cross the boundary as JSON text. Both
// implementations are held to the same reviewed outputs (tests/expected/events.json) and to
// Python's json.dumps on generated payloads.

import { isFlagType } from './events.js';
import { escapeControls } from './text.js';

/** Fields Flagsmith's models store as floats: Python prints them as floats (`50.0`). */
const FLOAT_FIELDS = new Set(['percentage_allocation']);

/**
 * Python's `repr` of a float given as the shortest round-trip digits (what Number#toString
 * writes): the same digits, Python's layout (fixed notation for exponents -4..15, else
 * `d.ddde±XX`).
 */
function pythonFloat(number) {
  if (!Number.isFinite(number)) throw new TypeError(`${number} has no JSON form`);
  if (number === 0) return Object.is(number, -0) ? '-0.0' : '0.0';
  const [mantissa, exponentText = '0'] = Math.abs(number).toString().split('e');
  const [integer, fraction = ''] = mantissa.split('.');
  const all = integer + fraction;
  const leadingZeros = all.length - all.replace(/^0+/, '').length;
  const digits = all.slice(leadingZeros).replace(/0+$/, '');
  const exponent = integer.length - 1 - leadingZeros + Number(exponentText);
  const sign = number < 0 ? '-' : '';
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
    if (digits.length <= exponent + 1) return `${sign}${digits}${'0'.repeat(exponent + 1 - digits.length)}.0`;
    return `${sign}${digits.slice(0, exponent + 1)}.${digits.slice(exponent + 1)}`;
  }
  const rest = digits.slice(1);
  const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  return `${sign}${digits[0]}${rest ? `.${rest}` : ''}e${exp}`;
}

function writeNumber(number, key) {
  if (Number.isInteger(number) && !FLOAT_FIELDS.has(key) && Math.abs(number) < 1e21) {
    return Object.is(number, -0) ? '0' : String(number);
  }
  return pythonFloat(number);
}

const SHORT_ESCAPES = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Python's ensure_ascii encoder: every UTF-16 unit outside printable ASCII as \uXXXX. */
function writeString(text, ascii) {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    const code = text.charCodeAt(i);
    if (SHORT_ESCAPES[ch]) out += SHORT_ESCAPES[ch];
    else if (code >= 0x20 && code <= 0x7e) out += ch;
    else if (!ascii && code > 0x7f) out += ch;
    else out += `\\u${code.toString(16).padStart(4, '0')}`;
  }
  return `${out}"`;
}

/** Python sorts keys by code point; JavaScript's default sort compares UTF-16 units. */
function byCodePoint(a, b) {
  const left = [...a];
  const right = [...b];
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference = left[i].codePointAt(0) - right[i].codePointAt(0);
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function write(value, key, ascii) {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      return writeNumber(value, key);
    case 'string':
      return writeString(value, ascii);
    case 'object': {
      if (typeof value.toJSON === 'function') return write(value.toJSON(key), key, ascii);
      if (Array.isArray(value)) {
        return `[${value.map((item) => (item === undefined || typeof item === 'function' ? 'null' : write(item, key, ascii))).join(', ')}]`;
      }
      const keys = Object.keys(value)
        .filter((k) => value[k] !== undefined && typeof value[k] !== 'function')
        .sort(byCodePoint);
      return `{${keys.map((k) => `${writeString(k, ascii)}: ${write(value[k], k, ascii)}`).join(', ')}}`;
    }
    default:
      throw new TypeError(`a ${typeof value} has no JSON form`);
  }
}

/**
 * Serializes a value exactly as Flagsmith's server would send it (Python's
 * `json.dumps(value, sort_keys=True)`): keys sorted by code point at every level, `", "` and
 * `": "`, ASCII only, Python's float format. Integral numbers print as integers except in
 * fields Flagsmith stores as floats (`percentage_allocation`), which print as `50.0`.
 */
export function toFlagsmithJson(value) {
  return write(value, undefined, true);
}

/** The same layout with non-ASCII kept, for text meant for people. */
function display(value) {
  return write(value, undefined, false);
}

// ---------------------------------------------------------------------------------------------
// diff and describe

const isFlagEvent = (event) => isFlagType(event?.event_type);

function scopeOf(state) {
  if (state.feature_segment) {
    const { segment, priority } = state.feature_segment;
    return { type: 'segment', id: segment.id, name: segment.name, priority };
  }
  if (state.identity !== null && state.identity !== undefined) {
    return { type: 'identity', id: state.identity, identifier: state.identity_identifier ?? '' };
  }
  return { type: 'environment' };
}

const same = (a, b) => display(a) === display(b);

/** A change: `path` for display, `field` and (for an allocation) `option` for programs. */
function change(path, before, after, field = path, option) {
  const out = { path, field };
  if (option !== undefined) out.option = option;
  if (before !== undefined) out.before = before;
  if (after !== undefined) out.after = after;
  return out;
}

/** Allocations matched by option id (Flagsmith lists them in no fixed order). */
function allocationChanges(before, after) {
  const list = (state) => state?.multivariate_feature_state_values ?? [];
  const find = (items, option) => items.find((mv) => mv.multivariate_feature_option.id === option);
  const options = [...new Set([...list(before), ...list(after)].map((mv) => mv.multivariate_feature_option.id))].sort((a, b) => a - b);
  const changes = [];
  for (const option of options) {
    const old = find(list(before), option);
    const now = find(list(after), option);
    const fields = [['percentage_allocation', old?.percentage_allocation, now?.percentage_allocation]];
    if (old && now) fields.push(['value', old.multivariate_feature_option.value, now.multivariate_feature_option.value]);
    for (const [field, was, is] of fields) {
      if (was === undefined && is === undefined) continue;
      if (was === undefined || is === undefined || !same(was, is)) changes.push(change(`multivariate[${option}].${field}`, was, is, field, option));
    }
  }
  return changes;
}

/**
 * What a FLAG_UPDATED, FLAG_CREATED or FLAG_DELETED event reports as changed, with its context; null for
 * other events. Flagsmith's previous_state is often inaccurate: this is what the payload says.
 */
export function diff(event) {
  if (!isFlagEvent(event)) return null;
  const data = event.data;
  const previous = data.previous_state ?? undefined;
  const next = data.new_state ?? undefined;
  const state = next ?? previous;
  if (!state) return null;
  const changes = [];
  for (const field of ['enabled', 'feature_state_value']) {
    const was = previous?.[field];
    const is = next?.[field];
    if (previous === undefined || next === undefined || !same(was, is)) changes.push(change(field, was, is));
  }
  if (previous && next) {
    const was = previous.feature_segment?.priority;
    const is = next.feature_segment?.priority;
    if (was !== is) changes.push(change('feature_segment.priority', was, is));
  }
  changes.push(...allocationChanges(previous, next));
  return { feature: state.feature.name, environment: state.environment.name, scope: scopeOf(state), changed_by: data.changed_by, changes };
}

function optionValue(data, option) {
  for (const state of [data.new_state, data.previous_state]) {
    const found = state?.multivariate_feature_state_values?.find((mv) => mv.multivariate_feature_option.id === option);
    if (found) return display(found.multivariate_feature_option.value);
  }
  return String(option);
}

function describeChange(c, data, created) {
  let label = c.field;
  let percent = false;
  if (c.field === 'feature_state_value') label = 'value';
  else if (c.field === 'feature_segment.priority') label = 'priority';
  else if (c.option !== undefined && c.field === 'percentage_allocation') {
    label = `allocation ${optionValue(data, c.option)}`;
    percent = true;
  } else if (c.option !== undefined) label = `option ${c.option} value`;
  const show = (value) => (percent && typeof value === 'number' ? `${pythonFloat(value).replace(/\.0$/, '')}%` : display(value));
  const has = (side) => Object.hasOwn(c, side);
  if ((created || !has('before')) && has('after')) return `${label} ${show(c.after)}`;
  if (has('before') && !has('after')) return `${label} ${show(c.before)} removed`;
  if (has('before') && has('after')) return `${label} ${show(c.before)} → ${show(c.after)}`;
  return label;
}

const plural = (count, word) => `${count} ${word}${count === 1 ? '' : 's'}`;

/**
 * A one-line human summary of any event, for logs and notifications: control and
 * bidirectional characters from the payload are escaped visibly, as in Rust's `describe`.
 */
export function describe(event) {
  return escapeControls(summary(event));
}

function summary(event) {
  const data = event?.data;
  switch (event?.event_type) {
    case 'FLAG_UPDATED':
    case 'FLAG_CREATED':
    case 'FLAG_DELETED': {
      const flag = diff(event);
      if (!flag) return 'flag event without a state';
      let out = `${flag.feature} in ${flag.environment}`;
      if (flag.scope.type === 'segment') out += ` (segment ${flag.scope.name})`;
      if (flag.scope.type === 'identity') out += ` (identity ${flag.scope.identifier})`;
      if (event.event_type === 'FLAG_DELETED') {
        return `${out}: deleted${data.changed_by ? ` (last edited by ${data.changed_by})` : ''}`;
      }
      const created = Boolean(data.new_state) && !data.previous_state;
      const parts = flag.changes.map((c) => describeChange(c, data, created));
      out += `: ${created ? 'created, ' : ''}${parts.length ? parts.join(', ') : 'no visible change'}`;
      return data.changed_by ? `${out} (by ${data.changed_by})` : out;
    }
    case 'AUDIT_LOG_CREATED': {
      const context = [];
      if (data.author) context.push(`by ${data.author.email}`);
      if (data.project) context.push(`project ${data.project.name}`);
      if (data.environment) context.push(`environment ${data.environment.name}`);
      return `audit log: ${data.log} (${context.join(', ')})`;
    }
    case 'NEW_VERSION_PUBLISHED':
      return `${data.feature.name}: new version published with ${plural(data.feature_states.length, 'feature state')} (by ${data.published_by?.email ?? 'an API key'})`;
    case undefined:
      if (typeof event?.identity === 'string') {
        const members = event.segments.filter((s) => s.member).length;
        return `identity ${event.identity}: ${plural(event.flags.length, 'flag')}, ${plural(event.traits.length, 'trait')}, member of ${members} of ${plural(event.segments.length, 'segment')}`;
      }
      return 'not a Flagsmith webhook event';
    default:
      return `${event.event_type} event (a type this version of flagsmith-webhooks does not model; kept whole)`;
  }
}
