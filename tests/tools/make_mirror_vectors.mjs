// Writes tests/mirror-vectors.json: event streams and what a flag mirror must say after each,
// applied in the given order and reversed. The bodies are built here; the expectations are
// stated by hand from the mirror's rules (see pkg/lib/mirror.js), never computed by a mirror.
// Both FlagMirrors (tests/mirror.rs, tests/js/mirror.test.mjs) read the file.
//
// Run: node tests/tools/make_mirror_vectors.mjs (the output is committed).
import { readFileSync, writeFileSync } from 'node:fs';

import { sampleEvent, toFlagsmithJson } from 'flagsmith-webhooks';

const root = new URL('../', import.meta.url);
const T1 = '2026-03-01T10:00:00.000000Z';
const T2 = '2026-03-01T10:00:05.000000Z';
const T3 = '2026-03-01T10:00:09.000000Z';

/** `state`, moved to environment 1 (`Production`), feature 10 (`banner`). */
function inBanner(state) {
  state.environment = { id: 1, name: 'Production' };
  state.feature.id = 10;
  state.feature.name = 'banner';
  return state;
}

/** A FLAG_UPDATED body for environment 1, feature 10 (`banner`), in a scope. */
function updated({ timestamp, value, enabled = true, segment, identity, allocation }) {
  const event = sampleEvent('FLAG_UPDATED');
  const state = inBanner(event.data.new_state);
  state.enabled = enabled;
  state.feature_state_value = value;
  state.identity = identity ?? null;
  state.identity_identifier = identity === undefined ? null : `user_${identity}`;
  state.feature_segment = segment === undefined ? null : { priority: 1, segment: { description: null, id: segment, name: `segment_${segment}` } };
  state.multivariate_feature_state_values = allocation === undefined ? [] : [{ id: 1, multivariate_feature_option: { id: 3, value: 'variant' }, percentage_allocation: allocation }];
  event.data.timestamp = timestamp;
  delete event.data.previous_state;
  return toFlagsmithJson(event);
}

function deleted(timestamp) {
  const event = sampleEvent('FLAG_DELETED');
  const state = inBanner(event.data.previous_state);
  state.identity = null;
  state.identity_identifier = null;
  state.feature_segment = null;
  event.data.timestamp = timestamp;
  return toFlagsmithJson(event);
}

const where = { environment: 1, feature: 10 };
const cases = [
  {
    name: 'the later timestamp wins, whatever the order',
    events: [updated({ timestamp: T2, value: 'new' }), updated({ timestamp: T1, value: 'old' })],
    expect: [{ ...where, value: 'new', enabled: true }],
  },
  {
    name: 'equal timestamps settle on the same state in any order (the larger canonical JSON)',
    events: [updated({ timestamp: T1, value: 'a' }), updated({ timestamp: T1, value: 'b' })],
    expect: [{ ...where, value: 'b' }],
  },
  {
    // The entries' canonical JSON: … "percentage_allocation":50,"value":… against …:50.5,… .
    name: 'on a tie, the larger canonical JSON wins: an allocation of 50.5 beats 50',
    events: [updated({ timestamp: T1, value: 'fifty', allocation: 50.0 }), updated({ timestamp: T1, value: 'fifty and a half', allocation: 50.5 })],
    expect: [{ ...where, value: 'fifty and a half' }],
  },
  {
    // The value is an entry's last field: "value":50} against "value":50.5}, and '}' sorts after
    // '.'. Written 50.0 on the wire, as JavaScript writes it (50), not as serde_json would (50.0).
    name: 'numbers compare as JavaScript writes them: a value of 50.0 beats 50.5 on a tie',
    events: [updated({ timestamp: T1, value: 50 }).replace('"feature_state_value": 50,', '"feature_state_value": 50.0,'), updated({ timestamp: T1, value: 50.5 })],
    expect: [{ ...where, value: 50 }],
  },
  {
    name: 'a deletion is for good, whatever its timestamp (the deleted state’s last edit)',
    events: [updated({ timestamp: T2, value: 'x' }), deleted(T1), updated({ timestamp: T3, value: 'y' })],
    expect: [{ ...where, absent: true, deleted: true }],
  },
  {
    name: 'an empty timestamp loses to any dated state',
    events: [updated({ timestamp: '', value: 'undated' }), updated({ timestamp: T1, value: 'dated' })],
    expect: [{ ...where, value: 'dated' }],
  },
  {
    name: 'an undated state alone is kept',
    events: [updated({ timestamp: '', value: 'undated' })],
    expect: [{ ...where, value: 'undated' }],
  },
  {
    name: 'the default, a segment override and an identity override are separate',
    events: [updated({ timestamp: T1, value: 'default' }), updated({ timestamp: T1, value: 'segment', segment: 5 }), updated({ timestamp: T2, value: 'identity', identity: 7, enabled: false })],
    expect: [
      { ...where, value: 'default' },
      { ...where, segment: 5, value: 'segment' },
      { ...where, segment: 'segment_5', value: 'segment' },
      { ...where, identity: 7, value: 'identity', enabled: false },
      { ...where, identity: 'user_7', value: 'identity', enabled: false },
      { ...where, identity: 8, absent: true },
    ],
  },
  {
    name: 'byte-identical copies change nothing',
    events: [updated({ timestamp: T1, value: 'once' }), updated({ timestamp: T1, value: 'once' }), updated({ timestamp: T1, value: 'once' })],
    expect: [{ ...where, value: 'once' }],
    changes: 1,
  },
  {
    name: "Flagsmith's Test webhook sample changes nothing (made-up ids 1/1/1)",
    events: [readFileSync(new URL('fixtures/real/069_flag_updated_test_webhook_environment_scope_unsigned__test-env-unsigned.json', root), 'utf8')],
    expect: [{ environment: 1, feature: 1, identity: 1, absent: true }],
    changes: 0,
  },
  {
    name: 'NEW_VERSION_PUBLISHED and AUDIT_LOG_CREATED change nothing',
    events: [toFlagsmithJson(sampleEvent('NEW_VERSION_PUBLISHED')), toFlagsmithJson(sampleEvent('AUDIT_LOG_CREATED'))],
    expect: [],
    changes: 0,
  },
];

writeFileSync(
  new URL('mirror-vectors.json', root),
  `${JSON.stringify({ about: 'Event streams and what a flag mirror must say after each, in the given order and reversed. Written by tests/tools/make_mirror_vectors.mjs; expectations stated by hand.', cases }, null, 1)}\n`,
);
