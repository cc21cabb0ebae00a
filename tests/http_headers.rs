//! The `http` feature: the signature header found in an `http::HeaderMap` as the JavaScript
//! receivers find it (any case, a repeated header joined, one matching value enough).
#![cfg(feature = "http")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use flagsmith_webhooks::delivery::Payload;
use flagsmith_webhooks::{sign, signature_from_headers, Verifier};
use http::HeaderMap;

const SECRET: &str = "whsec_demo_f1agsm1th";

/// A case: its name, the header lines, and the matching secret's index or the error code.
type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Result<usize, &'a str>);

fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    map
}

#[test]
fn the_table_of_headers_answers_as_the_javascript_receivers_do() {
    let verifier = Verifier::new([SECRET, "previous-secret"]).unwrap();
    let body = common::fixture("01_flag_updated_env_default.json");
    let good = sign(SECRET.as_bytes(), &body);
    let old = sign(b"previous-secret", &body);
    let wrong = "0".repeat(64);
    let prefixed = format!("sha256={good}");
    let cases: [Case; 8] = [
        ("lower case", vec![("x-flagsmith-signature", &good)], Ok(0)),
        ("upper case", vec![("X-FLAGSMITH-SIGNATURE", &good)], Ok(0)),
        ("rotation", vec![("X-Flagsmith-Signature", &old)], Ok(1)),
        (
            "repeated, the right one second",
            vec![
                ("X-Flagsmith-Signature", &wrong),
                ("x-flagsmith-signature", &good),
            ],
            Ok(0),
        ),
        (
            "missing",
            vec![("content-type", "application/json")],
            Err("missing_signature"),
        ),
        (
            "malformed",
            vec![("X-Flagsmith-Signature", "abc")],
            Err("malformed_signature"),
        ),
        (
            "wrong",
            vec![("X-Flagsmith-Signature", &wrong)],
            Err("signature_mismatch"),
        ),
        (
            "prefixed",
            vec![("X-Flagsmith-Signature", &prefixed)],
            Ok(0),
        ),
    ];
    for (name, pairs, expected) in cases {
        let map = headers(&pairs);
        let delivered = verifier.verify_delivery_from_headers(&map, &body);
        match (&delivered, expected) {
            (Ok(delivery), Ok(index)) => {
                assert_eq!(delivery.secret_index, index, "{name}");
                assert!(matches!(delivery.payload, Payload::Conforming(_)), "{name}");
                assert!(
                    verifier.verify_and_parse_from_headers(&map, &body).is_ok(),
                    "{name}"
                );
            }
            (Err(error), Err(code)) => {
                assert_eq!(error.code(), code, "{name}");
                assert_eq!(error.http_status(), 401, "{name}");
            }
            (got, want) => panic!("{name}: {got:?}, expected {want:?}"),
        }
    }
    assert_eq!(signature_from_headers(&HeaderMap::new()), "");
}
