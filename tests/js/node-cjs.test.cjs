// The built package through require(), as CommonJS users load it.
const assert = require('node:assert/strict');
const { test } = require('node:test');

const api = require('flagsmith-webhooks');

test('require() loads synchronously and passes the shared vectors', async () => {
  const { runConformance } = await import( './helpers/conformance.mjs');
  const { portableVectors } = await import( './helpers/vectors.mjs');
  assert.deepEqual(runConformance(api, portableVectors()), []);
});

test('require() exposes the whole API', () => {
  for (const name of ['sign', 'verify', 'parse', 'verifyAndParse', 'Verifier', 'FlagsmithWebhookError', 'SIGNATURE_HEADER']) {
    assert.ok(name in api, name);
  }
  assert.equal(api.sign('random_key', '{"key": "value"}'), 'e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f');
  assert.throws(() => api.verifyAndParse('k', Buffer.from('{}'), null), { code: 'missing_signature' });
});
