//! Parsing every fixture into the right variant with the right values, and the byte-exact
//! round trip through the Flagsmith serializer.
// Tests fail by panicking; the no-panic lints are for library code.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod common;

use flagsmith_webhooks::model::{Event, FlagValue, IdentityRef};
use flagsmith_webhooks::{parse, sign, to_flagsmith_json, value_to_flagsmith_json};

fn fixture_event(name: &str) -> Event {
    parse(&common::fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn all_bodies() -> Vec<(String, Vec<u8>)> {
    let vectors = common::vectors();
    vectors["parse"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|case| case["code"].is_null())
        .map(|case| {
            (
                case["name"].as_str().unwrap().to_string(),
                common::body(case),
            )
        })
        .collect()
}

#[test]
fn every_body_round_trips_byte_for_byte() {
    let secret = b"whsec_demo_f1agsm1th";
    let bodies = all_bodies();
    assert!(bodies.len() >= 40);
    for (name, body) in bodies {
        let event = parse(&body).unwrap();
        let again = to_flagsmith_json(&event);
        assert_eq!(again, String::from_utf8(body.clone()).unwrap(), "{name}");
        assert_eq!(
            sign(secret, again.as_bytes()),
            sign(secret, &body),
            "{name}"
        );
    }
}

#[test]
fn flag_updated_fields() {
    let Event::FlagUpdated(event) = fixture_event("01_flag_updated_env_default.json") else {
        panic!("not FLAG_UPDATED")
    };
    let data = &event.data;
    assert_eq!(data.changed_by, "jane.doe@example.com");
    assert_eq!(data.timestamp, "2026-08-21T10:15:02.481516Z");
    let new = data.new_state.as_ref().unwrap();
    let previous = data.previous().unwrap();
    assert!(new.enabled && !previous.enabled);
    assert_eq!(new.feature.name, "butter_bar");
    assert_eq!(new.feature.r#type, "STANDARD");
    assert_eq!(new.feature.project.name, "Web Shop");
    assert_eq!(new.environment.name, "Production");
    assert_eq!(
        new.feature_state_value,
        FlagValue::String("<strong>\nMaintenance tonight\n</strong>".into())
    );
    assert_eq!(new.identity, None);
    assert_eq!(
        new.multivariate_feature_state_values.as_deref(),
        Some(&[][..])
    );
    assert!(new.extra.is_empty() && data.extra.is_empty() && event.extra.is_empty());
}

#[test]
fn previous_state_absent_is_not_null() {
    let Event::FlagUpdated(created) =
        fixture_event("02_flag_updated_feature_created_no_previous_state.json")
    else {
        panic!()
    };
    assert_eq!(created.data.previous_state, None);
    let new = created.data.new_state.as_ref().unwrap();
    assert_eq!(new.feature_state_value, FlagValue::Integer(42));
    assert_eq!(new.feature.initial_value.as_deref(), Some("42"));

    let body = String::from_utf8(common::fixture(
        "02_flag_updated_feature_created_no_previous_state.json",
    ))
    .unwrap();
    let with_null = body.replace("\"timestamp\"", "\"previous_state\": null, \"timestamp\"");
    let Event::FlagUpdated(explicit) = parse(with_null.as_bytes()).unwrap() else {
        panic!()
    };
    assert_eq!(explicit.data.previous_state, Some(None));
    // Both read as "no previous state" through the helper.
    assert_eq!(created.data.previous(), None);
    assert_eq!(explicit.data.previous(), None);
    assert_eq!(to_flagsmith_json(&Event::FlagUpdated(explicit)), with_null);
}

#[test]
fn deleted_identity_segment_and_audit_fields() {
    let Event::FlagDeleted(deleted) = fixture_event("07_flag_deleted.json") else {
        panic!()
    };
    assert!(deleted.data.new_state.is_none());
    assert_eq!(
        deleted.data.previous_state.unwrap().unwrap().feature.name,
        "legacy_search"
    );

    let Event::FlagUpdated(identity) = fixture_event("05_flag_updated_identity_override_core.json")
    else {
        panic!()
    };
    let state = identity.data.new_state.unwrap();
    assert_eq!(state.identity, Some(IdentityRef::Id(88213)));
    assert_eq!(state.identity_identifier.as_deref(), Some("user_123"));
    assert_eq!(state.feature_state_value, FlagValue::Bool(true));

    let Event::FlagUpdated(segment) = fixture_event("04_flag_updated_segment_override.json") else {
        panic!()
    };
    let segment = segment.data.new_state.unwrap().feature_segment.unwrap();
    assert_eq!((segment.priority, segment.segment.id), (0, 441));
    assert_eq!(segment.segment.name, "beta_testers");

    let Event::AuditLogCreated(audit) = fixture_event("09_audit_log_created_feature_created.json")
    else {
        panic!()
    };
    let audit = audit.data;
    assert_eq!(audit.id, Some(99812));
    assert_eq!(
        audit.log,
        "New Flag / Remote Config created: max_cart_items"
    );
    assert_eq!(audit.author.as_ref().unwrap().email, "jane.doe@example.com");
    assert_eq!(audit.related_object_type.as_deref(), Some("FEATURE"));
    assert_eq!(audit.related_object_uuid, Some(None));
    assert_eq!(audit.project.as_ref().and_then(|p| p.organisation), Some(3));
    assert_eq!(
        audit.project.as_ref().unwrap().extra["stale_flags_limit_days"],
        30
    );

    let Event::AuditLogCreated(sample) = fixture_event("12_test_button_organisation_sample.json")
    else {
        panic!()
    };
    assert_eq!(sample.data.id, None);
    assert_eq!(sample.data.related_object_uuid, None);
    assert_eq!(sample.data.author.unwrap().last_login, None);
}

#[test]
fn numbers_keep_their_written_form() {
    let Event::FlagUpdated(sample) = fixture_event("11_test_button_environment_sample.json") else {
        panic!()
    };
    let allocation = &sample
        .data
        .new_state
        .unwrap()
        .multivariate_feature_state_values
        .unwrap()[0];
    assert_eq!(allocation.percentage_allocation.to_string(), "50");
    let Event::FlagUpdated(mv) = fixture_event("03_flag_updated_multivariate.json") else {
        panic!()
    };
    let allocation = &mv
        .data
        .new_state
        .unwrap()
        .multivariate_feature_state_values
        .unwrap()[0];
    assert_eq!(allocation.percentage_allocation.to_string(), "30.0");
}

#[test]
fn unknown_fields_and_types_survive() {
    let body = String::from_utf8(common::fixture("01_flag_updated_env_default.json")).unwrap();
    let extended = body
        .replacen(
            "\"identity\": null",
            "\"future\": {\"z\": [1.5e-07, null]}, \"identity\": null",
            1,
        )
        .replacen("{\"data\"", "{\"api_version\": 2, \"data\"", 1);
    let event = parse(extended.as_bytes()).unwrap();
    let Event::FlagUpdated(envelope) = &event else {
        panic!()
    };
    assert_eq!(envelope.extra["api_version"], 2);
    assert!(envelope
        .data
        .new_state
        .as_ref()
        .unwrap()
        .extra
        .contains_key("future"));
    assert_eq!(to_flagsmith_json(&event), extended);

    let unknown = br#"{"data": {"x": 1.0}, "event_type": "SEGMENT_ARCHIVED"}"#;
    let event = parse(unknown).unwrap();
    assert!(matches!(&event, Event::Unknown(u) if u.event_type == "SEGMENT_ARCHIVED"));
    assert_eq!(to_flagsmith_json(&event).as_bytes(), unknown);
}

#[test]
fn serializer_matches_python_for_values_built_in_rust() {
    // Expected strings from python3 -c 'import json; print(json.dumps(v, sort_keys=True))'.
    let value = serde_json::json!({
        "b": [33.33, 66.66666666666667, 1e-05, 0.0, 1e16, -2147483648i64, 2147483647],
        "a": "quote \" backslash \\ tab \t nl \n é 🚀 \u{1} <>&/",
    });
    assert_eq!(
        value_to_flagsmith_json(&value),
        r#"{"a": "quote \" backslash \\ tab \t nl \n \u00e9 \ud83d\ude80 \u0001 <>&/", "b": [33.33, 66.66666666666667, 1e-05, 0.0, 1e+16, -2147483648, 2147483647]}"#
    );
}

/// tests/expected/events.json holds, for every fixture, the summary and diff reviewed by hand
/// (regenerate with `cargo run --example describe`, then review the change before committing).
#[test]
fn describe_and_diff_match_the_expected_outputs() {
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(common::root().join("expected/events.json")).unwrap(),
    )
    .unwrap();
    let expected = expected.as_object().unwrap();
    assert!(expected.len() >= 39);
    for (file, want) in expected {
        let event = parse(&common::fixture(file)).unwrap();
        assert_eq!(
            flagsmith_webhooks::describe(&event),
            want["describe"],
            "{file}"
        );
        let diff = flagsmith_webhooks::diff(&event)
            .map(|d| flagsmith_webhooks::model::ToJson::to_json(&d));
        assert_eq!(
            diff.unwrap_or(serde_json::Value::Null),
            want["diff"],
            "{file}"
        );
    }
}

/// Hundreds of random payloads (Unicode everywhere, control characters, quotes, emoji, 32-bit
/// limits, floats like 1e-05 and 66.66666666666667, unknown nested fields), serialized by
/// Python's json.dumps(sort_keys=True): parse then serialize must give Python's bytes back.
#[test]
fn generated_payloads_round_trip_against_python() {
    let generator = common::root().join("tools/gen_payloads.py");
    let mut checked = 0;
    for seed in ["1", "2", "3"] {
        let output = std::process::Command::new("python3")
            .arg(&generator)
            .args(["200", seed])
            .output()
            .expect("python3 is needed for this test (scripts/setup.sh checks for it)");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let case: serde_json::Value = serde_json::from_str(line).unwrap();
            let body = case["body"].as_str().unwrap();
            let event = parse(body.as_bytes()).unwrap_or_else(|e| panic!("{e}: {body}"));
            assert_eq!(to_flagsmith_json(&event), body);
            checked += 1;
        }
    }
    assert_eq!(checked, 600);
}

/// Events changed through the typed model (a value replaced, a field added) serialize as
/// Python serializes the same object, so the serializer works from the model, not from bytes.
#[test]
fn modified_events_serialize_as_python_does() {
    use flagsmith_webhooks::model::ToJson;
    use std::io::Write;

    let mut inputs = Vec::new();
    let mut ours = Vec::new();
    for (_, body) in all_bodies() {
        let mut event = parse(&body).unwrap();
        match &mut event {
            Event::FlagUpdated(e) | Event::FlagDeleted(e) => {
                if let Some(state) = e.data.new_state.as_mut() {
                    state.feature_state_value = FlagValue::String("changed ✓ \"q\" \\ 🚀\n".into());
                    state.enabled = !state.enabled;
                    state
                        .extra
                        .insert("added".into(), serde_json::json!({"n": [1, 2.5, null]}));
                }
                e.data.changed_by = "someone@example.com".into();
            }
            Event::AuditLogCreated(e) => e.data.log = "édité <b>".into(),
            _ => {}
        }
        let value = event.to_json();
        inputs.push(serde_json::to_string(&value).unwrap());
        ours.push(to_flagsmith_json(&event));
    }
    let mut child = std::process::Command::new("python3")
        .arg(common::root().join("tools/gen_payloads.py"))
        .arg("--reference")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3");
    child
        .stdin
        .take()
        .unwrap()
        .write_all((inputs.join("\n") + "\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let python: Vec<String> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    assert_eq!(python.len(), ours.len());
    for (python, ours) in python.iter().zip(&ours) {
        assert_eq!(ours, python);
    }
}
