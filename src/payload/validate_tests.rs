//! The validation's own tests: it agrees with the conversions on every fixture and generated body,
//! and settles Flagsmith's bytes in one pass.

use super::{strict, Class};
use crate::payload::{build, event_types, parse_json};
use crate::Error;
use serde_json::Value;
use std::path::Path;

fn bodies() -> Vec<Vec<u8>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut bodies = Vec::new();
    for dir in ["fixtures", "fixtures/real"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if name.ends_with(".json") && name != "signatures.json" && name != "requests.json" {
                bodies.push(std::fs::read(path).unwrap());
            }
        }
    }
    let vectors: Value =
        serde_json::from_slice(&std::fs::read(root.join("vectors.json")).unwrap()).unwrap();
    for case in vectors["parse"].as_array().unwrap() {
        if let Some(text) = case["body"].as_str() {
            bodies.push(text.as_bytes().to_vec());
        }
    }
    for seed in ["21", "22", "23"] {
        let output = std::process::Command::new("python3")
            .arg(root.join("tools/gen_payloads.py"))
            .args(["200", seed])
            .output()
            .expect("python3");
        for line in String::from_utf8(output.stdout).unwrap().lines() {
            let case: Value = serde_json::from_str(line).unwrap();
            bodies.push(case["body"].as_str().unwrap().as_bytes().to_vec());
        }
    }
    bodies
}

/// The classification the conversions assumed before the streaming validation existed: used
/// only to hold the validation's problems to the conversions' own errors.
fn classify_as_before(value: &Value) -> Option<Class> {
    let object = value.as_object()?;
    let identity = ["identity", "traits", "flags", "segments"]
        .iter()
        .all(|key| object.contains_key(*key));
    Some(match object.get("event_type").map(Value::as_str) {
        Some(None) => return None,
        None if identity => Class::Identity,
        None => return None,
        Some(Some(event_type)) => match event_type {
            known @ (event_types::FLAG_UPDATED | event_types::FLAG_DELETED) => {
                Class::Known(if known == event_types::FLAG_UPDATED {
                    event_types::FLAG_UPDATED
                } else {
                    event_types::FLAG_DELETED
                })
            }
            event_types::NEW_VERSION_PUBLISHED => Class::Known(event_types::NEW_VERSION_PUBLISHED),
            event_types::AUDIT_LOG_CREATED => Class::Known(event_types::AUDIT_LOG_CREATED),
            _ => Class::Unknown,
        },
    })
}

/// Rules the validation enforces beyond the model's types, which the conversions do not know.
fn is_beyond_the_types(error: &Error) -> bool {
    let text = error.to_string();
    [
        "JavaScript cannot",
        "reserved by serde_json",
        "64-bit float",
        "data.new_state`, expected",
        "data.previous_state`, ",
    ]
    .iter()
    .any(|rule| text.contains(rule))
}

/// One body: bytes and its `Value` get the same answer; what the validation accepts converts;
/// a type problem it reports is the very error the conversions give.
fn judge(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    let from_bytes = strict(body);
    let value = match parse_json(body) {
        Ok(value) => value,
        Err(error) => {
            assert_eq!(from_bytes, Err(error), "{text}");
            return;
        }
    };
    // A Value keeps no written form: an integer literal too long for 64 bits is a float in
    // it, and only the bytes show it was an integer.
    if super::long_integer_literal(body).is_some() {
        return;
    }
    assert_eq!(
        from_bytes,
        strict(&value),
        "bytes and Value disagree: {text}"
    );
    match from_bytes {
        Ok(class) => {
            assert!(
                build(value, class).is_ok(),
                "accepted but not built: {text}"
            );
        }
        Err(error) if is_beyond_the_types(&error) => {}
        Err(error @ Error::InvalidPayload { .. }) => {
            if let Some(class @ (Class::Known(_) | Class::Identity)) = classify_as_before(&value) {
                let converted = build(value, class).map(drop);
                if let Err(converted) = converted {
                    assert_eq!(error, converted, "{text}");
                }
            }
        }
        Err(other) => panic!("{other} for JSON: {text}"),
    }
}

