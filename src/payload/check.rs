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
//! Beyond the model's types it enforces what makes a value mean one thing everywhere: no
//! integer JavaScript cannot hold exactly, no number a 64-bit float cannot hold, and neither of
//! serde_json's reserved keys, which it would read as something other than an object.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::convert::{invalid, Path};
use super::event_types;
use super::model::{AuditLog, FeatureState, FlagChange, IdentityPayload, VersionPublished};
use crate::error::Error;
use crate::text::excerpt;

/// What a JSON value must be.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// Any JSON value (unknown fields).
    Any,
    Bool,
    /// An integer that fits `i64`.
    Int,
    Str,
    /// Any number.
    Num,
    /// Exactly null.
    Null,
    /// A string, a number, a boolean or null.
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
#[derive(Clone, Copy)]
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

/// The key through which serde_json (with `arbitrary_precision`) hands a number to
/// `deserialize_any`: a one-entry map whose value is the number's text.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";
/// The key through which serde_json (with `raw_value`) hands over a raw value.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The largest integer JavaScript holds exactly (`Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;

/// One way a body departs from the model: where, what the model expects there, and what was
/// found (a type name, `nothing` for a missing field, or a short excerpt). Receivers hand an
/// authentic body with deviations to user code whole, with this list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// JSON path, as in error messages: `data.new_state.enabled`, `(the top level)`.
    pub path: String,
    /// What the model expects there: `a boolean`, `an integer`, `null`.
    pub expected: String,
    /// What the body has there: `a string`, `nothing`, or an excerpt of the value.
    pub found: String,
}

/// A problem found in a value: the deviation, and the message it gets as an error when that
/// message is not "expected …, found …" (boxed: results travel up every level of the walk).
pub(crate) struct Found {
    deviation: Deviation,
    reason: Option<String>,
}

impl Found {
    pub(crate) fn into_error(self) -> Error {
        let Deviation {
            path,
            expected,
            found,
        } = self.deviation;
        Error::InvalidPayload {
            path,
            reason: self
                .reason
                .unwrap_or_else(|| format!("expected {expected}, found {found}")),
        }
    }
}

pub(crate) type Problem = Option<Box<Found>>;

/// The most deviations a tolerant check lists: a body that departs further is described by the
/// first ones (and is most likely not meant for this endpoint at all).
pub(crate) const MAX_DEVIATIONS: usize = 50;

/// Where a tolerant check collects every deviation (a strict one keeps only the first).
pub(crate) type Sink = std::cell::RefCell<Vec<Deviation>>;

/// What one walk over an input shares: where deviations go (a tolerant check), and the numbers
/// read so far, in document order.
///
/// serde_json (without `arbitrary_precision`) hands an integer literal too long for 64 bits
/// over as an `f64`, so the walk cannot tell `123456789012345678901234567890` (an integer
/// JavaScript cannot hold) from `1.2345678901234568e29`. When a float that could be such a
/// literal turns up, the body's bytes are scanned for long integer literals
/// ([`long_integer_literal`]) and the walk runs again knowing which number, by position, is one.
pub(crate) struct Cx<'s> {
    sink: Option<&'s Sink>,
    numbers: std::cell::Cell<usize>,
    scan: &'s Scan,
}

/// What the checks of one input learn about its long integer literals.
#[derive(Default)]
pub(crate) struct Scan {
    /// The position of the first one and its text, once the bytes were scanned.
    long_integer: Option<(usize, String)>,
    /// Whether a walk met a float that may have been one.
    suspect: std::cell::Cell<bool>,
}

impl<'s> Cx<'s> {
    fn new(sink: Option<&'s Sink>, scan: &'s Scan) -> Self {
        Cx {
            sink,
            numbers: std::cell::Cell::new(0),
            scan,
        }
    }

    /// Counts a number; the long integer literal's text when this number is the one the scan
    /// found.
    fn next_number(&self) -> Option<&'s str> {
        let position = self.numbers.get();
        self.numbers.set(position + 1);
        let scan: &'s Scan = self.scan;
        match &scan.long_integer {
            Some((at, text)) if *at == position => Some(text),
            _ => None,
        }
    }
}

