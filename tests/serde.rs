//! Every model type has `Serialize` and `Deserialize` in Flagsmith's JSON form: a parsed state
//! goes into a user's own queue message or database row and comes back equal.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::model::{
    AuditLog, Envelope, Event, FeatureState, FlagChange, FlagValue, IdentityPayload, IdentityRef,
    TraitValue, UnknownEvent, VersionPublished,
};
use flagsmith_webhooks::parse;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a user's job queue might carry: a typed state and change beside its own fields.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct Job {
    attempt: u32,
    state: FeatureState,
    change: FlagChange,
    value: FlagValue,
}

fn bodies() -> Vec<Vec<u8>> {
    let mut bodies = Vec::new();
    for dir in ["fixtures", "fixtures/real"] {
        for entry in std::fs::read_dir(common::root().join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".json") && name != "signatures.json" && name != "requests.json" {
                bodies.push(std::fs::read(path).unwrap());
            }
        }
    }
    for seed in ["41", "42"] {
        let output = std::process::Command::new("python3")
            .arg(common::root().join("tools/gen_payloads.py"))
            .args(["250", seed])
            .output()
            .expect("python3");
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let case: Value = serde_json::from_str(line).unwrap();
            bodies.push(case["body"].as_str().unwrap().as_bytes().to_vec());
        }
    }
    bodies
}

/// `T` through serde and back: to a string, back, equal; and from the wire's own JSON.
fn round_trip<T>(typed: &T, wire: &Value)
where
    T: Serialize + for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    let text = serde_json::to_string(typed).unwrap();
    assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), typed, "{text}");
    assert_eq!(&serde_json::from_value::<T>(wire.clone()).unwrap(), typed);
    assert_eq!(&serde_json::to_value(typed).unwrap(), wire);
}

#[test]
fn every_model_type_round_trips_through_serde() {
    let mut counted = 0;
    for body in bodies() {
        let event = parse(&body).unwrap();
        let wire: Value = serde_json::from_slice(&body).unwrap();
        round_trip(&event, &wire);
        match &event {
            Event::FlagUpdated(envelope)
            | Event::FlagCreated(envelope)
            | Event::FlagDeleted(envelope) => {
                round_trip(&envelope.data, &wire["data"]);
                let mut without_type = wire.clone();
                without_type.as_object_mut().unwrap().remove("event_type");
                round_trip::<Envelope<FlagChange>>(envelope, &without_type);
                for (state, at) in [
                    (envelope.data.new_state.as_ref(), "new_state"),
                    (
                        envelope
                            .data
                            .previous_state
                            .as_ref()
                            .and_then(Option::as_ref),
                        "previous_state",
                    ),
                ] {
                    if let Some(state) = state {
                        round_trip(state, &wire["data"][at]);
                        round_trip(
                            &state.feature_state_value,
                            &wire["data"][at]["feature_state_value"],
                        );
                        if let Some(identity) = &state.identity {
                            round_trip::<IdentityRef>(identity, &wire["data"][at]["identity"]);
                        }
                        let job = Job {
                            attempt: 1,
                            state: state.clone(),
                            change: envelope.data.clone(),
                            value: state.feature_state_value.clone(),
                        };
                        let stored = serde_json::to_string(&job).unwrap();
                        assert_eq!(serde_json::from_str::<Job>(&stored).unwrap(), job);
                    }
                }
            }
            Event::NewVersionPublished(envelope) => {
                round_trip::<VersionPublished>(&envelope.data, &wire["data"])
            }
            Event::AuditLogCreated(envelope) => {
                round_trip::<AuditLog>(&envelope.data, &wire["data"])
            }
            Event::Identity(payload) => {
                round_trip::<IdentityPayload>(payload, &wire);
                for (index, t) in payload.traits.iter().enumerate() {
                    round_trip::<TraitValue>(&t.trait_value, &wire["traits"][index]["trait_value"]);
                }
            }
            Event::Unknown(unknown) => round_trip::<UnknownEvent>(unknown, &wire),
            other => panic!("{other:?}"),
        }
        counted += 1;
    }
    assert!(counted > 500, "{counted}");
}

#[test]
fn deserializing_a_state_that_does_not_fit_says_where() {
    let error = serde_json::from_str::<FeatureState>(r#"{"enabled": "yes"}"#).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("at `enabled`, expected a boolean"),
        "{error}"
    );
}