/// Flagsmith's own bytes are checked in one pass, strictly or tolerantly (the receivers'
/// validation once walked a conforming body twice).
#[test]
fn flagsmith_bytes_take_one_pass() {
    let body = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/01_flag_updated_env_default.json"),
    )
    .unwrap();
    let passes = |f: &dyn Fn()| {
        super::PASSES.with(|p| p.set(0));
        f();
        super::PASSES.with(|p| p.get())
    };
    assert_eq!(passes(&|| drop(strict(&body[..]))), 1);
    assert_eq!(passes(&|| drop(super::tolerant(&body[..]))), 1);
}

#[test]
fn agrees_with_the_conversions() {
    let bodies = bodies();
    assert!(bodies.len() > 600);
    for body in &bodies {
        judge(body);
    }
}

/// Mutated bodies (a byte changed, inserted or removed at every position of several
/// fixtures, with replacements that matter to JSON).
#[test]
fn mutated_bodies_get_one_answer() {
    let replacements = [
        b'"', b'1', b'.', b'{', b'}', b'[', b']', b',', b'n', b'\\', 0xff, b'x',
    ];
    let mut checked = 0;
    for body in bodies().iter().take(6) {
        for index in 0..body.len() {
            for &byte in &replacements {
                let mut changed = body.clone();
                changed[index] = byte;
                let mut inserted = body.clone();
                inserted.insert(index, byte);
                let mut removed = body.clone();
                removed.remove(index);
                for candidate in [changed, inserted, removed] {
                    judge(&candidate);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 100_000, "{checked}");
}

/// Found by fuzzing: a `Value` hands a number beyond 64 bits over as `visit_u128`, which
/// every visitor of the walk must take as the bytes' walk takes the number's text.
#[test]
fn numbers_beyond_64_bits_read_the_same_from_a_value() {
    for body in [
        "201500422002500422002",
        "-201500422002500422002",
        r#"{"event_type": 201500422002500422002}"#,
        r#"{"event_type": "X", "data": [201500422002500422002]}"#,
        r#"{"event_type": "X", "data": {"$serde_json::private::RawValue": 201500422002500422002}}"#,
    ] {
        judge(body.as_bytes());
    }
    let regression = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/fuzz-parse-u128-number.json"
    ))
    .unwrap();
    judge(&regression);
    // Found by fuzzing once long literals were read from the bytes: where an integer
    // belongs, the bytes name the literal, a Value the float it became.
    let found = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/fuzz-parse-long-integer-id.json"
    ))
    .unwrap();
    let problem = strict(&found[..]).unwrap_err().to_string();
    assert!(
        problem.contains("at `data.environment.id`, expected an integer, found the number 1111111111111111111111111111111111111111… (95 characters in all)"),
        "{problem}"
    );
    judge(&found);
    // The bytes name the literal; a Value holds only the float it became.
    let body = r#"{"event_type": "X", "data": [1.5, 201500422002500422002]}"#;
    let problem = problem_of(body);
    assert!(
        problem.contains("at `data[1]`, the integer 201500422002500422002 is beyond"),
        "{problem}"
    );
    let value: Value = serde_json::from_str(body).unwrap();
    assert_eq!(strict(&value), Ok(Class::Unknown));
}

/// Found by fuzzing: a problem under a key that a later duplicate replaces is gone, as in
/// JSON.parse and a Value; and of problems under several unknown keys, the one under the
/// smallest key is reported, whatever the document order, as a Value iterates.
#[test]
fn unknown_keys_are_judged_as_json_parse_reads_them() {
    let regression = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/regressions/fuzz-parse-duplicate-key.json"
    ))
    .unwrap();
    judge(&regression);
    let replaced = r#"{"data": {"k": {"id": 9007199254740993, "id": 3}}, "event_type": "X"}"#;
    assert_eq!(problem_of(replaced), "ok Unknown");
    judge(replaced.as_bytes());
    let top = r#"{"event_type": "X", "z": 9007199254740993, "z": 1, "data": {}}"#;
    assert_eq!(problem_of(top), "ok Unknown");
    let two = r#"{"data": {"b": 9007199254740993, "a": [9007199254740995]}, "event_type": "X"}"#;
    assert!(
        problem_of(two).contains("at `data.a[0]`"),
        "{}",
        problem_of(two)
    );
    judge(two.as_bytes());
}

fn problem_of(body: &str) -> String {
    match strict(body.as_bytes()) {
        Ok(class) => format!("ok {class:?}"),
        Err(error) => error.to_string(),
    }
}

fn real_flag_updated() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    std::fs::read_to_string(root.join("01_flag_updated_env_default.json")).unwrap()
}