/// The text of every number in `body`, in document order. A plain scan: strings are skipped
/// (with their escapes), everything else is JSON's own syntax, so for a body serde_json read
/// these are exactly its numbers.
pub(crate) fn number_tokens(body: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut index = 0;
    std::iter::from_fn(move || {
        while let Some(&byte) = body.get(index) {
            match byte {
                b'"' => {
                    index += 1;
                    while let Some(&inner) = body.get(index) {
                        index += if inner == b'\\' { 2 } else { 1 };
                        if inner == b'"' {
                            break;
                        }
                    }
                }
                b'-' | b'0'..=b'9' => {
                    let start = index;
                    while body.get(index).is_some_and(|b| {
                        matches!(b, b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                    }) {
                        index += 1;
                    }
                    return body.get(start..index);
                }
                _ => index += 1,
            }
        }
        None
    })
}

/// The position, among the body's numbers in document order, of the first integer literal
/// (no fraction, no exponent) that does not fit 64 bits, and its text; `None` when there is
/// none.
fn long_integer_literal(body: &[u8]) -> Option<(usize, String)> {
    number_tokens(body)
        .enumerate()
        .find_map(|(position, token)| {
            let integer = !token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
            let digits = token.strip_prefix(b"-").unwrap_or(token);
            let fits = std::str::from_utf8(digits).is_ok_and(|d| d.parse::<u64>().is_ok());
            (integer && !fits).then(|| (position, String::from_utf8_lossy(token).into_owned()))
        })
}

/// A problem at `path`, recorded in `sink` when one is collecting.
fn problem(
    sink: Option<&Sink>,
    path: &Path<'_>,
    expected: impl Into<String>,
    found: impl Into<String>,
    reason: Option<String>,
) -> Problem {
    let shown = path.to_string();
    let deviation = Deviation {
        path: if shown.is_empty() {
            "(the top level)".into()
        } else {
            shown
        },
        expected: expected.into(),
        found: found.into(),
    };
    if let Some(sink) = sink {
        let mut list = sink.borrow_mut();
        if list.len() < MAX_DEVIATIONS {
            list.push(deviation.clone());
        }
    }
    Some(Box::new(Found { deviation, reason }))
}

/// What a kind expects, as error messages say it.
fn expected(kind: &Kind) -> Cow<'static, str> {
    Cow::Borrowed(match kind {
        Kind::Any => "any value",
        Kind::Bool => "a boolean",
        Kind::Int => "an integer",
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Null => "null",
        Kind::FlagValue => "a string, a number, a boolean or null",
        Kind::IdentityRef => "an integer or a string",
        Kind::TraitValue => "a string, a number, a boolean or null",
        Kind::Literal(text) => return Cow::Owned(format!("the string \"{text}\"")),
        Kind::Nullable(inner) => return expected(inner),
        Kind::Array(_) => "an array",
        Kind::Object(_) => "an object",
    })
}

/// A scalar seen on the wire, as error messages name it.
#[derive(Clone, Copy)]
enum Scalar {
    Null,
    Bool,
    Str,
}

impl Scalar {
    fn name(self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool => "a boolean",
            Scalar::Str => "a string",
        }
    }
}

fn accepts(kind: &Kind, scalar: Scalar) -> bool {
    match (kind, scalar) {
        (Kind::Any, _) | (Kind::Nullable(_) | Kind::Null, Scalar::Null) => true,
        (Kind::Nullable(inner), other) => accepts(inner, other),
        (Kind::Bool, Scalar::Bool) | (Kind::Str, Scalar::Str) => true,
        (Kind::FlagValue | Kind::TraitValue, _) => true,
        (Kind::IdentityRef, Scalar::Str) => true,
        _ => false,
    }
}

/// Which kinds take a number, and whether it must be an integer.
fn number_wanted(kind: &Kind) -> Option<bool> {
    match kind {
        Kind::Any | Kind::Num | Kind::TraitValue | Kind::FlagValue => Some(false),
        Kind::Int | Kind::IdentityRef => Some(true),
        Kind::Nullable(inner) => number_wanted(inner),
        _ => None,
    }
}

/// A number as it was read: its text (from bytes, or a `Value` whose text is not canonical),
/// or its value (from a `Value`).
#[derive(Clone, Copy)]
enum NumberSeen<'a> {
    Text(&'a str),
    Integer(i128),
    Float(f64),
}

/// What a number is, as far as the rules care.
#[derive(Clone, Copy)]
enum Reading {
    /// Written without a fraction or exponent: its value, or `None` beyond `i64`.
    Integer(Option<i64>),
    /// Anything else.
    Float,
}

