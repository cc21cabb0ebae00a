//! Arbitrary bytes: parse never panics, and validate (the fast check wasm uses) always gives
//! exactly parse's answer.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parsed = flagsmith_webhooks::parse(data).map(drop);
    assert_eq!(flagsmith_webhooks::validate(data), parsed);
});
