//! Rejecting a body takes memory bounded by a small multiple of nothing: the check streams,
//! and only an accepted body is ever built into a tree. Measured with a counting allocator (the
//! wasm module's memory is measured through the package by tests/js/memory.test.mjs).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Mutex;

use flagsmith_webhooks::{parse, validate};
use peak_alloc::PeakAlloc;

#[global_allocator]
static ALLOCATOR: PeakAlloc = PeakAlloc;

/// One measurement at a time: the test harness runs tests on several threads.
static MEASURING: Mutex<()> = Mutex::new(());

/// The most bytes allocated at once while `run` ran, beyond what was live before it.
fn peak_during(run: impl FnOnce()) -> usize {
    let _one = MEASURING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let before = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    run();
    ALLOCATOR.peak_usage().saturating_sub(before)
}

/// Bodies of about `size` bytes that fit no model: many short keys, a long array of numbers,
/// and deep-ish nesting, each with a problem at the very end.
fn hostile(size: usize) -> Vec<(&'static str, Vec<u8>)> {
    let mut keys = String::from("{\"data\": {");
    let mut n = 0u64;
    while keys.len() < size {
        keys.push_str(&format!("\"{n:x}\": 0, "));
        n += 1;
    }
    keys.push_str("\"z\": 0}, \"event_type\": \"FLAG_UPDATED\"}");
    let array = format!(
        "{{\"data\": {{\"x\": [{}0]}}, \"event_type\": \"FLAG_UPDATED\"}}",
        "0, ".repeat(size / 3)
    );
    let unknown = format!(
        "{{\"data\": {{\"x\": [{}9007199254740993]}}, \"event_type\": \"OTHER\"}}",
        "[{\"a\": \"b\"}], ".repeat(size / 15)
    );
    vec![
        ("many keys", keys.into_bytes()),
        ("a long array", array.into_bytes()),
        ("unknown type, problem last", unknown.into_bytes()),
    ]
}

#[test]
fn rejecting_a_large_body_allocates_almost_nothing() {
    for (name, body) in hostile(1 << 20) {
        let mut outcome = Ok(());
        let peak = peak_during(|| outcome = validate(&body));
        let error = outcome.expect_err(name);
        assert_eq!(error.code(), "invalid_payload", "{name}: {error}");
        // Before the streaming check, the error path built a Value tree: 10 to 40 times the body.
        assert!(
            peak < body.len() / 8,
            "{name}: {peak} bytes allocated at the peak for a {}-byte body",
            body.len()
        );
        let mut parsed = Ok(());
        let peak = peak_during(|| parsed = parse(&body).map(drop));
        assert_eq!(parsed, Err(error), "{name}");
        assert!(
            peak < body.len() / 8,
            "{name}: parse peaked at {peak} bytes"
        );
    }
}