impl NumberSeen<'_> {
    fn reading(self) -> Reading {
        match self {
            // Parsed as i64, not i128: wasm has no 128-bit arithmetic, and this runs per number.
            NumberSeen::Text(text) if !text.contains(['.', 'e', 'E']) => {
                Reading::Integer(text.parse().ok())
            }
            NumberSeen::Text(_) | NumberSeen::Float(_) => Reading::Float,
            NumberSeen::Integer(value) => Reading::Integer(i64::try_from(value).ok()),
        }
    }

    fn shown(self) -> String {
        match self {
            NumberSeen::Text(text) => excerpt(text),
            NumberSeen::Integer(value) => value.to_string(),
            NumberSeen::Float(value) => serde_json::Number::from_f64(value)
                .map_or_else(|| value.to_string(), |number| number.to_string()),
        }
    }

    /// Why JavaScript's `JSON.parse` would not read this number as the same value, if so.
    fn unrepresentable(self, reading: Reading) -> Option<String> {
        match reading {
            Reading::Integer(Some(value)) if value.unsigned_abs() <= MAX_SAFE_INTEGER as u64 => {
                None
            }
            Reading::Integer(_) => Some(format!(
                "the integer {} is beyond ±{MAX_SAFE_INTEGER}, which JavaScript cannot hold \
                 exactly (JSON.parse would round it); Flagsmith never sends one",
                self.shown()
            )),
            Reading::Float => {
                let NumberSeen::Text(text) = self else {
                    return None;
                };
                match float_range(text) {
                    FloatRange::Finite => None,
                    FloatRange::Overflows => Some(format!(
                        "the number {} is beyond the range of a 64-bit float (JSON.parse would \
                         read it as Infinity)",
                        self.shown()
                    )),
                    FloatRange::Underflows => Some(format!(
                        "the number {} is too small for a 64-bit float (JSON.parse would read \
                         it as 0)",
                        self.shown()
                    )),
                }
            }
        }
    }
}

/// The significant digits of 2^1024 − 2^970, halfway between `f64::MAX` and 2^1024: a
/// number at least `0.` these digits `× 10^309` rounds to infinity (ties go to the even
/// 2^1024). Exact, from Python's `decimal`.
const OVERFLOW_DIGITS: &str = concat!(
    "17976931348623158079372897140530341507993413271003782693617377898044496829276475",
    "09466490179775872070963302864166928879109465555478519404026306574886715058206819",
    "08902000708383676273854845817711531764475730270069855571366959622842914819860834",
    "936475292719074168444365510704342711559699508093042880177904174497792",
);
/// The significant digits of 2^-1075, halfway between 0 and the smallest subnormal: a number
/// at most `0.` these digits `× 10^-323` rounds to zero (ties go to the even 0). Exact.
const UNDERFLOW_DIGITS: &str = concat!(
    "24703282292062327208828439643411068618252990130716238221279284125033775363510437",
    "59326499181808179961898982823477228588654633283551779698981993873980053909390631",
    "50356595155702263922908583924491051844359318028499365361525003193704576782492193",
    "65623669863658480757001585769269903706311928279558551332927834338409351978015531",
    "24659726357957462276646527282722005637400648549997709659947045402082816622623785",
    "73934507363390079677619305775067401763246736009689513405355374585166611342237666",
    "78604162159680461914467291840300530057530849048765391711386591646239524912623653",
    "88187963623937328042389101867234849766823508986338858792562830275599565752445550",
    "72551893136908362547791869486679949683240497058210285131854513962138377228261454",
    "37693412532098591327667236328125",
);

/// How a float's text rounds to a 64-bit float, decided on its digits: correct rounding needs
/// only the comparisons with the two halfway points above. (Parsing it with `str::parse` would
/// do, but brings 14 KB of gzipped float-parsing tables into the wasm module.)
#[derive(Debug, PartialEq, Eq)]
enum FloatRange {
    Finite,
    /// Rounds to an infinity.
    Overflows,
    /// Nonzero, but rounds to zero.
    Underflows,
}

