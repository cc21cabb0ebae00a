import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { Verifier, parse } from 'flagsmith-webhooks';
const body = readFileSync('tests/fixtures/01_flag_updated_env_default.json');
const sig = createHmac('sha256', 'k').update(body).digest('hex');
const v = new Verifier('k');
const text = body.toString();
function t(name, fn, n = 100000) { for (let i = 0; i < 2000; i++) fn(); const s = performance.now(); for (let i = 0; i < n; i++) fn(); console.log(name, ((performance.now() - s) * 1000 / n).toFixed(2), 'µs'); }
t('JSON.parse(text)', () => JSON.parse(text));
t('Verifier.verify', () => v.verify(body, sig));
t('parse (validate in wasm + JSON.parse)', () => parse(body));
t('Verifier.verifyAndParse', () => v.verifyAndParse(body, sig));
