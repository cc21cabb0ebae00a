//! Deliveries: every authentic JSON object reaches the caller, typed when it fits the model and
//! whole with its deviations when not; the delivery key is the same for copies and no
//! signature. The JavaScript receivers run the same code through wasm (tests/js/delivery.test.mjs).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::delivery::Payload;
use flagsmith_webhooks::model::Event;
use flagsmith_webhooks::{sign, to_flagsmith_json, verify, Verifier};
use serde_json::{json, Value};

const SECRET: &str = "whsec_demo_f1agsm1th";

fn fixtures() -> Vec<(String, Vec<u8>)> {
    let signatures: Value =
        serde_json::from_slice(&common::fixture("signatures.json")).expect("signatures.json");
    signatures["bodies"]
        .as_object()
        .unwrap()
        .keys()
        .map(|name| (name.clone(), common::fixture(name)))
        .collect()
}

fn deliver(body: &[u8]) -> flagsmith_webhooks::delivery::Delivery {
    let verifier = Verifier::new([SECRET]).unwrap();
    verifier
        .verify_delivery(body, &sign(SECRET.as_bytes(), body))
        .unwrap()
}

#[test]
fn every_fixture_conforms_as_parse_says() {
    for (name, body) in fixtures() {
        let delivery = deliver(&body);
        let Payload::Conforming(event) = &delivery.payload else {
            panic!("{name}: {:?}", delivery.payload.deviations());
        };
        assert_eq!(*event, flagsmith_webhooks::parse(&body).unwrap(), "{name}");
        assert_eq!(to_flagsmith_json(event).as_bytes(), &body[..], "{name}");
    }
}

/// Each `data` field removed, null or retyped: the delivery still arrives, with a deviation at
/// that field whenever `parse` rejects it, and conforming exactly when `parse` accepts it.
#[test]
fn drifted_bodies_arrive_whole_with_their_deviations() {
    let mut drifted = 0;
    for (name, body) in fixtures() {
        let original: Value = serde_json::from_slice(&body).unwrap();
        for field in original["data"].as_object().unwrap().keys() {
            let mut removed = original.clone();
            removed["data"].as_object_mut().unwrap().remove(field);
            let mut nulled = original.clone();
            nulled["data"][field] = Value::Null;
            let mut retyped = original.clone();
            retyped["data"][field] = if original["data"][field].is_string() {
                json!(42)
            } else {
                json!("a string")
            };
            for variant in [removed, nulled, retyped] {
                let bytes = flagsmith_webhooks::value_to_flagsmith_json(&variant);
                let delivery = deliver(bytes.as_bytes());
                match (
                    &delivery.payload,
                    flagsmith_webhooks::parse(bytes.as_bytes()),
                ) {
                    (Payload::Conforming(event), Ok(parsed)) => assert_eq!(event, &parsed),
                    (Payload::NonConforming(kept), Err(_)) => {
                        drifted += 1;
                        assert_eq!(Value::Object(kept.body.clone()), variant, "{name}");
                        let at = format!("data.{field}");
                        assert!(
                            kept.deviations
                                .iter()
                                .any(|d| d.path == at || d.path.starts_with(&format!("{at}."))),
                            "{name} {at}: {:?}",
                            kept.deviations
                        );
                        assert_eq!(kept.event_type(), original["event_type"].as_str());
                    }
                    (payload, parsed) => panic!("{name} {field}: {payload:?} but parse {parsed:?}"),
                }
            }
        }
    }
    assert!(drifted > 80, "{drifted}");
}

