//! A fast yes/no check that [`parse`](super::parse) would accept a body, without building it.
//!
//! JavaScript materialises events with `JSON.parse`, so wasm only has to say whether the body
//! fits the model. Building the `Value` tree and the typed model for that took about 3.5 times as
//! long as `JSON.parse` (an allocation per string, number and key). This walks serde_json's
//! streaming parser against static schemas instead, allocating only for numbers.
//!
//! It decides, and only decides: when it says no, the caller runs the full `parse`, which
//! produces the error (code, JSON path, line and column). So errors are the same by
//! construction, and the one property this must keep is that a *yes* is never wrong. For that it
//! reads every value, known or not, through `deserialize_any`, exactly as `Value` does (skipping
//! with `IgnoredAny` would not check UTF-8 or surrogate escapes inside skipped strings).
//! The schemas come from the same `record!` declarations as the model.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use serde_json::Value;

use super::convert::{describe, invalid, mismatch, Path};
use super::event_types;
use super::model::IdentityPayload;
use crate::error::Error;

/// What a JSON value must be.
pub(crate) enum Kind {
    /// Any JSON value (unknown fields).
    Any,
    Bool,
    /// An integer that fits `i64`.
    Int,
    Str,
    /// Any number.
    Num,
    /// A string, an integer, a boolean or null.
    FlagValue,
    /// An integer or a string.
    IdentityRef,
    /// A string, a number, a boolean or null.
    TraitValue,
    /// Exactly this string.
    Literal(&'static str),
    Nullable(&'static Kind),
    Array(&'static Kind),
    Object(&'static [Field]),
}

/// A known field of an object.
pub(crate) struct Field {
    pub(crate) name: &'static str,
    /// May be absent.
    pub(crate) optional: bool,
    pub(crate) kind: &'static Kind,
}

/// The schema of a model type.
pub(crate) trait Shape {
    const KIND: Kind;
}

/// For `@optional` fields, whose type is `Option<T>`: the schema of `T`.
pub(crate) trait OptionalShape {
    const INNER: Kind;
}

impl<T: Shape> OptionalShape for Option<T> {
    const INNER: Kind = T::KIND;
}

impl Shape for bool {
    const KIND: Kind = Kind::Bool;
}
impl Shape for i64 {
    const KIND: Kind = Kind::Int;
}
impl Shape for String {
    const KIND: Kind = Kind::Str;
}
impl Shape for serde_json::Number {
    const KIND: Kind = Kind::Num;
}
impl<T: Shape> Shape for Option<T> {
    const KIND: Kind = Kind::Nullable(&T::KIND);
}
impl<T: Shape> Shape for Vec<T> {
    const KIND: Kind = Kind::Array(&T::KIND);
}

const ANY: Kind = Kind::Any;
const STR: Kind = Kind::Str;

/// The magic key through which serde_json (with `arbitrary_precision`) hands a number to
/// `deserialize_any`, as a one-entry map whose value is the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A scalar seen on the wire.
#[derive(Clone, Copy)]
enum Scalar {
    Null,
    Bool,
    Str,
    /// A number; `true` when its text is an integer that fits `i64`.
    Number(bool),
}

fn accepts(kind: &Kind, scalar: Scalar) -> bool {
    use Scalar::{Bool, Null, Number, Str};
    match (kind, scalar) {
        (Kind::Any, _) => true,
        (Kind::Nullable(_), Null) => true,
        (Kind::Nullable(inner), other) => accepts(inner, other),
        (Kind::Bool, Bool)
        | (Kind::Str, Str)
        | (Kind::Num, Number(_))
        | (Kind::Int, Number(true)) => true,
        (Kind::FlagValue, Null | Bool | Str | Number(true)) => true,
        (Kind::IdentityRef, Str | Number(true)) => true,
        (Kind::TraitValue, Null | Bool | Str | Number(_)) => true,
        _ => false,
    }
}

fn no<E: de::Error>() -> E {
    E::custom("does not fit the model")
}

/// Reads one value and checks it against a kind.
struct Check(&'static Kind);

impl<'de> DeserializeSeed<'de> for Check {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Check {
    fn scalar<E: de::Error>(&self, scalar: Scalar) -> Result<(), E> {
        if accepts(self.0, scalar) {
            Ok(())
        } else {
            Err(no())
        }
    }
}

impl<'de> Visitor<'de> for Check {
    type Value = ();

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a value that fits the model")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar(Scalar::Bool)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar(Scalar::Number(true))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<(), E> {
        self.scalar(Scalar::Number(i64::try_from(value).is_ok()))
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar(Scalar::Number(false))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<(), E> {
        match self.0 {
            Kind::Literal(expected) if *expected == text => Ok(()),
            Kind::Literal(_) => Err(no()),
            _ => self.scalar(Scalar::Str),
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar(Scalar::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let item = match self.0 {
            Kind::Any => &ANY,
            Kind::Array(item) => item,
            Kind::Nullable(Kind::Array(item)) => item,
            _ => return Err(no()),
        };
        while seq.next_element_seed(Check(item))?.is_some() {}
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let fields: &'static [Field] = match self.0 {
            Kind::Object(fields) | Kind::Nullable(Kind::Object(fields)) => fields,
            _ => &[],
        };
        let mut seen: u64 = 0;
        let mut first = true;
        while let Some(key) = map.next_key_seed(KeyOf { fields, first })? {
            match key {
                Key::Number => {
                    let integer = map.next_value_seed(NumberText)?;
                    return self.scalar(Scalar::Number(integer));
                }
                Key::Field(index) => {
                    seen |= 1 << index;
                    let kind = fields.get(index).map_or(&ANY, |field| field.kind);
                    map.next_value_seed(Check(kind))?;
                }
                Key::Unknown => map.next_value_seed(Check(&ANY))?,
            }
            first = false;
        }
        // An object where the model wants something else (a number arrives as a map, above).
        let is_object = matches!(
            self.0,
            Kind::Any | Kind::Object(_) | Kind::Nullable(Kind::Object(_))
        );
        let complete = fields
            .iter()
            .enumerate()
            .all(|(index, field)| field.optional || seen & (1 << index) != 0);
        if is_object && complete {
            Ok(())
        } else {
            Err(no())
        }
    }
}

enum Key {
    Number,
    Field(usize),
    Unknown,
}

/// Reads an object key and finds it among the fields, without allocating.
struct KeyOf {
    fields: &'static [Field],
    first: bool,
}

impl<'de> DeserializeSeed<'de> for KeyOf {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyOf {
    type Value = Key;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if self.first && key == NUMBER_TOKEN {
            return Ok(Key::Number);
        }
        Ok(self
            .fields
            .iter()
            .position(|field| field.name == key)
            .map_or(Key::Unknown, Key::Field))
    }
}

/// The text of a number: is it an integer that fits `i64` (as `Number::as_i64` decides)?
struct NumberText;

impl<'de> DeserializeSeed<'de> for NumberText {
    type Value = bool;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<bool, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for NumberText {
    type Value = bool;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a number")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<bool, E> {
        // Real numbers arrive here with valid text, but so does a JSON object whose key is the
        // magic token (found by fuzzing): serde_json then parses its string, which may be no
        // number at all. Only strict JSON number text gets a yes; anything else goes to the full
        // parse, which rejects it as serde_json does.
        if !is_json_number(text) {
            return Err(no());
        }
        Ok(text.parse::<i64>().is_ok())
    }
}

/// JSON's number grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
fn is_json_number(text: &str) -> bool {
    fn digits(bytes: &[u8]) -> usize {
        bytes.iter().take_while(|b| b.is_ascii_digit()).count()
    }
    let mut rest = text.as_bytes();
    if let [b'-', tail @ ..] = rest {
        rest = tail;
    }
    match rest {
        [b'0', tail @ ..] => rest = tail,
        [b'1'..=b'9', ..] => rest = rest.get(digits(rest)..).unwrap_or_default(),
        _ => return false,
    }
    if let [b'.', tail @ ..] = rest {
        let count = digits(tail);
        if count == 0 {
            return false;
        }
        rest = tail.get(count..).unwrap_or_default();
    }
    if let [b'e' | b'E', tail @ ..] = rest {
        let tail = match tail {
            [b'+' | b'-', signed @ ..] => signed,
            other => other,
        };
        let count = digits(tail);
        if count == 0 {
            return false;
        }
        rest = tail.get(count..).unwrap_or_default();
    }
    rest.is_empty()
}

/// What the first pass learns from the top level.
#[derive(Default)]
struct Top {
    /// `Some(known)` when `event_type` is a string: whether it is one of the four modelled types.
    event_type: Option<Option<&'static str>>,
    /// Whether `event_type` is present but not a string.
    event_type_not_string: bool,
    identity_keys: u8,
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Top;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        // event_type, then the keys that mark an identity body (payload::IDENTITY_KEYS).
        const TOP_FIELDS: &[Field] = &[
            Field {
                name: "event_type",
                optional: true,
                kind: &ANY,
            },
            Field {
                name: "identity",
                optional: true,
                kind: &ANY,
            },
            Field {
                name: "traits",
                optional: true,
                kind: &ANY,
            },
            Field {
                name: "flags",
                optional: true,
                kind: &ANY,
            },
            Field {
                name: "segments",
                optional: true,
                kind: &ANY,
            },
        ];
        let mut top = Top::default();
        let mut seen = 0u8;
        while let Some(key) = map.next_key_seed(KeyOf {
            fields: TOP_FIELDS,
            first: false,
        })? {
            match key {
                Key::Field(0) => {
                    top.event_type = None;
                    top.event_type_not_string = false;
                    match map.next_value_seed(EventType)? {
                        Some(known) => top.event_type = Some(known),
                        None => top.event_type_not_string = true,
                    }
                }
                Key::Field(index) => {
                    seen |= 1 << index;
                    map.next_value_seed(Check(&ANY))?;
                }
                _ => map.next_value_seed(Check(&ANY))?,
            }
        }
        top.identity_keys = (seen >> 1).count_ones() as u8;
        Ok(top)
    }
}

/// `Some(Some(type))` for a modelled event type, `Some(None)` for another string, `None` for
/// anything that is not a string.
struct EventType;

impl<'de> DeserializeSeed<'de> for EventType {
    type Value = Option<Option<&'static str>>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EventType {
    type Value = Option<Option<&'static str>>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an event type")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Some(
            [
                event_types::FLAG_UPDATED,
                event_types::FLAG_DELETED,
                event_types::NEW_VERSION_PUBLISHED,
                event_types::AUDIT_LOG_CREATED,
            ]
            .into_iter()
            .find(|known| *known == text),
        ))
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element_seed(Check(&ANY))?.is_some() {}
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        // A number (serde_json's map form) or an object: either way, not a string.
        Check(&ANY).visit_map(map).map(|()| None)
    }
}

/// The envelope schema of a modelled event type. With `exact`, `event_type` must be that type
/// (for a guessed type); otherwise any string (the first pass already read it).
fn schema_of(event_type: &str, exact: bool) -> &'static Kind {
    use super::model::{AuditLog, FlagChange, VersionPublished};
    macro_rules! envelope {
        ($data:ty, $event_type:expr) => {
            &Kind::Object(&[
                Field {
                    name: "data",
                    optional: false,
                    kind: &<$data as Shape>::KIND,
                },
                Field {
                    name: "event_type",
                    optional: false,
                    kind: $event_type,
                },
            ])
        };
    }
    const UPDATED: Kind = Kind::Literal(event_types::FLAG_UPDATED);
    const DELETED: Kind = Kind::Literal(event_types::FLAG_DELETED);
    const VERSION: Kind = Kind::Literal(event_types::NEW_VERSION_PUBLISHED);
    const AUDIT: Kind = Kind::Literal(event_types::AUDIT_LOG_CREATED);
    match (event_type, exact) {
        (_, false) => match event_type {
            event_types::NEW_VERSION_PUBLISHED => envelope!(VersionPublished, &STR),
            event_types::AUDIT_LOG_CREATED => envelope!(AuditLog, &STR),
            _ => envelope!(FlagChange, &STR),
        },
        (event_types::FLAG_UPDATED, true) => envelope!(FlagChange, &UPDATED),
        (event_types::FLAG_DELETED, true) => envelope!(FlagChange, &DELETED),
        (event_types::NEW_VERSION_PUBLISHED, true) => envelope!(VersionPublished, &VERSION),
        _ => envelope!(AuditLog, &AUDIT),
    }
}

/// The event type Flagsmith's bytes end with: keys are sorted, so `event_type` comes last and the
/// body ends `"event_type": "<TYPE>"}`. Only a guess, which the schema pass then confirms.
fn guess_event_type(body: &[u8]) -> Option<&'static str> {
    const TAIL: &[u8] = b"\"event_type\": \"";
    let end = body.strip_suffix(b"\"}")?;
    [
        event_types::FLAG_UPDATED,
        event_types::FLAG_DELETED,
        event_types::NEW_VERSION_PUBLISHED,
        event_types::AUDIT_LOG_CREATED,
    ]
    .into_iter()
    .find(|known| {
        end.strip_suffix(known.as_bytes())
            .is_some_and(|rest| rest.ends_with(TAIL))
    })
}

/// True only when [`parse`](super::parse) would accept `body`. A `false` means nothing more
/// than "run the full parse" (which then says what is wrong).
pub(crate) fn fits_model(body: &[u8]) -> bool {
    // One pass for Flagsmith's own bytes: the guessed type's schema, whose event_type must be
    // that very type.
    if let Some(guess) = guess_event_type(body) {
        if schema_pass(schema_of(guess, true), body) {
            return true;
        }
    }
    let first = {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        match deserializer.deserialize_map(TopLevel) {
            Ok(top) if deserializer.end().is_ok() => top,
            _ => return false,
        }
    };
    let schema = match first.event_type {
        Some(Some(known)) => schema_of(known, false),
        // An unknown event type is kept whole: the first pass already read the whole body.
        Some(None) => return true,
        None if first.event_type_not_string => return false,
        None if first.identity_keys == 4 => &IDENTITY,
        None => return false,
    };
    schema_pass(schema, body)
}

fn schema_pass(schema: &'static Kind, body: &[u8]) -> bool {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    Check(schema).deserialize(&mut deserializer).is_ok() && deserializer.end().is_ok()
}

const IDENTITY: Kind = IdentityPayload::KIND;

/// Any JSON object (the top level of a body that is not an object).
pub(crate) const OBJECT: Kind = Kind::Object(&[]);

/// The schema of `data` for a modelled event type.
pub(crate) fn data_schema(event_type: &str) -> &'static Kind {
    use super::model::{AuditLog, FlagChange, VersionPublished};
    match event_type {
        event_types::NEW_VERSION_PUBLISHED => &<VersionPublished as Shape>::KIND,
        event_types::AUDIT_LOG_CREATED => &<AuditLog as Shape>::KIND,
        _ => &<FlagChange as Shape>::KIND,
    }
}

