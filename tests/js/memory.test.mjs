// A million verify calls and a hundred thousand parse calls leave the wasm memory flat after
// warm-up: the test asserts the page count, not a time. (A file of its own, so that it runs in a
// fresh process: wasm memory only ever grows, and other tests use large bodies.)
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { Verifier, parse, sign, verify, verifyAndParse, verifyRequest, wasmMemoryBytes } from 'flagsmith-webhooks';

import { fixture } from './helpers/vectors.mjs';

const SECRET = 'whsec_demo_f1agsm1th';
const PAGE = 64 * 1024;

test('1,000,000 verify and 100,000 parse calls leave the wasm memory flat', () => {
  const bodies = ['01_flag_updated_env_default.json', '03_flag_updated_multivariate.json', '09_audit_log_created_feature_created.json'].map(fixture);
  const signatures = bodies.map((body) => sign(SECRET, body));
  const verifier = new Verifier([SECRET, 'old']);
  const round = (verifies, parses) => {
    for (let i = 0; i < verifies; i++) {
      const k = i % bodies.length;
      if (!verifier.verify(bodies[k], signatures[k])) throw new Error('verify failed');
      if (i % 10 === 0 && verify(SECRET, bodies[k], 'f'.repeat(64))) throw new Error('verify accepted a bad signature');
    }
    for (let i = 0; i < parses; i++) {
      const k = i % bodies.length;
      parse(bodies[k]);
      if (i % 10 === 0) verifyAndParse(SECRET, bodies[k].toString('utf8'), signatures[k]);
      if (i % 100 === 0) {
        try {
          parse('{"data": [1, 2');
        } catch {
          // errors allocate too; they must be freed as well
        }
      }
    }
  };
  round(20_000, 5_000);
  const pagesAfterWarmUp = wasmMemoryBytes() / PAGE;
  round(1_000_000, 100_000);
  const pagesAfter = wasmMemoryBytes() / PAGE;
  console.log(`wasm memory: ${pagesAfterWarmUp} pages after warm-up, ${pagesAfter} after 1,000,000 verify and 100,000 parse calls`);
  assert.equal(pagesAfter, pagesAfterWarmUp);
});

test('1,000,000 one-shot calls with alternating secrets, lists and byte secrets leave the wasm memory flat', async () => {
  const body = fixture('01_flag_updated_env_default.json');
  const secrets = ['current', 'previous'];
  const signatures = secrets.map((secret) => sign(secret, body));
  const bytesSecret = new TextEncoder().encode('current');
  const round = (calls) => {
    for (let i = 0; i < calls; i++) {
      const k = i % 2;
      let ok;
      switch (i % 4) {
        case 0:
          ok = verify(secrets, body, signatures[k]); // a list: a verifier per call, freed at once
          break;
        case 1:
          ok = verify(secrets[k], body, signatures[k]); // alternating single secrets
          break;
        case 2:
          ok = verify(bytesSecret, body, signatures[0]); // bytes: never cached
          break;
        default:
          ok = verifyAndParse(secrets[k], body, signatures[k]).event_type === 'FLAG_UPDATED';
      }
      if (!ok) throw new Error(`call ${i} failed`);
    }
  };
  const requests = async (count) => {
    for (let i = 0; i < count; i++) {
      const request = new Request('http://localhost/', { method: 'POST', body, headers: { 'x-flagsmith-signature': signatures[i % 2] } });
      const event = await verifyRequest(request, secrets[i % 2]);
      if (event.deliveryKey.length !== 64) throw new Error('no delivery key');
    }
  };
  round(20_000);
  await requests(2_000);
  const pagesAfterWarmUp = wasmMemoryBytes() / PAGE;
  round(1_000_000);
  await requests(20_000);
  const pagesAfter = wasmMemoryBytes() / PAGE;
  console.log(`wasm memory: ${pagesAfterWarmUp} pages after warm-up, ${pagesAfter} after 1,000,000 one-shot calls and 20,000 verifyRequest calls`);
  // Before: +1.2 KiB for good per call that built a verifier (236 MiB after 200,000 calls).
  assert.equal(pagesAfter, pagesAfterWarmUp);
});