fn float_range(text: &str) -> FloatRange {
    use std::cmp::Ordering;
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (mantissa, exponent) = unsigned.split_once(['e', 'E']).unwrap_or((unsigned, "0"));
    // Saturating: an exponent of a thousand digits is still just very large.
    let exponent = {
        let (negative, digits) = match exponent.as_bytes() {
            [b'-', rest @ ..] => (true, rest),
            [b'+', rest @ ..] => (false, rest),
            rest => (false, rest),
        };
        let magnitude = digits.iter().fold(0i64, |acc, digit| {
            acc.saturating_mul(10)
                .saturating_add(i64::from(digit.wrapping_sub(b'0')))
                .min(1 << 40)
        });
        if negative {
            -magnitude
        } else {
            magnitude
        }
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all = || whole.bytes().chain(fraction.bytes());
    let leading_zeros = all().take_while(|digit| *digit == b'0').count();
    if leading_zeros == whole.len() + fraction.len() {
        return FloatRange::Finite; // zero
    }
    // value = 0.DIGITS × 10^point
    let point = i64::try_from(whole.len())
        .unwrap_or(i64::MAX)
        .saturating_sub(i64::try_from(leading_zeros).unwrap_or(i64::MAX))
        .saturating_add(exponent);
    let compare = |bound: &str| {
        let mut digits = all().skip(leading_zeros);
        let mut bound = bound.bytes();
        loop {
            match (digits.next(), bound.next()) {
                (Some(a), Some(b)) if a != b => return a.cmp(&b),
                (Some(_), Some(_)) => {}
                (Some(a), None) => {
                    return if a != b'0' || digits.any(|d| d != b'0') {
                        Ordering::Greater
                    } else {
                        Ordering::Equal
                    };
                }
                (None, Some(_)) => return Ordering::Less,
                (None, None) => return Ordering::Equal,
            }
        }
    };
    match point {
        310.. => FloatRange::Overflows,
        309 if compare(OVERFLOW_DIGITS) != Ordering::Less => FloatRange::Overflows,
        ..=-324 => FloatRange::Underflows,
        -323 if compare(UNDERFLOW_DIGITS) != Ordering::Greater => FloatRange::Underflows,
        _ => FloatRange::Finite,
    }
}

/// Reads one value at `path` and checks it against a kind.
#[derive(Clone, Copy)]
struct Check<'p> {
    kind: &'static Kind,
    path: &'p Path<'p>,
    /// What the walk shares.
    cx: &'p Cx<'p>,
    /// Whether problems are listed here (not inside a value that is already wrong).
    collect: bool,
}

impl<'de> DeserializeSeed<'de> for Check<'_> {
    type Value = Problem;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Problem, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl Check<'_> {
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