/// The first error the model's `FromJson` conversions would report for `value`, found by
/// walking the schema: fields in declaration order (the order `record!` reads them), array items
/// in order, and the very messages of `convert.rs`. Held to `parse` by the tests.
pub(crate) fn check_value(value: &Value, kind: &Kind, path: &Path<'_>) -> Result<(), Error> {
    let integer = |value: &Value| match value {
        Value::Number(number) if number.as_i64().is_none() => Err(invalid(
            path,
            format!("expected an integer, found the number {number}"),
        )),
        _ => Ok(()),
    };
    match (kind, value) {
        (Kind::Any, _) | (Kind::Nullable(_), Value::Null) => Ok(()),
        (Kind::Nullable(inner), _) => check_value(value, inner, path),
        (Kind::Bool, Value::Bool(_))
        | (Kind::Str, Value::String(_))
        | (Kind::Num, Value::Number(_)) => Ok(()),
        (Kind::Literal(expected), Value::String(text)) if text == expected => Ok(()),
        (Kind::Int, Value::Number(_)) => integer(value),
        (Kind::FlagValue, Value::Null | Value::Bool(_) | Value::String(_)) => Ok(()),
        (Kind::FlagValue, Value::Number(_)) | (Kind::IdentityRef, Value::Number(_)) => {
            integer(value)
        }
        (Kind::IdentityRef, Value::String(_)) => Ok(()),
        (Kind::TraitValue, Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_)) => {
            Ok(())
        }
        (Kind::Array(item), Value::Array(items)) => items
            .iter()
            .enumerate()
            .try_for_each(|(index, element)| check_value(element, item, &Path::Index(path, index))),
        (Kind::Object(fields), Value::Object(map)) => fields.iter().try_for_each(|field| {
            let here = Path::Key(path, field.name);
            match map.get(field.name) {
                Some(element) => check_value(element, field.kind, &here),
                None if field.optional => Ok(()),
                None => Err(invalid(&here, "the field is missing")),
            }
        }),
        (Kind::FlagValue, other) => Err(invalid(
            path,
            format!(
                "expected a string, an integer, a boolean or null, found {}",
                describe(other)
            ),
        )),
        (Kind::IdentityRef, other) => Err(invalid(
            path,
            format!("expected an integer or a string, found {}", describe(other)),
        )),
        (Kind::TraitValue, other) => Err(invalid(
            path,
            format!(
                "expected a string, a number, a boolean or null, found {}",
                describe(other)
            ),
        )),
        (Kind::Bool, other) => Err(mismatch("a boolean", other, path)),
        (Kind::Int, other) => Err(mismatch("an integer", other, path)),
        (Kind::Str | Kind::Literal(_), other) => Err(mismatch("a string", other, path)),
        (Kind::Num, other) => Err(mismatch("a number", other, path)),
        (Kind::Array(_), other) => Err(mismatch("an array", other, path)),
        (Kind::Object(_), other) => Err(mismatch("an object", other, path)),
    }
}

