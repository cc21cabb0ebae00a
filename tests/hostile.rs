//! Hostile input: each gets a specific outcome in bounded time, never a panic (the README's
//! "Hostile input" table lists them). tests/js/hostile.test.mjs runs the same table through
//! the wasm package.
// Tests fail by panicking; the no-panic lints are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Instant;

use flagsmith_webhooks::{parse, sign, verify, verify_and_parse, Verifier};

const SECRET: &[u8] = b"whsec_demo_f1agsm1th";

fn code_of(body: &[u8]) -> &'static str {
    parse(body).map(|_| "ok").unwrap_or_else(|e| e.code())
}

#[test]
fn bodies() {
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let deep_objects = "{\"a\": ".repeat(10_000) + "1" + &"}".repeat(10_000);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("empty body", b"".to_vec(), "invalid_json"),
        (
            "JSON nested 10,000 deep (arrays)",
            deep.into_bytes(),
            "invalid_json",
        ),
        (
            "JSON nested 10,000 deep (objects)",
            deep_objects.into_bytes(),
            "invalid_json",
        ),
        (
            "invalid UTF-8",
            b"{\"data\": \"\xff\xfe\", \"event_type\": \"X\"}".to_vec(),
            "invalid_json",
        ),
        (
            "lone surrogate escape",
            br#"{"data": "\ud800", "event_type": "X"}"#.to_vec(),
            "invalid_json",
        ),
        (
            "byte-order mark",
            b"\xef\xbb\xbf{\"data\": {}, \"event_type\": \"X\"}".to_vec(),
            "invalid_json",
        ),
        (
            "raw NUL inside a string",
            b"{\"data\": \"a\x00b\", \"event_type\": \"X\"}".to_vec(),
            "invalid_json",
        ),
        (
            "NUL after the JSON",
            b"{\"data\": {}, \"event_type\": \"X\"}\x00".to_vec(),
            "invalid_json",
        ),
        (
            "duplicate keys (the last wins, as in JSON.parse)",
            br#"{"event_type": "FLAG_UPDATED", "data": {}, "event_type": "X"}"#.to_vec(),
            "ok",
        ),
        (
            "a number beyond a 64-bit float (JavaScript would read Infinity)",
            br#"{"data": {"n": 1e400}, "event_type": "X"}"#.to_vec(),
            "invalid_json",
        ),
        (
            "an integer JavaScript cannot hold, even in an unknown field",
            br#"{"data": {"m": 123456789012345678901234567890}, "event_type": "X"}"#.to_vec(),
            "invalid_payload",
        ),
        ("an array", b"[]".to_vec(), "invalid_payload"),
        ("a number", b"42".to_vec(), "invalid_payload"),
    ];
    for (name, body, expected) in cases {
        let start = Instant::now();
        assert_eq!(code_of(&body), expected, "{name}");
        assert!(
            start.elapsed().as_secs() < 5,
            "{name} took {:?}",
            start.elapsed()
        );
    }
    // A number too large for an id where the model wants one: a specific error, with its path.
    let fixture = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/01_flag_updated_env_default.json"),
    )
    .unwrap();
    let huge_id = fixture.replacen("\"id\": 23", "\"id\": 99999999999999999999999", 1);
    let error = parse(huge_id.as_bytes()).unwrap_err();
    assert_eq!(error.code(), "invalid_payload");
    assert!(
        error.to_string().contains("data.new_state.environment.id"),
        "{error}"
    );
    assert!(
        error.to_string().contains("99999999999999999999999"),
        "{error}"
    );
}

#[test]
fn a_64_mib_body_is_handled_in_bounded_time() {
    let body = vec![b'a'; 64 << 20];
    let start = Instant::now();
    let signature = sign(SECRET, &body);
    assert!(verify(SECRET, &body, &signature));
    assert_eq!(code_of(&body), "invalid_json");
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

#[test]
fn signatures() {
    let body = b"{\"data\": {}, \"event_type\": \"X\"}";
    let good = sign(SECRET, body);
    let megabyte = "a".repeat(1 << 20);
    let cases: Vec<(&str, String, Option<&str>)> = vec![
        (
            "63 characters",
            good[..63].to_string(),
            Some("malformed_signature"),
        ),
        (
            "65 characters",
            format!("{good}0"),
            Some("malformed_signature"),
        ),
        ("1 MB of characters", megabyte, Some("malformed_signature")),
        (
            "non-hex",
            good.replace(|c: char| c.is_ascii_digit(), "z"),
            Some("malformed_signature"),
        ),
        (
            "sha256= with nothing after it",
            "sha256=".into(),
            Some("malformed_signature"),
        ),
        (
            "mixed case",
            good.to_uppercase()[..32].to_string() + &good[32..],
            None,
        ),
        ("sha256= prefix", format!("sha256={good}"), None),
        ("empty", String::new(), Some("missing_signature")),
    ];
    for (name, signature, expected) in cases {
        let start = Instant::now();
        let outcome = verify_and_parse(SECRET, body, &signature)
            .err()
            .map(|e| e.code());
        assert_eq!(outcome, expected, "{name}");
        assert_eq!(
            verify(SECRET, body, &signature),
            expected.is_none(),
            "{name}"
        );
        assert!(start.elapsed().as_millis() < 2000, "{name}");
    }
    assert!(
        !verify(b"", body, &good),
        "an empty secret verifies nothing"
    );
    assert_eq!(Verifier::new([b""]).unwrap_err().code(), "invalid_secret");
}