impl<'de> Visitor<'de> for Check<'_> {
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
            let check = Check {
                kind: item.unwrap_or(&ANY),
                path: &here,
                cx: self.cx,
                collect,
            };
            match seq.next_element_seed(check)? {
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
                    let found = map.next_value_seed(Check {
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
                    let found = map.next_value_seed(Check {
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

impl<'de> Visitor<'de> for TokenValueSeed<'_> {
    type Value = TokenValue;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_string<E: de::Error>(self, text: String) -> Result<TokenValue, E> {
        Ok(TokenValue::Number(text))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_unit<E: de::Error>(self) -> Result<TokenValue, E> {
        Ok(TokenValue::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TokenValue, A::Error> {
        let check = Check {
            kind: &ANY,
            path: self.path,
            cx: self.cx,
            collect: false,
        };
        check.visit_seq(seq).map(|_| TokenValue::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TokenValue, A::Error> {
        let check = Check {
            kind: &ANY,
            path: self.path,
            cx: self.cx,
            collect: false,
        };
        check.visit_map(map).map(|_| TokenValue::Other)
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

    /// The top level as an object, through [`Check`]: the problem any non-object value gets.
    fn as_object(self) -> Check<'p> {
        Check {
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
                    map.next_value_seed(Check {
                        kind: &ANY,
                        path: &here,
                        cx: self.0,
                        collect: false,
                    })?
                }
                Key::Unknown(name) => {
                    let here = Path::Key(&Path::Root, &name);
                    map.next_value_seed(Check {
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

/// Reads `event_type`: a string is classified, anything else gets [`Check`]'s problem for a
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
    fn as_string(&self) -> Check<'_> {
        Check {
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

/// Byte equality, usable in constants.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut rest = (a, b);
    while let ([x, a_tail @ ..], [y, b_tail @ ..]) = rest {
        if *x != *y {
            return false;
        }
        rest = (a_tail, b_tail);
    }
    true
}

/// `fields` with the field called `name` made required and of `kind`: FLAG_UPDATED and
/// FLAG_DELETED share one `data` struct, and their differences are stated here once, as
/// changes to its declaration.
const fn require<const N: usize>(fields: &[Field], name: &str, kind: &'static Kind) -> [Field; N] {
    let mut out = [Field {
        name: "",
        optional: true,
        kind: &ANY,
    }; N];
    let mut rest = fields;
    let mut index = 0;
    while let [field, tail @ ..] = rest {
        let mut field = *field;
        if same_text(field.name, name) {
            field.optional = false;
            field.kind = kind;
        }
        // Evaluated at compile time only: an index past N fails the build, never a request.
        #[allow(clippy::indexing_slicing)]
        {
            out[index] = field;
        }
        index += 1;
        rest = tail;
    }
    out
}

const FLAG_CHANGE_FIELDS: &[Field] = match <FlagChange as Shape>::KIND {
    Kind::Object(fields) => fields,
    _ => &[],
};
const FLAG_CHANGE_COUNT: usize = FLAG_CHANGE_FIELDS.len();
const STATE: Kind = <FeatureState as Shape>::KIND;
/// FLAG_UPDATED (and FLAG_CREATED) always carries the new state.
const UPDATED_FIELDS: [Field; FLAG_CHANGE_COUNT] = require(FLAG_CHANGE_FIELDS, "new_state", &STATE);
/// FLAG_DELETED carries `new_state: null` and the state before the deletion.
const DELETED_FIELDS: [Field; FLAG_CHANGE_COUNT] = require(
    &require::<FLAG_CHANGE_COUNT>(FLAG_CHANGE_FIELDS, "new_state", &Kind::Null),
    "previous_state",
    &STATE,
);
const UPDATED_DATA: Kind = Kind::Object(&UPDATED_FIELDS);
const DELETED_DATA: Kind = Kind::Object(&DELETED_FIELDS);

/// The envelope schema of a modelled event type. With `exact`, `event_type` must be that type
/// (for a guessed type); otherwise any string (the first pass already read it).
fn envelope_schema(event_type: &str, exact: bool) -> &'static Kind {
    macro_rules! envelope {
        ($data:expr, $event_type:expr) => {
            &Kind::Object(&[
                Field {
                    name: "data",
                    optional: false,
                    kind: $data,
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
    const CREATED: Kind = Kind::Literal(event_types::FLAG_CREATED);
    const DELETED: Kind = Kind::Literal(event_types::FLAG_DELETED);
    const VERSION: Kind = Kind::Literal(event_types::NEW_VERSION_PUBLISHED);
    const AUDIT: Kind = Kind::Literal(event_types::AUDIT_LOG_CREATED);
    const VERSION_DATA: Kind = <VersionPublished as Shape>::KIND;
    const AUDIT_DATA: Kind = <AuditLog as Shape>::KIND;
    match (event_type, exact) {
        (event_types::FLAG_UPDATED, true) => envelope!(&UPDATED_DATA, &UPDATED),
        (event_types::FLAG_CREATED, true) => envelope!(&UPDATED_DATA, &CREATED),
        (event_types::FLAG_DELETED, true) => envelope!(&DELETED_DATA, &DELETED),
        (event_types::NEW_VERSION_PUBLISHED, true) => envelope!(&VERSION_DATA, &VERSION),
        (_, true) => envelope!(&AUDIT_DATA, &AUDIT),
        (event_types::FLAG_UPDATED | event_types::FLAG_CREATED, false) => {
            envelope!(&UPDATED_DATA, &STR)
        }
        (event_types::FLAG_DELETED, false) => envelope!(&DELETED_DATA, &STR),
        (event_types::NEW_VERSION_PUBLISHED, false) => envelope!(&VERSION_DATA, &STR),
        (_, false) => envelope!(&AUDIT_DATA, &STR),
    }
}

/// The event type Flagsmith's bytes end with: keys are sorted, so `event_type` comes last and the
/// body ends `"event_type": "<TYPE>"}`. Only a guess, which the schema pass then confirms.
fn guess_event_type(body: &[u8]) -> Option<&'static str> {
    const TAIL: &[u8] = b"\"event_type\": \"";
    let end = body.strip_suffix(b"\"}")?;
    MODELLED.into_iter().find(|known| {
        end.strip_suffix(known.as_bytes())
            .is_some_and(|rest| rest.ends_with(TAIL))
    })
}

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
    input.run(Check {
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

/// Runs `check` over `input`, and once more knowing where the first long integer literal is
/// when a walk met a float that may have been one (see [`Cx`]).
fn with_scan<'de, I: Input<'de>, T>(input: &I, check: impl Fn(&I, &Scan) -> T) -> T {
    let scan = Scan::default();
    let first = check(input, &scan);
    if scan.suspect.get() {
        if let Some(found) = input.bytes().and_then(long_integer_literal) {
            let rescan = Scan {
                long_integer: Some(found),
                suspect: std::cell::Cell::new(false),
            };
            return check(input, &rescan);
        }
    }
    first
}

/// Checks that `input` is a payload the model accepts, and says what it is; otherwise the first
/// problem: `invalid_json` (with line and column) or `invalid_payload` (with the JSON path).
/// Memory: the walk's stack and the problem, never a tree of the input.
pub(crate) fn check<'de>(input: impl Input<'de>) -> Result<Class, Error> {
    with_scan(&input, check_input)
}

fn check_input<'de>(input: &impl Input<'de>, scan: &Scan) -> Result<Class, Error> {
    // One pass for Flagsmith's own bytes: the guessed type's schema, whose event_type must be
    // that very type. Anything else, including a problem it finds, is settled below.
    if let Some(guess) = input.guess() {
        if matches!(
            walk(input, envelope_schema(guess, true), None, scan),
            Ok(None)
        ) {
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
/// departs from the model (at most [`MAX_DEVIATIONS`]), empty when it conforms.
pub(crate) struct Tolerated {
    pub(crate) class: Option<Class>,
    pub(crate) deviations: Vec<Deviation>,
}

/// Like [`check`], but lists every deviation instead of failing on the first. Fails only when
/// the body is not JSON (`invalid_json`) or not a JSON object (`invalid_payload`).
pub(crate) fn tolerate<'de>(input: impl Input<'de>) -> Result<Tolerated, Error> {
    with_scan(&input, |input, scan| {
        // A conforming body (nearly every one) is settled by the strict check alone: one pass
        // for Flagsmith's own bytes.
        if let Ok(class) = check_input(input, scan) {
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
mod tests {
    use super::{check, Class};
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

    /// The classification the conversions assumed before the streaming check existed: used
    /// only to hold the check's problems to the conversions' own errors.
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
                event_types::NEW_VERSION_PUBLISHED => {
                    Class::Known(event_types::NEW_VERSION_PUBLISHED)
                }
                event_types::AUDIT_LOG_CREATED => Class::Known(event_types::AUDIT_LOG_CREATED),
                _ => Class::Unknown,
            },
        })
    }

    /// Rules the check enforces beyond the model's types, which the conversions do not know.
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

    /// One body: bytes and its `Value` get the same answer; what the check accepts converts;
    /// a type problem it reports is the very error the conversions give.
    fn judge(body: &[u8]) {
        let text = String::from_utf8_lossy(body);
        let from_bytes = check(body);
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
            check(&value),
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
                if let Some(class @ (Class::Known(_) | Class::Identity)) =
                    classify_as_before(&value)
                {
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
    /// check once walked a conforming body twice).
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
        assert_eq!(passes(&|| drop(check(&body[..]))), 1);
        assert_eq!(passes(&|| drop(super::tolerate(&body[..]))), 1);
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
        let problem = check(&found[..]).unwrap_err().to_string();
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
        assert_eq!(check(&value), Ok(Class::Unknown));
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
        let two =
            r#"{"data": {"b": 9007199254740993, "a": [9007199254740995]}, "event_type": "X"}"#;
        assert!(
            problem_of(two).contains("at `data.a[0]`"),
            "{}",
            problem_of(two)
        );
        judge(two.as_bytes());
    }

    fn problem_of(body: &str) -> String {
        match check(body.as_bytes()) {
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
                assert_eq!(check(&value).map_err(|e| e.to_string()), Err(problem));
            }
        }
    }

    /// The digit comparison against Rust's own correctly rounded parser, around both edges.
    #[test]
    fn float_range_agrees_with_str_parse() {
        use super::{float_range, FloatRange, OVERFLOW_DIGITS, UNDERFLOW_DIGITS};
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
        assert!(problem_of(&null_new_state)
            .contains("at `data.new_state`, expected an object, found null"));

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
}
