//! The shared vector file (tests/vectors.json), the same one the Node, Workers and browser
//! tests read: every runtime must give these answers.
// Tests fail by panicking; the no-panic lints are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::model::Event;
use flagsmith_webhooks::{parse, sign, verify, Error, Verifier};

#[test]
fn sign_vectors() {
    let vectors = common::vectors();
    let cases = vectors["sign"].as_array().unwrap();
    assert!(cases.len() >= 30, "expected the full vector set");
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let secret = common::sign_secret(case);
        let body = common::body(case);
        let expected = case["signature"].as_str().unwrap();
        assert_eq!(sign(&secret, &body), expected, "{name}");
        assert!(verify(&secret, &body, expected), "{name}");
    }
}

#[test]
fn verify_vectors() {
    let vectors = common::vectors();
    for case in vectors["verify"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let secrets: Vec<Vec<u8>> = case["secrets"]
            .as_array()
            .unwrap()
            .iter()
            .map(common::secret)
            .collect();
        let body = common::body(case);
        let signature = common::signature(case);
        let verifier = Verifier::new(&secrets).unwrap();
        let expected_match = case["match"].as_i64().unwrap();
        let matched = verifier
            .matching_index(&body, &signature)
            .map_or(-1, |i| i as i64);
        assert_eq!(matched, expected_match, "{name}: matching_index");
        assert_eq!(
            verifier.verify(&body, &signature),
            case["valid"].as_bool().unwrap(),
            "{name}: verify"
        );
        if secrets.len() == 1 {
            assert_eq!(
                verify(&secrets[0], &body, &signature),
                case["valid"].as_bool().unwrap(),
                "{name}: one-shot verify"
            );
        }
        match (
            verifier.verify_and_parse(&body, &signature),
            case["code"].as_str(),
        ) {
            (Ok(_), None) => {}
            (Err(error), Some(code)) => {
                assert_eq!(error.code(), code, "{name}: {error}");
                if let Some(hint) = case["hint"].as_str() {
                    assert_eq!(
                        error.mismatch_cause().map(|c| c.code()),
                        Some(hint),
                        "{name}"
                    );
                }
                let message = error.to_string();
                for secret in &secrets {
                    let secret = String::from_utf8_lossy(secret);
                    assert!(
                        !message.contains(secret.trim()),
                        "{name}: secret in message"
                    );
                }
            }
            (result, code) => panic!("{name}: got {result:?}, expected {code:?}"),
        }
    }
}

#[test]
fn parse_vectors() {
    let vectors = common::vectors();
    for case in vectors["parse"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let body = common::body(case);
        match (parse(&body), case["code"].as_str()) {
            (Ok(event), None) => {
                assert_eq!(event.event_type(), case["event_type"].as_str(), "{name}");
                if let Some(identity) = case["identity"].as_str() {
                    let Event::Identity(payload) = &event else {
                        panic!("{name}: {event:?}")
                    };
                    assert_eq!(payload.identity, identity);
                }
            }
            (Err(error), Some(code)) => {
                assert_eq!(error.code(), code, "{name}: {error}");
                match (&error, case["path"].as_str()) {
                    (Error::InvalidPayload { path, .. }, Some(expected)) => {
                        assert_eq!(path, expected, "{name}");
                        assert!(error.to_string().contains(expected), "{name}: {error}");
                    }
                    (Error::InvalidJson { line, column, .. }, _) => {
                        if let Some(expected) = case["line"].as_u64() {
                            assert_eq!(*line as u64, expected, "{name}: line");
                        }
                        if let Some(expected) = case["column"].as_u64() {
                            assert_eq!(*column as u64, expected, "{name}: column");
                        }
                    }
                    _ => {}
                }
            }
            (result, code) => panic!("{name}: got {result:?}, expected {code:?}"),
        }
    }
}
