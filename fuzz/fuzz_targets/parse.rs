//! Arbitrary bytes: parse never panics; validate (the streaming check wasm uses) gives exactly
//! parse's answer; the same walk over a `Value` agrees with the bytes; every message is short
//! and free of control characters.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = flagsmith_webhooks::parse(data);
    let validated = flagsmith_webhooks::validate(data);
    assert_eq!(validated, parsed.as_ref().map(drop).map_err(Clone::clone));
    // A Value keeps no written form: an integer literal too long for 64 bits is a float in it,
    // which only the bytes show was an integer (and, with arbitrary_precision enabled by
    // another crate, an object holding serde_json's reserved number key is a number in it).
    let reserved = data.windows(19).any(|w| w == b"serde_json::private");
    let long_digits = data.windows(20).any(|w| w.iter().all(u8::is_ascii_digit));
    let comparable = !reserved && !long_digits;
    if let (Ok(value), true) = (serde_json::from_slice::<serde_json::Value>(data), comparable) {
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
