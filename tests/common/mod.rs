//! Reads tests/vectors.json and the fixtures it names.
#![allow(dead_code)]

use std::path::PathBuf;

use serde_json::Value;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

pub fn vectors() -> Value {
    let text = std::fs::read_to_string(root().join("vectors.json")).expect("tests/vectors.json");
    serde_json::from_str(&text).expect("vectors.json is JSON")
}

pub fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(root().join("fixtures").join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The body of a vector: `body` (text), `body_hex`, or `body_file` (a fixture).
pub fn body(case: &Value) -> Vec<u8> {
    if let Some(text) = case["body"].as_str() {
        text.as_bytes().to_vec()
    } else if let Some(hex) = case["body_hex"].as_str() {
        hex::decode(hex).expect("body_hex")
    } else {
        fixture(
            case["body_file"]
                .as_str()
                .expect("a body, body_hex or body_file"),
        )
    }
}

/// A secret of a vector: a string, or `{"hex": …}` for bytes that are not UTF-8.
pub fn secret(value: &Value) -> Vec<u8> {
    match value {
        Value::String(text) => text.as_bytes().to_vec(),
        other => hex::decode(other["hex"].as_str().expect("secret hex")).expect("hex"),
    }
}

pub fn sign_secret(case: &Value) -> Vec<u8> {
    match case["secret"].as_str() {
        Some(text) => text.as_bytes().to_vec(),
        None => hex::decode(case["secret_hex"].as_str().expect("secret_hex")).expect("hex"),
    }
}

/// The header value as the Rust API takes it: absent is "", a list is comma-joined.
pub fn signature(case: &Value) -> String {
    match &case["signature"] {
        Value::Null => String::new(),
        Value::String(text) => text.clone(),
        Value::Array(items) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(","),
        other => panic!("unexpected signature {other}"),
    }
}