#[cfg(test)]
mod tests {
    use super::fits_model;
    use crate::{parse, validate};
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
        let vectors: serde_json::Value =
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
                let case: serde_json::Value = serde_json::from_str(line).unwrap();
                bodies.push(case["body"].as_str().unwrap().as_bytes().to_vec());
            }
        }
        bodies
    }

    /// The fast check must never accept what `parse` rejects, and should accept every real body.
    #[test]
    fn agrees_with_parse() {
        let bodies = bodies();
        assert!(bodies.len() > 600);
        for body in &bodies {
            let text = String::from_utf8_lossy(body);
            assert_eq!(fits_model(body), parse(body).is_ok(), "{text}");
            assert_eq!(validate(body), parse(body).map(drop), "{text}");
        }
    }

    /// Found by fuzzing: an object whose only key is serde_json's magic number token is read as
    /// a number, whatever its text; `validate` must answer as `parse` does.
    #[test]
    fn the_magic_number_key_is_judged_like_parse() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut cases =
            vec![
                std::fs::read(root.join("tests/regressions/fuzz-parse-magic-number-key.json"))
                    .unwrap(),
            ];
        for text in [
            "+eat9", "5", "-0.5e+3", "01", "1.", "1e", "", " 5", "1e999", "-",
        ] {
            for at in [
                "\"data\": {\"x\": N}",
                "\"data\": {\"changed_by\": \"\", \"new_state\": null, \"timestamp\": N}",
            ] {
                let value = format!("{{\"$serde_json::private::Number\": \"{text}\"}}");
                cases.push(
                    format!(
                        "{{{}, \"event_type\": \"FLAG_UPDATED\"}}",
                        at.replace('N', &value)
                    )
                    .into_bytes(),
                );
                cases.push(
                    format!("{{{}, \"event_type\": \"OTHER\"}}", at.replace('N', &value))
                        .into_bytes(),
                );
            }
        }
        for case in cases {
            assert_eq!(
                validate(&case),
                parse(&case).map(drop),
                "{}",
                String::from_utf8_lossy(&case)
            );
        }
    }

    #[test]
    fn json_number_grammar() {
        for good in [
            "0",
            "-0",
            "5",
            "-12",
            "1.5",
            "0.25",
            "1e5",
            "1E+5",
            "-2.5e-07",
            "123456789012345678901234567890",
        ] {
            assert!(super::is_json_number(good), "{good}");
        }
        for bad in [
            "", "-", "+5", "01", "1.", ".5", "1e", "1e+", "0x10", " 5", "5 ", "NaN", "Infinity",
            "1.5.5",
        ] {
            assert!(!super::is_json_number(bad), "{bad}");
        }
    }

    /// Mutated bodies (a byte changed, inserted or removed at every position of several
    /// fixtures, with replacements that matter to JSON): a yes is never wrong, and `validate`
    /// gives exactly `parse`'s answer, error for error (code, path, message, line, column).
    #[test]
    fn never_accepts_what_parse_rejects() {
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
                        let parsed = parse(&candidate).map(drop);
                        if fits_model(&candidate) {
                            assert!(parsed.is_ok(), "{}", String::from_utf8_lossy(&candidate));
                        }
                        assert_eq!(
                            validate(&candidate),
                            parsed,
                            "{}",
                            String::from_utf8_lossy(&candidate)
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }
}
