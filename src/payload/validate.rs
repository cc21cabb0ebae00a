//! Whether a body fits the model, and if not the first problem, found in one streaming pass
//! without building the body.
//!
//! JavaScript materialises events with `JSON.parse`, so wasm only has to say whether the body
//! fits the model. Building serde_json's `Value` tree and the typed model for that took about
//! 3.5 times as long as `JSON.parse`, and for a rejected body the tree took 10 to 40 times the
//! body's size in wasm memory, which never shrinks. This walks serde_json's streaming parser
//! against static schemas instead, allocating only for numbers and escaped keys, and for a
//! problem.
//!
//! It reads every value, known or not, through `deserialize_any`, exactly as `Value` does
//! (skipping with `IgnoredAny` would not check UTF-8 or surrogate escapes inside skipped
//! strings), so a body that is not JSON fails here with the very error `Value` would give. For
//! a JSON body it reports the first problem in the order the model's conversions read: fields
//! in declaration order (the last of duplicate keys counting, as in `JSON.parse`), array items
//! in order, then unknown fields in document order. The same walk runs over a `Value` (it is a
//! deserializer too) for [`from_value`](super::from_value), so bytes and values obey one set of
//! rules. The schemas come from the same `record!` declarations as the model.
//!
//! Flagsmith's own conforming bodies rarely reach this walk: the quick scan (`quick.rs`) settles
//! them first, against the same schemas (the envelopes are in `envelopes.rs`), and leaves every
//! body it cannot vouch for, and every error, to this walk.
//!
//! Beyond the model's types it enforces what makes a value mean one thing everywhere: no
//! integer JavaScript cannot hold exactly, no number a 64-bit float cannot hold, and neither of
//! serde_json's reserved keys, which it would read as something other than an object.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::convert::{invalid, Path};
use super::envelopes::{envelope_schema, guess_event_type};
use super::event_types;
use super::model::IdentityPayload;
pub(crate) use super::numbers::number_tokens;
use super::numbers::{long_integer_literal, Cx, NumberSeen, Reading, Scan};
pub use super::problems::Deviation;
use super::problems::{accepts, expected, number_wanted, problem, Found, Problem, Scalar, Sink};
use super::quick;
pub(crate) use super::schema::NUMBER_TOKEN;
use super::schema::{Field, Kind, Shape, ANY, RAW_VALUE_TOKEN, STR};
use crate::error::Error;
use crate::text::excerpt;

/// Reads one value at `path` and checks it against a kind.
#[derive(Clone, Copy)]
struct Expected<'p> {
    kind: &'static Kind,
    path: &'p Path<'p>,
    /// What the walk shares.
    cx: &'p Cx<'p>,
    /// Whether problems are listed here (not inside a value that is already wrong).
    collect: bool,
}

impl<'de> DeserializeSeed<'de> for Expected<'_> {
    type Value = Problem;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Problem, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Expected<'_> {
    /// Where this value's problems are listed, if anywhere.
    fn sink(&self) -> Option<&Sink> {
        self.cx.sink.filter(|_| self.collect)
    }

    fn mismatch(&self, found: &str) -> Problem {
        problem(self.sink(), self.path, expected(self.kind), found, None)
    }

    fn scalar(&self, scalar: Scalar) -> Problem {
        if accepts(self.kind, scalar) {
            None
        } else {
            self.mismatch(scalar.name())
        }
    }

    fn number(&self, number: NumberSeen<'_>) -> Problem {
        let Some(integer_wanted) = number_wanted(self.kind) else {
            return self.mismatch("a number");
        };
        let (number, reading) = match (number, self.cx.next_number()) {
            (_, Some(text)) => (NumberSeen::Text(text), Reading::Integer(None)),
            (NumberSeen::Float(value), None) => {
                // Integral and beyond 64 bits: possibly a long integer literal (see Cx).
                if value.fract() == 0.0 && value.abs() >= 9.2e18 {
                    self.cx.scan.suspect.set(true);
                }
                (number, Reading::Float)
            }
            (number, None) => (number, number.reading()),
        };
        if integer_wanted && !matches!(reading, Reading::Integer(Some(_))) {
            let shown = number.shown();
            let reason = format!("expected an integer, found the number {shown}");
            return problem(self.sink(), self.path, "an integer", shown, Some(reason));
        }
        number.unrepresentable(reading).and_then(|reason| {
            let expected = "a number JavaScript reads as written";
            problem(
                self.sink(),
                self.path,
                expected,
                number.shown(),
                Some(reason),
            )
        })
    }
}