/// serde_json reads an object with one of its reserved keys as a number or a raw value,
/// where JSON.parse sees an object: one body, two meanings. Found by fuzzing.
#[test]
fn reserved_keys_are_rejected_wherever_they_are() {
    let good = real_flag_updated();
    for token in [
        "$serde_json::private::Number",
        "$serde_json::private::RawValue",
    ] {
        let object = format!("{{\"{token}\": \"7168\"}}");
        for body in [
            good.replacen("\"id\": 23", &format!("\"id\": {object}"), 1),
            good.replacen(
                "\"enabled\": true",
                &format!("\"enabled\": true, \"x\": {object}"),
                1,
            ),
            format!("{{\"data\": {{\"n\": [1, {object}]}}, \"event_type\": \"OTHER\"}}"),
            format!("{{\"data\": {{}}, \"event_type\": \"OTHER\", \"{token}\": 5}}"),
            object.clone(),
        ] {
            assert_ne!(good, body);
            let problem = problem_of(&body);
            // Where an integer belongs, the object is reported as such first.
            let wanted = if body.contains("\"id\": {") {
                "expected an integer, found an object"
            } else if body.starts_with("{\"$") {
                "at `event_type`, the field is missing"
            } else {
                "reserved by serde_json"
            };
            assert!(problem.contains(wanted), "{problem}\n{body}");
            // A Value holds the same object (with `arbitrary_precision` enabled by another
            // crate of the program, the first token would already be a number in it).
            let value: Value = serde_json::from_str(&body).unwrap();
            assert_eq!(strict(&value).map_err(|e| e.to_string()), Err(problem));
        }
    }
}

/// The digit comparison against Rust's own correctly rounded parser, around both edges.
#[test]
fn float_range_agrees_with_str_parse() {
    use crate::payload::numbers::{float_range, FloatRange, OVERFLOW_DIGITS, UNDERFLOW_DIGITS};
    let underflow = format!("0.{}{UNDERFLOW_DIGITS}", "0".repeat(323));
    let mut texts = vec![
        "0".to_string(),
        "-0.0e-99999".into(),
        "1e99999999999999999999999".into(),
        "1e-99999999999999999999999".into(),
        "1.7976931348623157e308".into(),
        "1.7976931348623158e308".into(),
        OVERFLOW_DIGITS.into(),
        format!("0.{OVERFLOW_DIGITS}e309"),
        format!("{OVERFLOW_DIGITS}e-1"),
        format!("{}{}", &OVERFLOW_DIGITS[..OVERFLOW_DIGITS.len() - 1], "1"),
        format!("{OVERFLOW_DIGITS}0001e-4"),
        underflow.clone(),
        format!("{underflow}0001"),
        format!("{}{}", &underflow[..underflow.len() - 1], "1"),
        "2.4703282292062328e-324".into(),
        "2.4703282292062327e-324".into(),
        "4.9406564584124654e-324".into(),
        "5e-324".into(),
        "2e-324".into(),
        "3e-324".into(),
    ];
    for exponent in [-330, -325, -324, -323, -322, 300, 307, 308, 309, 310] {
        for mantissa in ["1", "2.47", "2.48", "9.99", "1.79", "1.8", "0.001", "17976"] {
            texts.push(format!("{mantissa}e{exponent}"));
            texts.push(format!("-{mantissa}E{exponent:+}"));
        }
    }
    for text in texts {
        let parsed: f64 = text.parse().unwrap();
        let nonzero = text
            .split(['e', 'E'])
            .next()
            .unwrap()
            .bytes()
            .any(|b| matches!(b, b'1'..=b'9'));
        let expected = if parsed.is_infinite() {
            FloatRange::Overflows
        } else if parsed == 0.0 && nonzero {
            FloatRange::Underflows
        } else {
            FloatRange::Finite
        };
        assert_eq!(float_range(&text), expected, "{text}");
    }
}

