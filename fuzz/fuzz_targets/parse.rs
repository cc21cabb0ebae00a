//! Arbitrary bytes: parse never panics; validate (the streaming check wasm uses) gives exactly
//! parse's answer; the same walk over a `Value` agrees with the bytes; every message is short
//! and free of control characters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = flagsmith_webhooks::parse(data);
    let validated = flagsmith_webhooks::validate(data);
    assert_eq!(validated, parsed.as_ref().map(drop).map_err(Clone::clone));
    // serde_json (arbitrary_precision) turns an object holding its reserved number key into a
    // number inside a Value: only the bytes can tell the two apart.
    let reserved = data.windows(19).any(|w| w == b"serde_json::private");
    if let (Ok(value), false) = (serde_json::from_slice::<serde_json::Value>(data), reserved) {
        assert_eq!(flagsmith_webhooks::from_value(value).map(drop), validated);
    }
    if let Err(error) = &parsed {
        let message = error.to_string();
        assert!(message.len() < 1200, "{} bytes: {message}", message.len());
        assert!(
            !message.chars().any(|c| c.is_control()
                || matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}')),
            "{message:?}"
        );
    }
});
