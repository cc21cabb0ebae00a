// The vector checks, written once against whichever copy of the package is passed in, so that
// Node, the Worker (workerd) and Chromium run exactly the same assertions on the same data.
// Returns a list of failures (empty when every runtime agrees with tests/vectors.json).
// `flagsmith-webhooks/verify`, which does not parse, gets the signing and verifying checks.

function hexToBytes(hex) {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function secretFrom(value) {
  return typeof value === 'string' ? value : hexToBytes(value.hex);
}

export function runConformance(api, portable) {
  const failures = [];
  const check = (ok, message) => {
    if (!ok) failures.push(message);
  };
  for (const c of portable.sign) {
    const body = hexToBytes(c.body_hex);
    const secret = hexToBytes(c.secret_hex);
    check(api.sign(secret, body) === c.signature, `sign: ${c.name}`);
    check(api.verify(secret, body, c.signature) === true, `sign/verify: ${c.name}`);
  }
  for (const c of portable.verify) {
    const body = hexToBytes(c.body_hex);
    const secrets = c.secrets.map(secretFrom);
    const secretArg = secrets.length === 1 ? secrets[0] : secrets;
    check(api.verify(secretArg, body, c.signature) === c.valid, `verify: ${c.name}`);
    const verifier = new api.Verifier(secrets);
    check(verifier.match(body, c.signature) === c.match, `Verifier.match: ${c.name}`);
    if (typeof verifier.verifyAndParse !== 'function') continue;
    let code = null;
    let hint;
    try {
      verifier.verifyAndParse(body, c.signature);
    } catch (error) {
      code = error.code;
      hint = error.hint;
      check(error instanceof api.FlagsmithWebhookError, `error class: ${c.name}`);
      for (const s of c.secrets) {
        if (typeof s === 'string') check(!error.message.includes(s.trim()), `secret leaked: ${c.name}`);
      }
    }
    check(code === c.code, `verifyAndParse code: ${c.name}: got ${code}, expected ${c.code}`);
    if (c.hint) check(hint === c.hint, `hint: ${c.name}: got ${hint}, expected ${c.hint}`);
  }
  for (const c of api.parse ? portable.parse : []) {
    const body = hexToBytes(c.body_hex);
    try {
      const event = api.parse(body);
      check(c.code === undefined, `parse: ${c.name}: parsed, expected ${c.code}`);
      check((event.event_type ?? null) === c.event_type, `parse event_type: ${c.name}`);
      if (c.identity) check(event.identity === c.identity, `parse identity: ${c.name}`);
    } catch (error) {
      check(error.code === c.code, `parse: ${c.name}: got ${error.code} (${error.message}), expected ${c.code}`);
      if (c.path) check(error.message.includes(`\`${c.path}\``), `parse path: ${c.name}: ${error.message}`);
      if (c.line) check(error.message.includes(`line ${c.line}, column ${c.column}`), `parse position: ${c.name}: ${error.message}`);
    }
  }
  return failures;
}
