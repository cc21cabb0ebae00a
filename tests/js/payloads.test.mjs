// The payload model from JavaScript: the Flagsmith serializer, signEvent, diff and describe,
// checked against Python's json.dumps and the reviewed expected outputs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { describe, diff, isIdentityPayload, isKnownEvent, parse, sign, signEvent, toFlagsmithJson, verify } from 'flagsmith-webhooks';

import { fixture, vectors } from './helpers/vectors.mjs';

const generator = new URL('../tools/gen_payloads.py', import.meta.url).pathname;
const expected = JSON.parse(readFileSync(new URL('../expected/events.json', import.meta.url), 'utf8'));
const SECRET = vectors.fixture_secret;

function python(args, input) {
  return execFileSync('python3', [generator, ...args], { input, encoding: 'utf8', maxBuffer: 64 << 20 });
}

test('toFlagsmithJson(parse(body)) gives back every fixture byte for byte (fixture 11 aside)', () => {
  const exceptions = [];
  for (const file of Object.keys(expected)) {
    const body = fixture(file).toString('utf8');
    const again = toFlagsmithJson(parse(body));
    if (/"percentage_allocation": \d+[,}]/.test(body)) {
      // The "Test webhook" button's sample writes percentage_allocation as the integer 50;
      // JavaScript numbers cannot remember that, and Flagsmith's model says it is a float.
      assert.equal(again, body.replaceAll('"percentage_allocation": 50', '"percentage_allocation": 50.0'));
      exceptions.push(file);
      continue;
    }
    assert.equal(again, body, file);
    assert.equal(signEvent(SECRET, parse(body)).signature, sign(SECRET, body), file);
  }
  assert.deepEqual(exceptions, [
    '11_test_button_environment_sample.json',
    'real/069_flag_updated_test_webhook_environment_scope_unsigned__test-env-unsigned.json',
  ]);
});

test('generated payloads round-trip against Python (those JavaScript numbers can represent)', () => {
  let exact = 0;
  for (const seed of ['11', '12']) {
    for (const line of python(['250', seed]).trim().split('\n')) {
      const { body, js_exact } = JSON.parse(line);
      const event = parse(body);
      if (!js_exact) continue;
      assert.equal(toFlagsmithJson(event), body);
      exact += 1;
    }
  }
  assert.ok(exact > 400, `${exact} exact bodies`);
});

test('modified events serialize exactly as Python would (built from the model, not cached bytes)', () => {
  const modified = [];
  for (const file of Object.keys(expected)) {
    const event = parse(fixture(file));
    if (event.data?.new_state) {
      event.data.new_state.feature_state_value = 'changed ✓ "quoted" \\ é 🚀\n';
      event.data.new_state.enabled = !event.data.new_state.enabled;
      event.data.new_state.added_field = { nested: [1, 2.5, null, 'x'], b: true };
      for (const mv of event.data.new_state.multivariate_feature_state_values ?? []) mv.percentage_allocation = 25;
    } else if (event.data) {
      event.data.added_at_top = 'value <b>';
    }
    event.zzz_extra = -2147483648;
    modified.push(event);
  }
  const reference = python(['--reference-float-fields'], modified.map((e) => JSON.stringify(e)).join('\n') + '\n').trimEnd().split('\n');
  assert.equal(reference.length, modified.length);
  modified.forEach((event, i) => assert.equal(toFlagsmithJson(event), reference[i]));
});

test('signEvent builds a test webhook that verify accepts', () => {
  const event = parse(fixture('03_flag_updated_multivariate.json'));
  event.data.new_state.feature_state_value = 'Jetzt kaufen — ✓';
  const { body, signature } = signEvent('my-secret', event);
  assert.ok(/^[\x20-\x7e]*$/.test(body), 'ASCII only');
  assert.match(body, /Jetzt kaufen \\u2014 \\u2713/);
  assert.equal(verify('my-secret', body, signature), true);
  assert.deepEqual(parse(body), event);
});

test('diff and describe match the expected outputs for every fixture', () => {
  for (const [file, want] of Object.entries(expected)) {
    const event = parse(fixture(file));
    assert.equal(describe(event), want.describe, file);
    assert.deepEqual(diff(event), want.diff, file);
  }
});

test('diff reports created and deleted states with a missing side', () => {
  const created = diff(parse(fixture('02_flag_updated_feature_created_no_previous_state.json')));
  assert.deepEqual(created.changes, [{ path: 'enabled', field: 'enabled', after: false }, { path: 'feature_state_value', field: 'feature_state_value', after: 42 }]);
  const multivariate = diff(parse(fixture('03_flag_updated_multivariate.json')));
  assert.ok(multivariate.changes.some((c) => c.field === 'percentage_allocation' && Number.isInteger(c.option) && c.path === `multivariate[${c.option}].percentage_allocation`));
  assert.equal(created.changes[0].before, undefined);
  const deleted = diff(parse(fixture('07_flag_deleted.json')));
  assert.equal(deleted.changes[0].after, undefined);
  const segment = diff(parse(fixture('04_flag_updated_segment_override.json')));
  assert.deepEqual(segment.scope, { type: 'segment', id: 441, name: 'beta_testers', priority: 0 });
  assert.equal(diff(parse(fixture('09_audit_log_created_feature_created.json'))), null);
});

test('unknown event types and unknown fields come through intact', () => {
  const body = '{"data": {"deep": {"x": [1.5, "\\u00e9"]}}, "event_type": "SEGMENT_ARCHIVED", "top": null}';
  const event = parse(body);
  assert.deepEqual(event, { data: { deep: { x: [1.5, 'é'] } }, event_type: 'SEGMENT_ARCHIVED', top: null });
  assert.equal(isKnownEvent(event), false);
  assert.equal(toFlagsmithJson(event), body);
  assert.match(describe(event), /^SEGMENT_ARCHIVED event/);
  const identityCase = vectors.parse.find((c) => c.identity);
  const identity = parse(identityCase.body);
  assert.equal(isIdentityPayload(identity), true);
  assert.equal(isKnownEvent(identity), false);
  assert.equal(toFlagsmithJson(identity), identityCase.body);
  assert.match(describe(identity), /^identity user-42: 1 flag, 2 traits, member of 1 of 1 segment$/);
});

test('floats print as Python repr and keys sort by code point, as json.dumps does', () => {
  // Expected strings printed by python3's json.dumps(..., sort_keys=True).
  assert.equal(
    toFlagsmithJson([1e-5, 1.5e-7, 0.0001, 33.33, 66.66666666666667, 0.1, -2.5, 5e-324, 1e300, 2147483647, -2147483648]),
    '[1e-05, 1.5e-07, 0.0001, 33.33, 66.66666666666667, 0.1, -2.5, 5e-324, 1e+300, 2147483647, -2147483648]',
  );
  assert.equal(toFlagsmithJson({ percentage_allocation: [100, 1e16, 0, 12.5] }), '{"percentage_allocation": [100.0, 1e+16, 0.0, 12.5]}');
  // JavaScript's default sort would put U+1F600 (UTF-16 D83D) before U+FFFF; Python does not.
  assert.equal(toFlagsmithJson({ '\uffff': 1, '😀': 2, a: 3, é: 4, Z: 5 }), '{"Z": 5, "a": 3, "\\u00e9": 4, "\\uffff": 1, "\\ud83d\\ude00": 2}');
  assert.equal(toFlagsmithJson({ a: undefined, b: [undefined], c: null }), '{"b": [null], "c": null}');
  assert.throws(() => toFlagsmithJson({ n: NaN }), TypeError);
});
