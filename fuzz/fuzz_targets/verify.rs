//! Arbitrary secret, body and header text: verify never panics, and a correct signature,
//! however decorated, always verifies.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&[u8], &[u8], &str)| {
    let (secret, body, header) = input;
    let _ = flagsmith_webhooks::verify(secret, body, header);
    let _ = flagsmith_webhooks::verify_and_parse(secret, body, header);
    if !secret.is_empty() {
        let signature = flagsmith_webhooks::sign(secret, body);
        assert!(flagsmith_webhooks::verify(secret, body, &signature));
        let joined = format!("{header}, sha256={}", signature.to_uppercase());
        assert!(flagsmith_webhooks::verify(secret, body, &joined));
    }
});