impl<'de> Visitor<'de> for Expected<'_> {
    type Value = Problem;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Problem, E> {
        Ok(self.scalar(Scalar::Bool))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Problem, E> {
        Ok(self.number(NumberSeen::Integer(value.into())))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Problem, E> {
        Ok(self.number(NumberSeen::Integer(value.into())))
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Problem, E> {
        Ok(self.number(NumberSeen::Integer(value)))
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Problem, E> {
        Ok(self.number(NumberSeen::Integer(
            i128::try_from(value).unwrap_or(i128::MAX),
        )))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Problem, E> {
        Ok(self.number(NumberSeen::Float(value)))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Problem, E> {
        Ok(match self.kind {
            Kind::Literal(wanted) if *wanted == text => None,
            Kind::Literal(_) => self.mismatch("another string"),
            _ => self.scalar(Scalar::Str),
        })
    }

    fn visit_unit<E: de::Error>(self) -> Result<Problem, E> {
        Ok(self.scalar(Scalar::Null))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Problem, A::Error> {
        let item = match self.kind {
            Kind::Any => Some(&ANY),
            Kind::Array(item) | Kind::Nullable(Kind::Array(item)) => Some(*item),
            _ => None,
        };
        let mut first = None;
        let mut index = 0;
        // Inside a value that is already wrong, nothing more is worth listing.
        let collect = item.is_some() && self.collect;
        loop {
            let here = Path::Index(self.path, index);
            let expected = Expected {
                kind: item.unwrap_or(&ANY),
                path: &here,
                cx: self.cx,
                collect,
            };
            match seq.next_element_seed(expected)? {
                None => break,
                Some(found) => first = first.or(found),
            }
            index += 1;
        }
        Ok(match item {
            Some(_) => first,
            None => self.mismatch("an array"),
        })
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Problem, A::Error> {
        let fields: &'static [Field] = match self.kind {
            Kind::Object(fields) | Kind::Nullable(Kind::Object(fields)) => fields,
            _ => &[],
        };
        let is_object = matches!(
            self.kind,
            Kind::Any | Kind::Object(_) | Kind::Nullable(Kind::Object(_))
        );
        // Inside a value that is already wrong, nothing more is worth listing.
        let collect = is_object && self.collect;
        let sink = self.sink().filter(|_| collect);
        let mut seen: u64 = 0;
        // The last problem of each known field (a later duplicate replaces an earlier one), and
        // those under other keys. Empty unless something is wrong.
        let mut field_problems: Vec<(usize, Box<Found>)> = Vec::new();
        let mut other_problems = OtherProblems::default();
        let mut first = true;
        while let Some(key) = map.next_key_seed(KeyOf { fields })? {
            match key {
                Key::Token(token) => {
                    let here = Path::Key(self.path, token);
                    match map.next_value_seed(TokenValueSeed {
                        path: &here,
                        cx: self.cx,
                    })? {
                        // serde_json's own form of a number: the only entry of its map.
                        TokenValue::Number(text) if first && token == NUMBER_TOKEN => {
                            return Ok(self.number(NumberSeen::Text(&text)));
                        }
                        _ => other_problems.record(token, reserved_key(sink, &here, token)),
                    }
                }
                Key::Field(index) => {
                    seen |= 1 << index;
                    let Some(field) = fields.get(index) else {
                        continue;
                    };
                    let here = Path::Key(self.path, field.name);
                    let found = map.next_value_seed(Expected {
                        kind: field.kind,
                        path: &here,
                        cx: self.cx,
                        collect,
                    })?;
                    if !field_problems.is_empty() {
                        field_problems.retain(|(at, _)| *at != index);
                    }
                    if let Some(found) = found {
                        field_problems.push((index, found));
                    }
                }
                Key::Unknown(name) => {
                    let here = Path::Key(self.path, &name);
                    let found = map.next_value_seed(Expected {
                        kind: &ANY,
                        path: &here,
                        cx: self.cx,
                        collect,
                    })?;
                    other_problems.record(&name, found);
                }
            }
            first = false;
        }
        if !is_object {
            return Ok(self.mismatch("an object"));
        }
        let complete = fields
            .iter()
            .enumerate()
            .all(|(index, field)| field.optional || seen & (1 << index) != 0);
        if complete && field_problems.is_empty() {
            return Ok(other_problems.first());
        }
        // In declaration order; every missing field is listed (when collecting), the first
        // problem is the answer.
        let mut first_problem = None;
        for (index, field) in fields.iter().enumerate() {
            if let Some(position) = field_problems.iter().position(|(at, _)| *at == index) {
                let found = field_problems.swap_remove(position).1;
                first_problem = first_problem.or(Some(found));
            } else if !field.optional && seen & (1 << index) == 0 {
                let here = Path::Key(self.path, field.name);
                let reason = Some("the field is missing".to_string());
                let found = problem(sink, &here, expected(field.kind), "nothing", reason);
                first_problem = first_problem.or(found);
            }
        }
        Ok(first_problem.or_else(|| other_problems.first()))
    }
}

/// Problems under keys a schema does not name, kept as `JSON.parse` and a `Value` see the
/// object: a later duplicate of a key replaces its earlier value (and problem), and the one
/// reported is under the smallest key, the order in which a `Value`'s map iterates, so that the
/// bytes and their `Value` get the same answer. Found by fuzzing.
#[derive(Default)]
struct OtherProblems(Vec<(String, Box<Found>)>);

impl OtherProblems {
    fn record(&mut self, key: &str, found: Problem) {
        if !self.0.is_empty() {
            self.0.retain(|(seen, _)| seen != key);
        }
        if let Some(found) = found {
            self.0.push((key.to_owned(), found));
        }
    }

    fn first(self) -> Problem {
        self.0
            .into_iter()
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, found)| found)
    }
}

fn reserved_key(sink: Option<&Sink>, path: &Path<'_>, token: &str) -> Problem {
    let reason = format!(
        "the key `{token}` is reserved by serde_json, which would read this object as \
         something else; Flagsmith never sends it"
    );
    problem(
        sink,
        path,
        "no key reserved by serde_json",
        token,
        Some(reason),
    )
}

enum Key<'de> {
    /// One of serde_json's reserved keys.
    Token(&'static str),
    Field(usize),
    Unknown(Cow<'de, str>),
}

/// Reads an object key and finds it among the fields; allocates only for an unknown key that
/// holds escapes.
struct KeyOf {
    fields: &'static [Field],
}

impl<'de> DeserializeSeed<'de> for KeyOf {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key<'de>, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl KeyOf {
    fn known(&self, key: &str) -> Option<Key<'static>> {
        // Both reserved keys start with `$`, which no field name does.
        if key.starts_with('$') {
            if let Some(token) = [NUMBER_TOKEN, RAW_VALUE_TOKEN]
                .into_iter()
                .find(|token| *token == key)
            {
                return Some(Key::Token(token));
            }
        }
        self.fields
            .iter()
            .position(|field| field.name == key)
            .map(Key::Field)
    }
}

impl<'de> Visitor<'de> for KeyOf {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, key: &'de str) -> Result<Key<'de>, E> {
        Ok(self.known(key).unwrap_or(Key::Unknown(Cow::Borrowed(key))))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key<'de>, E> {
        Ok(self
            .known(key)
            .unwrap_or_else(|| Key::Unknown(Cow::Owned(key.to_owned()))))
    }

    fn visit_string<E: de::Error>(self, key: String) -> Result<Key<'de>, E> {
        Ok(self.known(&key).unwrap_or(Key::Unknown(Cow::Owned(key))))
    }
}

/// The value under a reserved key: serde_json hands a number's text over as an owned string
/// (`visit_string`), which neither its slice parser nor a borrowed `Value` does for a string
/// in the input. So an object that merely *has* the key is told apart from a number.
enum TokenValue {
    Number(String),
    Other,
}

struct TokenValueSeed<'p> {
    path: &'p Path<'p>,
    cx: &'p Cx<'p>,
}

impl<'de> DeserializeSeed<'de> for TokenValueSeed<'_> {
    type Value = TokenValue;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<TokenValue, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'p> TokenValueSeed<'p> {
    /// The walk of a nested value under the reserved key: any JSON value, problems not listed.
    fn any_value(self) -> Expected<'p> {
        Expected {
            kind: &ANY,
            path: self.path,
            cx: self.cx,
            collect: false,
        }
    }
}

/// Visitor methods that answer `TokenValue::Other` whatever they are given.
macro_rules! other_for {
    ($($method:ident($($value:ty)?)),* $(,)?) => {
        $(fn $method<E: de::Error>(self $(, _: $value)?) -> Result<TokenValue, E> {
            Ok(TokenValue::Other)
        })*
    };
}

impl<'de> Visitor<'de> for TokenValueSeed<'_> {
    type Value = TokenValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<TokenValue, E> {
        Ok(TokenValue::Number(text))
    }

    other_for!(
        visit_str(&str),
        visit_bool(bool),
        visit_i64(i64),
        visit_u64(u64),
        visit_f64(f64),
        visit_i128(i128),
        visit_u128(u128),
        visit_unit(),
    );

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TokenValue, A::Error> {
        self.any_value().visit_seq(seq).map(|_| TokenValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TokenValue, A::Error> {
        self.any_value().visit_map(map).map(|_| TokenValue::Other)
    }
}

/// What a body is, decided from its top level alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Class {
    /// One of the modelled event types.
    Known(&'static str),
    /// The identity integration body.
    Identity,
    /// An envelope with an event type this version does not model, kept whole.
    Unknown,
}

/// Keys that mark an identity integration body, which has no envelope.
pub(crate) const IDENTITY_KEYS: [&str; 4] = ["identity", "traits", "flags", "segments"];

/// The modelled event types, for the classification and the fast path.
const MODELLED: [&str; 5] = event_types::ALL;

/// `event_type` as the first pass saw it.
enum EventTypeSeen {
    Absent,
    Modelled(&'static str),
    Other,
    /// Not a string: the problem to report.
    NotString(Box<Found>),
}

/// What the first pass learns from the top level.
struct Top {
    /// Set when the top level is not an object: the problem to report.
    not_object: Problem,
    event_type: EventTypeSeen,
    identity_keys: u64,
    /// The first problem anywhere below the top level (for an event type kept whole).
    problem: Problem,
}

const TOP_FIELDS: [Field; 5] = {
    const fn any(name: &'static str) -> Field {
        Field {
            name,
            optional: true,
            kind: &ANY,
        }
    }
    let [a, b, c, d] = IDENTITY_KEYS;
    [any("event_type"), any(a), any(b), any(c), any(d)]
};

#[derive(Clone, Copy)]
struct TopLevel<'p>(&'p Cx<'p>);

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = Top;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Top, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'p> TopLevel<'p> {
    fn not_object(found: Problem) -> Top {
        Top {
            not_object: found,
            event_type: EventTypeSeen::Absent,
            identity_keys: 0,
            problem: None,
        }
    }

    /// The top level as an object, through [`Expected`]: the problem any non-object value gets.
    fn as_object(self) -> Expected<'p> {
        Expected {
            kind: &OBJECT,
            path: &Path::Root,
            cx: self.0,
            collect: false,
        }
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = Top;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Top, E> {
        self.as_object().visit_bool(value).map(Self::not_object)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Top, E> {
        self.as_object().visit_i64(value).map(Self::not_object)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Top, E> {
        self.as_object().visit_u64(value).map(Self::not_object)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Top, E> {
        self.as_object().visit_f64(value).map(Self::not_object)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<Top, E> {
        self.as_object().visit_i128(value).map(Self::not_object)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<Top, E> {
        self.as_object().visit_u128(value).map(Self::not_object)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Top, E> {
        self.as_object().visit_str(value).map(Self::not_object)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Top, E> {
        self.as_object().visit_unit().map(Self::not_object)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Top, A::Error> {
        self.as_object().visit_seq(seq).map(Self::not_object)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Top, A::Error> {
        let mut top = Top {
            not_object: None,
            event_type: EventTypeSeen::Absent,
            identity_keys: 0,
            problem: None,
        };
        let mut first = true;
        let mut problems = OtherProblems::default();
        while let Some(key) = map.next_key_seed(KeyOf {
            fields: &TOP_FIELDS,
        })? {
            let name = match &key {
                Key::Token(token) => Cow::Borrowed(*token),
                Key::Field(index) => Cow::Borrowed(TOP_FIELDS.get(*index).map_or("", |f| f.name)),
                Key::Unknown(name) => name.clone(),
            };
            let found = match key {
                Key::Token(token) => {
                    let here = Path::Key(&Path::Root, token);
                    match map.next_value_seed(TokenValueSeed {
                        path: &here,
                        cx: self.0,
                    })? {
                        TokenValue::Number(text) if first && token == NUMBER_TOKEN => {
                            let number = self.as_object().number(NumberSeen::Text(&text));
                            return Ok(Self::not_object(number));
                        }
                        _ => reserved_key(None, &here, token),
                    }
                }
                Key::Field(0) => {
                    let here = Path::Key(&Path::Root, "event_type");
                    top.event_type = map.next_value_seed(EventTypeSeed {
                        path: &here,
                        cx: self.0,
                    })?;
                    None
                }
                Key::Field(index) => {
                    top.identity_keys |= 1 << index;
                    let name = TOP_FIELDS.get(index).map_or("", |field| field.name);
                    let here = Path::Key(&Path::Root, name);
                    map.next_value_seed(Expected {
                        kind: &ANY,
                        path: &here,
                        cx: self.0,
                        collect: false,
                    })?
                }
                Key::Unknown(name) => {
                    let here = Path::Key(&Path::Root, &name);
                    map.next_value_seed(Expected {
                        kind: &ANY,
                        path: &here,
                        cx: self.0,
                        collect: false,
                    })?
                }
            };
            problems.record(&name, found);
            first = false;
        }
        top.problem = problems.first();
        Ok(top)
    }
}

/// Reads `event_type`: a string is classified, anything else gets [`Expected`]'s problem for a
/// value that should have been a string.
struct EventTypeSeed<'p> {
    path: &'p Path<'p>,
    cx: &'p Cx<'p>,
}

impl<'de> DeserializeSeed<'de> for EventTypeSeed<'_> {
    type Value = EventTypeSeen;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<EventTypeSeen, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl EventTypeSeed<'_> {
    fn as_string(&self) -> Expected<'_> {
        Expected {
            kind: &STR,
            path: self.path,
            cx: self.cx,
            collect: false,
        }
    }
}

fn not_string(found: Problem) -> EventTypeSeen {
    found.map_or(EventTypeSeen::Other, EventTypeSeen::NotString)
}

impl<'de> Visitor<'de> for EventTypeSeed<'_> {
    type Value = EventTypeSeen;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an event type")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<EventTypeSeen, E> {
        Ok(MODELLED
            .into_iter()
            .find(|known| *known == text)
            .map_or(EventTypeSeen::Other, EventTypeSeen::Modelled))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<EventTypeSeen, E> {
        self.as_string().visit_bool(value).map(not_string)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<EventTypeSeen, E> {
        self.as_string().visit_i64(value).map(not_string)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<EventTypeSeen, E> {
        self.as_string().visit_u64(value).map(not_string)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<EventTypeSeen, E> {
        self.as_string().visit_f64(value).map(not_string)
    }

    fn visit_i128<E: de::Error>(self, value: i128) -> Result<EventTypeSeen, E> {
        self.as_string().visit_i128(value).map(not_string)
    }

    fn visit_u128<E: de::Error>(self, value: u128) -> Result<EventTypeSeen, E> {
        self.as_string().visit_u128(value).map(not_string)
    }

    fn visit_unit<E: de::Error>(self) -> Result<EventTypeSeen, E> {
        self.as_string().visit_unit().map(not_string)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<EventTypeSeen, A::Error> {
        self.as_string().visit_seq(seq).map(not_string)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<EventTypeSeen, A::Error> {
        self.as_string().visit_map(map).map(not_string)
    }
}

/// Any JSON object (the top level of a body).
const OBJECT: Kind = Kind::Object(&[]);

/// Something the walk can read: a body's bytes, or a `Value`.
pub(crate) trait Input<'de> {
    /// Runs `seed` over the whole input; a body that is not JSON is `invalid_json`.
    fn run<S: DeserializeSeed<'de>>(&self, seed: S) -> Result<S::Value, Error>;

    /// Where a walk may skip straight to the answer: Flagsmith's own bytes say their event
    /// type at the end.
    fn guess(&self) -> Option<&'static str> {
        None
    }

    /// The input's bytes, when it has them (not a `Value`).
    fn bytes(&self) -> Option<&[u8]> {
        None
    }
}

#[cfg(test)]
thread_local! {
    /// How many walks over bytes ran, so the tests can count passes.
    static PASSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

impl<'de> Input<'de> for &'de [u8] {
    fn run<S: DeserializeSeed<'de>>(&self, seed: S) -> Result<S::Value, Error> {
        #[cfg(test)]
        PASSES.with(|passes| passes.set(passes.get() + 1));
        let mut deserializer = serde_json::Deserializer::from_slice(self);
        let value = seed
            .deserialize(&mut deserializer)
            .map_err(|error| json_error(&error))?;
        deserializer.end().map_err(|error| json_error(&error))?;
        Ok(value)
    }

    fn guess(&self) -> Option<&'static str> {
        guess_event_type(self)
    }

    fn bytes(&self) -> Option<&[u8]> {
        Some(self)
    }
}

impl<'de> Input<'de> for &'de serde_json::Value {
    fn run<S: DeserializeSeed<'de>>(&self, seed: S) -> Result<S::Value, Error> {
        seed.deserialize(*self).map_err(|error| json_error(&error))
    }
}

/// The `invalid_json` error for a serde_json error.
pub(crate) fn json_error(error: &serde_json::Error) -> Error {
    // serde_json's message without its trailing " at line L column C", which the error carries
    // separately.
    let text = error.to_string();
    let reason = match text.rfind(" at line ") {
        Some(cut) => text.get(..cut).unwrap_or(&text),
        None => &text,
    };
    Error::InvalidJson {
        line: error.line(),
        column: error.column(),
        reason: excerpt(reason),
    }
}

fn walk<'de>(
    input: &impl Input<'de>,
    kind: &'static Kind,
    sink: Option<&Sink>,
    scan: &Scan,
) -> Result<Problem, Error> {
    let cx = Cx::new(sink, scan);
    input.run(Expected {
        kind,
        path: &Path::Root,
        cx: &cx,
        collect: true,
    })
}

/// The problem of a body that has no `event_type` and is no identity body either.
fn event_type_missing(sink: Option<&Sink>) -> Problem {
    let reason = "the field is missing, and the body is not an identity integration body \
                  either (that has `identity`, `traits`, `flags` and `segments`)";
    problem(
        sink,
        &Path::Key(&Path::Root, "event_type"),
        "a string",
        "nothing",
        Some(reason.into()),
    )
}

/// Classifies the top level: the class, or the problem that leaves the body without one.
fn classify<'de>(
    input: &impl Input<'de>,
    sink: Option<&Sink>,
    scan: &Scan,
) -> Result<(Option<Class>, Top), Error> {
    let cx = Cx::new(None, scan);
    let mut top = input.run(TopLevel(&cx))?;
    if let Some(found) = top.not_object.take() {
        return Err(found.into_error());
    }
    let class = match std::mem::replace(&mut top.event_type, EventTypeSeen::Absent) {
        EventTypeSeen::NotString(found) => {
            if let Some(sink) = sink {
                sink.borrow_mut().push(found.deviation.clone());
            }
            top.problem = Some(found);
            None
        }
        EventTypeSeen::Modelled(known) => Some(Class::Known(known)),
        EventTypeSeen::Other => Some(Class::Unknown),
        EventTypeSeen::Absent if top.identity_keys == 0b11110 => Some(Class::Identity),
        EventTypeSeen::Absent => {
            top.problem = event_type_missing(sink);
            None
        }
    };
    Ok((class, top))
}

/// The schema the body is checked against once classified.
fn schema_of(class: Class) -> &'static Kind {
    match class {
        Class::Known(known) => envelope_schema(known, false),
        Class::Identity => &<IdentityPayload as Shape>::KIND,
        Class::Unknown => &OBJECT,
    }
}

/// Runs `validate` over `input`, and once more knowing where the first long integer literal is
/// when a walk met a float that may have been one (see [`Cx`]).
fn with_scan<'de, I: Input<'de>, T>(input: &I, validate: impl Fn(&I, &Scan) -> T) -> T {
    let scan = Scan::default();
    let first = validate(input, &scan);
    if scan.suspect.get() {
        if let Some(found) = input.bytes().and_then(long_integer_literal) {
            let rescan = Scan {
                long_integer: Some(found),
                suspect: std::cell::Cell::new(false),
            };
            return validate(input, &rescan);
        }
    }
    first
}

/// Checks that `input` is a payload the model accepts, and says what it is; otherwise the first
/// problem: `invalid_json` (with line and column) or `invalid_payload` (with the JSON path).
/// Memory: the walk's stack and the problem, never a tree of the input.
pub(crate) fn strict<'de>(input: impl Input<'de>) -> Result<Class, Error> {
    with_scan(&input, validate_input)
}

fn validate_input<'de>(input: &impl Input<'de>, scan: &Scan) -> Result<Class, Error> {
    // One pass for Flagsmith's own bytes: the guessed type's schema, whose event_type must be
    // that very type. Anything else, including a problem it finds, is settled below.
    if let Some(guess) = input.guess() {
        let schema = envelope_schema(guess, true);
        if input.bytes().is_some_and(|bytes| {
            #[cfg(test)]
            PASSES.with(|passes| passes.set(passes.get() + 1));
            quick::conforms(bytes, schema)
        }) {
            return Ok(Class::Known(guess));
        }
        if matches!(walk(input, schema, None, scan), Ok(None)) {
            return Ok(Class::Known(guess));
        }
    }
    let (class, top) = classify(input, None, scan)?;
    let found = match class {
        // Without a class, the problem is what left the body without one.
        None => top.problem.or_else(|| event_type_missing(None)),
        // The first pass already read every value of an event type kept whole.
        Some(Class::Unknown) => top.problem,
        Some(class) => walk(input, schema_of(class), None, scan)?,
    };
    let Some(class) = class else {
        return Err(found.map_or_else(
            || invalid(&Path::Root, "no event type"),
            |found| found.into_error(),
        ));
    };
    match found {
        None => Ok(class),
        Some(found) => Err(found.into_error()),
    }
}

/// What a tolerant check makes of a JSON object: its class, when it has one, and every way it
/// departs from the model (at most [`MAX_DEVIATIONS`](super::problems::MAX_DEVIATIONS)), empty when it conforms.
pub(crate) struct Tolerated {
    pub(crate) class: Option<Class>,
    pub(crate) deviations: Vec<Deviation>,
}

/// Like [`strict`], but lists every deviation instead of failing on the first. Fails only when
/// the body is not JSON (`invalid_json`) or not a JSON object (`invalid_payload`).
pub(crate) fn tolerant<'de>(input: impl Input<'de>) -> Result<Tolerated, Error> {
    with_scan(&input, |input, scan| {
        // A conforming body (nearly every one) is settled by the strict check alone: one pass
        // for Flagsmith's own bytes.
        if let Ok(class) = validate_input(input, scan) {
            return Ok(Tolerated {
                class: Some(class),
                deviations: Vec::new(),
            });
        }
        let sink = Sink::default();
        let (class, _) = classify(input, Some(&sink), scan)?;
        walk(input, class.map_or(&OBJECT, schema_of), Some(&sink), scan)?;
        Ok(Tolerated {
            class,
            deviations: sink.into_inner(),
        })
    })
}

#[cfg(test)]
#[path = "validate_tests.rs"]
mod tests;
