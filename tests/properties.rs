//! Properties over random inputs (proptest): signing and verifying agree, any change breaks the
//! signature, our HMAC equals an independent implementation's, and parsing never panics and
//! `validate` always gives `parse`'s answer.
// Tests fail by panicking; the no-panic lints are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use flagsmith_webhooks::{parse, sign, validate, verify, Verifier};
use proptest::collection::vec;
use proptest::prelude::*;

fn secret() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 1..150)
}

fn body() -> impl Strategy<Value = Vec<u8>> {
    vec(any::<u8>(), 0..2500)
}

/// JSON values of every kind, nested, as text: inputs that get past the syntax check.
fn json() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        Just("null".to_string()),
        any::<bool>().prop_map(|b| b.to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(|f| format!("{f:e}")),
        "[a-z_ \\\\\"é🚀]{0,12}".prop_map(|s| serde_json::to_string(&s).unwrap()),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(|items| format!("[{}]", items.join(", "))),
            vec(
                (
                    prop_oneof![
                        Just("data".to_string()),
                        Just("event_type".to_string()),
                        Just("new_state".to_string()),
                        Just("enabled".to_string()),
                        Just("identity".to_string()),
                        "[a-z_]{1,10}"
                    ],
                    inner
                ),
                0..6
            )
            .prop_map(|fields| {
                let fields: Vec<String> = fields
                    .into_iter()
                    .map(|(k, v)| format!("\"{k}\": {v}"))
                    .collect();
                format!("{{{}}}", fields.join(", "))
            }),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn a_signature_verifies(secret in secret(), body in body()) {
        let signature = sign(&secret, &body);
        prop_assert!(verify(&secret, &body, &signature));
        prop_assert!(verify(&secret, &body, &signature.to_uppercase()));
        prop_assert_eq!(Verifier::new([&secret]).unwrap().matching_index(&body, &signature), Some(0));
    }

    #[test]
    fn agrees_with_an_independent_hmac(secret in secret(), body in body()) {
        prop_assert_eq!(sign(&secret, &body), hex::encode(hmac_sha256::HMAC::mac(&body, &secret)));
    }

    #[test]
    fn flipping_any_bit_fails(secret in secret(), body in vec(any::<u8>(), 1..2500), which in 0..3u8, position in any::<usize>(), bit in 0..8u8) {
        let signature = sign(&secret, &body);
        let (mut secret, mut body, mut tag) = (secret, body, hex::decode(&signature).unwrap());
        match which {
            0 => { let i = position % secret.len(); secret[i] ^= 1 << bit; }
            1 => { let i = position % body.len(); body[i] ^= 1 << bit; }
            _ => { let i = position % tag.len(); tag[i] ^= 1 << bit; }
        }
        prop_assert!(!verify(&secret, &body, &hex::encode(tag)));
    }

    #[test]
    fn parsing_arbitrary_bytes_never_panics(bytes in vec(any::<u8>(), 0..1500)) {
        prop_assert_eq!(validate(&bytes), parse(&bytes).map(drop));
    }

    #[test]
    fn parsing_arbitrary_json_never_panics(text in json()) {
        let bytes = text.as_bytes();
        prop_assert_eq!(validate(bytes), parse(bytes).map(drop));
        let envelope = format!("{{\"data\": {text}, \"event_type\": \"FLAG_UPDATED\"}}");
        prop_assert_eq!(validate(envelope.as_bytes()), parse(envelope.as_bytes()).map(drop));
    }
}