#[test]
fn numbers_mean_the_same_in_javascript() {
    for (number, verdict) in [
        ("9007199254740991", "ok"),
        ("-9007199254740991", "ok"),
        ("9007199254740992", "JavaScript cannot"),
        ("-9007199254740993", "JavaScript cannot"),
        ("123456789012345678901234567890", "JavaScript cannot"),
        ("-18446744073709551616", "JavaScript cannot"),
        ("18446744073709551615", "JavaScript cannot"),
        // Beyond a 64-bit float: serde_json refuses the JSON itself.
        ("1e400", "number out of range"),
        ("-1.5e999", "number out of range"),
        // Both languages read these as the same double.
        ("1e-400", "ok"),
        ("1e20", "ok"),
        ("1.2345678901234568e+29", "ok"),
        ("0e-400", "ok"),
        ("0.0", "ok"),
        ("-0", "ok"),
        ("1.7976931348623157e308", "ok"),
        ("5e-324", "ok"),
    ] {
        for body in [
            format!("{{\"data\": {{\"n\": {number}}}, \"event_type\": \"OTHER\"}}"),
            real_flag_updated().replacen(
                "\"enabled\": true",
                &format!("\"enabled\": true, \"n\": [{number}]"),
                1,
            ),
        ] {
            let problem = problem_of(&body);
            let expected = if verdict == "ok" { "ok Known" } else { verdict };
            if verdict == "ok" && body.contains("OTHER") {
                assert_eq!(problem, "ok Unknown", "{body}");
            } else {
                assert!(problem.contains(expected), "{number}: {problem}");
            }
            assert!(problem.len() < 400, "{problem}");
        }
    }
    // Where an integer belongs, a long one is named by an excerpt; the message stays short.
    let long = "9".repeat(300);
    let body = real_flag_updated().replacen("\"id\": 23", &format!("\"id\": {long}"), 1);
    let problem = problem_of(&body);
    assert!(
        problem.contains("expected an integer, found the number 9999"),
        "{problem}"
    );
    assert!(problem.len() < 400, "{}", problem.len());
    // Beyond a 64-bit float even as an integer: not JSON serde_json can read, also short.
    let huge = "9".repeat(500_000);
    let body = real_flag_updated().replacen("\"id\": 23", &format!("\"id\": {huge}"), 1);
    let problem = problem_of(&body);
    assert!(problem.contains("number out of range"), "{problem}");
    assert!(problem.len() < 400, "{}", problem.len());
}

