// Placeholder inspector: verifies a pasted body with the real package. The full inspector
// (explain, sign, raw-request paste) is tracked separately.
import init, { FlagsmithWebhookError, verifyAndParse } from '../pkg/browser.js';

const $ = (id) => document.getElementById(id);

await init();

function update() {
  const body = $('body').value;
  const secret = $('secret').value;
  const signature = $('signature').value;
  const verdict = $('verdict');
  if (!body || !secret) {
    verdict.textContent = 'Ready: paste a body and enter the secret.';
    return;
  }
  try {
    const event = verifyAndParse(secret, body, signature);
    verdict.textContent = `Valid: ${event.event_type ?? 'identity body'}`;
  } catch (error) {
    if (!(error instanceof FlagsmithWebhookError)) throw error;
    verdict.textContent = `${error.code === 'missing_signature' ? 'Unsigned' : 'Invalid'} (${error.code}): ${error.message}`;
  }
}

for (const id of ['body', 'secret', 'signature']) $(id).addEventListener('input', update);
update();