#[test]
fn flag_created_is_a_known_event() {
    let mut event: Value = serde_json::from_slice(&common::fixture(
        "02_flag_updated_feature_created_no_previous_state.json",
    ))
    .unwrap();
    event["event_type"] = json!("FLAG_CREATED");
    let body = flagsmith_webhooks::value_to_flagsmith_json(&event);
    let Payload::Conforming(Event::FlagCreated(created)) = deliver(body.as_bytes()).payload else {
        panic!("not a FLAG_CREATED");
    };
    assert_eq!(
        created.data.new_state.unwrap().feature.name,
        "max_cart_items"
    );
    let parsed = flagsmith_webhooks::parse(body.as_bytes()).unwrap();
    assert!(flagsmith_webhooks::describe(&parsed).contains("created"));
    assert!(flagsmith_webhooks::diff(&parsed).is_some());
}

#[test]
fn what_is_not_an_authentic_json_object_is_still_an_error() {
    let verifier = Verifier::new([SECRET]).unwrap();
    for (body, code) in [
        (&b"not json"[..], "invalid_json"),
        (b"[1, 2]", "invalid_payload"),
        (b"42", "invalid_payload"),
    ] {
        let error = verifier
            .verify_delivery(body, &sign(SECRET.as_bytes(), body))
            .unwrap_err();
        assert_eq!(error.code(), code);
    }
    let body = common::fixture("01_flag_updated_env_default.json");
    let error = verifier
        .verify_delivery(&body, &sign(b"other", &body))
        .unwrap_err();
    assert_eq!(error.code(), "signature_mismatch");
    // An object with no event type at all is still handed over, as non-conforming.
    let odd = br#"{"hello": "world"}"#;
    let delivery = verifier
        .verify_delivery(odd, &sign(SECRET.as_bytes(), odd))
        .unwrap();
    assert_eq!(delivery.payload.deviations()[0].path, "event_type");
}

/// The key: equal for copies, distinct for distinct bodies, and never a valid signature under
/// any configured secret (the old key was the HMAC of the body: a signature).
#[test]
fn the_delivery_key_is_no_signature() {
    let secrets = ["current", "previous"];
    let verifier = Verifier::new(secrets).unwrap();
    let mut keys = std::collections::HashSet::new();
    for index in 0..200 {
        let body = format!(r#"{{"data": {{"n": {index}}}, "event_type": "X"}}"#);
        let secret = secrets[index % 2];
        let signature = sign(secret.as_bytes(), body.as_bytes());
        let first = verifier.authenticate(body.as_bytes(), &signature).unwrap();
        let again = verifier
            .verify_delivery(body.as_bytes(), &signature)
            .unwrap();
        assert_eq!(first.delivery_key, again.key);
        assert_eq!(first.secret_index, index % 2);
        assert_ne!(first.delivery_key, signature);
        for key in secrets {
            assert!(!verify(
                key.as_bytes(),
                body.as_bytes(),
                &first.delivery_key
            ));
        }
        keys.insert(first.delivery_key);
    }
    assert_eq!(keys.len(), 200);
}

/// `Event::flag` gives every flag event's state without matching or unwrapping.
#[test]
fn every_flag_event_has_its_state_through_flag() {
    let mut seen = 0;
    for (name, body) in fixtures() {
        let event = flagsmith_webhooks::parse(&body).unwrap();
        let wire: Value = serde_json::from_slice(&body).unwrap();
        match (event.flag(), wire["event_type"].as_str()) {
            (Some(flag), Some("FLAG_UPDATED")) => {
                assert!(!flag.deleted, "{name}");
                assert_eq!(Some(flag.state), flag.change.new_state.as_ref(), "{name}");
                seen += 1;
            }
            (Some(flag), Some("FLAG_DELETED")) => {
                assert!(flag.deleted, "{name}");
                assert_eq!(flag.change.new_state, None, "{name}");
                assert_eq!(
                    flag.state.feature.id,
                    wire["data"]["previous_state"]["feature"]["id"]
                );
                seen += 1;
            }
            (None, Some("FLAG_UPDATED" | "FLAG_DELETED")) => panic!("{name}: no flag"),
            (flag, _) => assert!(flag.is_none(), "{name}"),
        }
    }
    assert!(seen >= 6, "{seen}");
}