/// Messages quote payload text only as short, escaped excerpts (keys and numbers alike).
#[test]
fn messages_never_carry_raw_controls_or_long_input() {
    let long_key = "k".repeat(100_000);
    for body in [
        r#"{"data": {"\u001b]0;pwned\u0007\u202e": 9007199254740993}, "event_type": "X"}"#
            .to_string(),
        format!(r#"{{"data": {{"{long_key}": 9007199254740993}}, "event_type": "X"}}"#),
        format!(
            r#"{{"data": {{"{long_key}\r\n": [{}]}}, "event_type": "X"}}"#,
            "9".repeat(300)
        ),
    ] {
        let problem = problem_of(&body);
        assert!(problem.starts_with("the body is JSON but"), "{problem}");
        assert!(problem.len() < 600, "{} characters", problem.len());
        assert!(
            !problem.chars().any(crate::text::is_unsafe_char),
            "{problem:?}"
        );
    }
    let problem = problem_of(r#"{"data": {"\u001b[2J": 9007199254740993}, "event_type": "X"}"#);
    assert!(problem.contains("`data.\\u001b[2J`"), "{problem}");
}

#[test]
fn flag_updated_and_flag_deleted_carry_the_states_they_promise() {
    let updated = real_flag_updated();
    let start = updated.find("\"new_state\": ").unwrap() + "\"new_state\": ".len();
    let end = updated.find(", \"previous_state\"").unwrap();
    let state = &updated[start..end];
    let null_new_state = format!("{}null{}", &updated[..start], &updated[end..]);
    assert!(
        problem_of(&null_new_state).contains("at `data.new_state`, expected an object, found null")
    );

    let deleted = |new_state: &str, previous: Option<&str>| {
        let previous = previous.map_or(String::new(), |p| format!(", \"previous_state\": {p}"));
        format!(
            "{{\"data\": {{\"changed_by\": \"\", \"new_state\": {new_state}{previous}, \
             \"timestamp\": \"\"}}, \"event_type\": \"FLAG_DELETED\"}}"
        )
    };
    assert_eq!(
        problem_of(&deleted("null", Some(state))),
        "ok Known(\"FLAG_DELETED\")"
    );
    assert!(problem_of(&deleted(state, Some(state)))
        .contains("at `data.new_state`, expected null, found an object"));
    assert!(problem_of(&deleted("null", None))
        .contains("at `data.previous_state`, the field is missing"));
    assert!(problem_of(&deleted("null", Some("null")))
        .contains("at `data.previous_state`, expected an object, found null"));
}

/// Every scalar value of `body` written as `": value"` (Flagsmith's separator), by its span.
fn scalar_spans(body: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    for start in (0..body.len().saturating_sub(2)).filter(|&i| &body[i..i + 2] == b": ") {
        let from = start + 2;
        let end = match body.get(from) {
            Some(b'{' | b'[') | None => continue,
            Some(b'"') => {
                let mut at = from + 1;
                while at < body.len() && body[at] != b'"' {
                    at += if body[at] == b'\\' { 2 } else { 1 };
                }
                at + 1
            }
            Some(_) => (from..body.len())
                .find(|&i| matches!(body[i], b',' | b'}' | b']'))
                .unwrap_or(body.len()),
        };
        spans.push((from, end.min(body.len())));
    }
    spans
}

/// The quick scan (`quick::conforms`) may only say yes where the walk finds no problem, for
/// every schema: over the fixtures, their byte mutations, and every scalar value of them
/// swapped for values at the edges of its rules. And it says yes to Flagsmith's own bodies,
/// or it would speed up nothing.
#[test]
fn the_quick_yes_is_the_walks_yes() {
    use super::{envelope_schema, quick, walk, Kind, MODELLED, OBJECT};
    use crate::payload::numbers::Scan;
    use crate::payload::schema::{Shape, ANY};
    let mut schemas: Vec<&'static Kind> = MODELLED
        .iter()
        .map(|event_type| envelope_schema(event_type, true))
        .collect();
    schemas.push(&<crate::payload::IdentityPayload as Shape>::KIND);
    schemas.extend([&OBJECT, &ANY]);
    let edges: [&[u8]; 31] = [
        b"-0",
        b"0",
        b"-1",
        b"7",
        b"01",
        b"1.5",
        b"1.0",
        b"-0.0",
        b"1e5",
        b"1E-2",
        b"1.",
        b"9007199254740993",
        b"123456789012345",
        b"1234567890123456",
        b"0.000000000000000000001",
        b"\"x\"",
        b"\"\\u00e9\"",
        b"\"\\ud800\"",
        b"\"\\ud83d\\ude00\"",
        b"\"\\u0000\"",
        "\"é\"".as_bytes(),
        b"\"\xff\"",
        b"\"\\x\"",
        b"true",
        b"null",
        b"[]",
        b"{}",
        b"[1,]",
        br#"{"$serde_json::private::Number": "1"}"#,
        br#""FLAG_UPDATED""#,
        b"\"a\x1fb\"",
    ];
    let fixtures = bodies();
    let mut candidates = fixtures.clone();
    for body in fixtures.iter().take(12) {
        for (from, to) in scalar_spans(body) {
            for edge in edges {
                candidates.push([&body[..from], edge, &body[to..]].concat());
            }
        }
    }
    for body in fixtures.iter().take(3) {
        for index in 0..body.len() {
            for byte in [
                b'"', b'1', b'.', b'-', b'e', b'}', b',', b'\\', 0xff, 0x01, b' ',
            ] {
                let mut changed = body.clone();
                changed[index] = byte;
                let mut inserted = body.clone();
                inserted.insert(index, byte);
                candidates.extend([changed, inserted]);
            }
        }
    }
    let mut yes = 0;
    for body in &candidates {
        for schema in &schemas {
            if quick::conforms(body, schema) {
                let walked = walk(&&body[..], schema, None, &Scan::default());
                assert!(
                    matches!(walked, Ok(None)),
                    "quick said yes, the walk did not: {}",
                    String::from_utf8_lossy(body)
                );
                yes += 1;
            }
        }
    }
    assert!(yes > 20_000, "{yes} of {} bodies", candidates.len());
    // Flagsmith's own bodies, the ones a receiver sees, are settled quickly.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/real");
    let mut real = 0;
    for entry in std::fs::read_dir(root).unwrap() {
        let path = entry.unwrap().path();
        let body = std::fs::read(&path).unwrap();
        let Some(event_type) = super::guess_event_type(&body) else {
            continue;
        };
        assert!(
            quick::conforms(&body, envelope_schema(event_type, true)),
            "{}",
            path.display()
        );
        real += 1;
    }
    assert!(real >= 15, "{real}");
}
