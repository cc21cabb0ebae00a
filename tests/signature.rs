//! Tampering, and the error codes that only the signature check produces.
// Tests fail by panicking; the no-panic lints are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::{sign, verify, verify_and_parse, Error, Verifier};

const SECRET: &[u8] = b"whsec_demo_f1agsm1th";

#[test]
fn changing_any_byte_of_the_body_fails() {
    let body = common::fixture("03_flag_updated_multivariate.json");
    let signature = sign(SECRET, &body);
    let verifier = Verifier::new([SECRET]).unwrap();
    assert!(verifier.verify(&body, &signature));
    for index in 0..body.len() {
        for flip in [0x01u8, 0x80] {
            let mut tampered = body.clone();
            tampered[index] ^= flip;
            assert!(
                !verifier.verify(&tampered, &signature),
                "byte {index} ^ {flip:#x}"
            );
        }
    }
    assert!(
        !verifier.verify(&body[..body.len() - 1], &signature),
        "truncated"
    );
    let mut longer = body.clone();
    longer.push(b' ');
    assert!(!verifier.verify(&longer, &signature), "extended");
}

#[test]
fn changing_any_character_of_the_signature_fails() {
    let body = common::fixture("01_flag_updated_env_default.json");
    let signature = sign(SECRET, &body);
    for index in 0..signature.len() {
        for replacement in ['0', 'f', 'F', 'z', ' '] {
            let mut chars: Vec<char> = signature.chars().collect();
            if chars[index].eq_ignore_ascii_case(&replacement) {
                continue;
            }
            chars[index] = replacement;
            let changed: String = chars.into_iter().collect();
            assert!(
                !verify(SECRET, &body, &changed),
                "{index} -> {replacement:?}"
            );
        }
    }
}

#[test]
fn changing_the_secret_fails() {
    let body = common::fixture("01_flag_updated_env_default.json");
    let signature = sign(SECRET, &body);
    for index in 0..SECRET.len() {
        let mut secret = SECRET.to_vec();
        secret[index] ^= 0x20;
        assert!(!verify(&secret, &body, &signature), "secret byte {index}");
    }
    assert!(!verify(b"", &body, &signature), "empty secret");
}

#[test]
fn invalid_secret_is_an_error_not_a_silent_false() {
    let none: [&[u8]; 0] = [];
    assert_eq!(Verifier::new(none).unwrap_err().code(), "invalid_secret");
    let error = Verifier::new(["current", ""]).unwrap_err();
    assert_eq!(error.code(), "invalid_secret");
    assert!(
        error.to_string().contains("secret number 2 is empty"),
        "{error}"
    );
    let error = verify_and_parse(b"", b"{}", &"0".repeat(64)).unwrap_err();
    assert_eq!(error.code(), "invalid_secret");
}

#[test]
fn every_error_code_is_produced_by_some_input() {
    let body = common::fixture("01_flag_updated_env_default.json");
    let good = sign(SECRET, &body);
    let verifier = Verifier::new([SECRET]).unwrap();
    let produced: Vec<Error> = vec![
        verifier.verify_and_parse(&body, "").unwrap_err(),
        verifier.verify_and_parse(&body, "xyz").unwrap_err(),
        verifier.verify_and_parse(b"{}", &good).unwrap_err(),
        verifier
            .verify_and_parse(b"{", &sign(SECRET, b"{"))
            .unwrap_err(),
        verifier
            .verify_and_parse(b"[]", &sign(SECRET, b"[]"))
            .unwrap_err(),
        Verifier::new([""]).unwrap_err(),
    ];
    let codes: Vec<&str> = produced.iter().map(Error::code).collect();
    assert_eq!(
        codes,
        [
            "missing_signature",
            "malformed_signature",
            "signature_mismatch",
            "invalid_json",
            "invalid_payload",
            "invalid_secret"
        ]
    );
    for error in &produced {
        assert!(!error.to_string().contains("whsec_demo"), "{error}");
    }
}

#[test]
fn verification_never_panics_on_odd_signatures() {
    let body = b"{}";
    let long = "a".repeat(1 << 20);
    let commas = ",".repeat(100_000);
    let multibyte = "é".repeat(32);
    let inputs = [
        "",
        "sha256=",
        "sha256",
        "=",
        "sha256=sha256=",
        long.as_str(),
        commas.as_str(),
        multibyte.as_str(),
        "\u{0}\u{1}",
    ];
    for signature in inputs {
        assert!(!verify(SECRET, body, signature));
        let error = verify_and_parse(SECRET, body, signature).unwrap_err();
        assert!(
            matches!(error.code(), "missing_signature" | "malformed_signature"),
            "{error}"
        );
    }
}
