//! Whatever parses serializes in Flagsmith's format, and that output parses again to the same
//! bytes (the serializer is stable and lossless on its own output).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(event) = flagsmith_webhooks::parse(data) else { return };
    let once = flagsmith_webhooks::to_flagsmith_json(&event);
    assert!(once.is_ascii());
    let again = flagsmith_webhooks::parse(once.as_bytes()).expect("our own output parses");
    assert_eq!(flagsmith_webhooks::to_flagsmith_json(&again), once);
});
