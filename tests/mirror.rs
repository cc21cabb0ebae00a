//! The Rust FlagMirror on the shared vectors (tests/mirror-vectors.json, also read by
//! tests/js/mirror.test.mjs), in the given order and reversed; the real captures in any order;
//! a snapshot round trip. tests/js/mirror.test.mjs also holds the two languages to the same
//! snapshot text over generated streams.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::mirror::{FlagMirror, Lookup, MirroredState};
use flagsmith_webhooks::model::FlagValue;
use flagsmith_webhooks::parse;
use serde_json::Value;

fn lookup(value: &Value) -> Lookup<'_> {
    match value {
        Value::Number(number) => Lookup::Id(number.as_i64().unwrap()),
        Value::String(text) => Lookup::Name(text),
        other => panic!("not a lookup: {other}"),
    }
}

fn found<'m>(mirror: &'m FlagMirror, query: &Value) -> Option<&'m MirroredState> {
    let environment = lookup(&query["environment"]);
    let feature = lookup(&query["feature"]);
    if let Some(segment) = query.get("segment") {
        mirror.get_segment(environment, feature, lookup(segment))
    } else if let Some(identity) = query.get("identity") {
        mirror.get_identity(environment, feature, lookup(identity))
    } else {
        mirror.get(environment, feature)
    }
}

fn value_json(value: &FlagValue) -> Value {
    serde_json::to_value(value).unwrap()
}

#[test]
fn the_shared_vectors_in_order_and_reversed() {
    let vectors: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/mirror-vectors.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let cases = vectors["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    for case in cases {
        let events: Vec<_> = case["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|body| parse(body.as_str().unwrap().as_bytes()).unwrap())
            .collect();
        for reversed in [false, true] {
            let label = format!("{} (reversed: {reversed})", case["name"]);
            let mut mirror = FlagMirror::new();
            let mut stream: Vec<_> = events.iter().collect();
            if reversed {
                stream.reverse();
            }
            let changes = stream
                .iter()
                .filter(|event| mirror.apply(event).changed())
                .count();
            if let Some(expected) = case.get("changes") {
                assert_eq!(changes as u64, expected.as_u64().unwrap(), "{label}");
            }
            for query in case["expect"].as_array().unwrap() {
                let state = found(&mirror, query);
                if query.get("absent") == Some(&Value::Bool(true)) {
                    assert!(state.is_none(), "{label}: {query}");
                } else {
                    let state = state.unwrap_or_else(|| panic!("{label}: nothing for {query}"));
                    // Numbers by value: the wire's 50.0 is JavaScript's 50.
                    let (ours, wanted) = (value_json(&state.value), &query["value"]);
                    match (ours.as_f64(), wanted.as_f64()) {
                        (Some(ours), Some(wanted)) => assert_eq!(ours, wanted, "{label}"),
                        _ => assert_eq!(&ours, wanted, "{label}"),
                    }
                    if let Some(enabled) = query.get("enabled") {
                        assert_eq!(Value::Bool(state.enabled), *enabled, "{label}");
                    }
                }
                if query.get("deleted") == Some(&Value::Bool(true)) {
                    let environment = query["environment"].as_i64().unwrap();
                    let feature = query["feature"].as_i64().unwrap();
                    assert!(mirror.is_deleted(environment, feature), "{label}");
                }
            }
        }
    }
}

#[test]
fn the_real_captures_give_one_snapshot_in_any_order_and_it_restores() {
    let requests: Value = serde_json::from_slice(&common::fixture("real/requests.json")).unwrap();
    let events: Vec<_> = requests["requests"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            parse(&common::fixture(&format!(
                "real/{}",
                r["file"].as_str().unwrap()
            )))
            .unwrap()
        })
        .collect();
    let snapshot_of = |order: &[usize]| {
        let mut mirror = FlagMirror::new();
        for &index in order {
            mirror.apply(&events[index]);
            mirror.apply(&events[index]);
        }
        mirror
    };
    let forward: Vec<usize> = (0..events.len()).collect();
    let reference = snapshot_of(&forward);
    let mut order = forward.clone();
    let mut seed: u64 = 18;
    for _ in 0..100 {
        for i in (1..order.len()).rev() {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            order.swap(i, (seed >> 33) as usize % (i + 1));
        }
        assert_eq!(
            snapshot_of(&order).canonical_snapshot(),
            reference.canonical_snapshot()
        );
    }
    let standard = reference
        .get(Lookup::Name("Capture Env"), Lookup::Name("capture_std"))
        .unwrap();
    assert!(!standard.enabled, "toggled off with a master API key");
    let restored = FlagMirror::from_snapshot(&reference.snapshot()).unwrap();
    assert_eq!(
        restored.canonical_snapshot(),
        reference.canonical_snapshot()
    );
    assert!(FlagMirror::from_snapshot(&serde_json::json!({"states": []})).is_err());
}
