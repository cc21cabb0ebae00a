//! Conversion between `serde_json::Value` and the model, with JSON paths in errors.
//!
//! Hand-written rather than `#[derive(Deserialize)]`: derive instantiates every struct's
//! visitor for each deserializer it meets (and `flatten` adds content buffering), which made
//! the wasm module four times larger than the budget; these conversions are compiled once.
//! The `record!` macro writes the per-struct code.

use std::fmt;

use serde_json::{Map, Number, Value};

use crate::error::Error;
use crate::text::excerpt;

/// Fields a struct does not model, kept as they came.
pub type Extra = Map<String, Value>;

/// Where in the body a value sits, built on the stack while descending and turned into text
/// only when there is an error.
#[derive(Clone, Copy)]
pub(crate) enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

/// Keys come from the payload: shown as a short excerpt with control characters escaped.
impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root => Ok(()),
            Path::Key(Path::Root, key) => f.write_str(&excerpt(key)),
            Path::Key(parent, key) => write!(f, "{parent}.{}", excerpt(key)),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
        }
    }
}

pub(crate) fn invalid(path: &Path<'_>, reason: impl Into<String>) -> Error {
    let path = path.to_string();
    Error::InvalidPayload {
        path: if path.is_empty() {
            "(the top level)".into()
        } else {
            path
        },
        reason: reason.into(),
    }
}

/// How an error names the type of a JSON value it found ("a string", "null").
pub(crate) fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn mismatch(expected: &str, found: &Value, path: &Path<'_>) -> Error {
    invalid(
        path,
        format!("expected {expected}, found {}", type_name(found)),
    )
}

/// Builds a model value from JSON, or says where and why it does not fit.
pub(crate) trait FromJson: Sized {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error>;
}

/// Turns a model value back into JSON, unknown fields included.
pub trait ToJson {
    /// The value as JSON, with every field it was parsed from.
    fn to_json(&self) -> Value;
}

impl FromJson for bool {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        value
            .as_bool()
            .ok_or_else(|| mismatch("a boolean", &value, path))
    }
}

impl FromJson for i64 {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match &value {
            Value::Number(number) => number.as_i64().ok_or_else(|| {
                invalid(
                    path,
                    format!(
                        "expected an integer, found the number {}",
                        excerpt(&number.to_string())
                    ),
                )
            }),
            other => Err(mismatch("an integer", other, path)),
        }
    }
}

impl FromJson for String {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::String(text) => Ok(text),
            other => Err(mismatch("a string", &other, path)),
        }
    }
}

impl FromJson for Number {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::Number(number) => Ok(number),
            other => Err(mismatch("a number", &other, path)),
        }
    }
}

/// A nullable value: JSON null is `None`.
impl<T: FromJson> FromJson for Option<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(None),
            other => T::from_json(other, path).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| T::from_json(item, &Path::Index(path, index)))
                .collect(),
            other => Err(mismatch("an array", &other, path)),
        }
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::Number((*self).into())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        Value::String(self.clone())
    }
}

impl ToJson for Number {
    fn to_json(&self) -> Value {
        Value::Number(self.clone())
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        Value::Array(self.iter().map(ToJson::to_json).collect())
    }
}

pub(crate) fn expect_object(value: Value, path: &Path<'_>) -> Result<Extra, Error> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(mismatch("an object", &other, path)),
    }
}

/// A field that must be present (it may still be null when `T` is an `Option`).
pub(crate) fn take_required<T: FromJson>(
    map: &mut Extra,
    key: &str,
    path: &Path<'_>,
) -> Result<T, Error> {
    let here = Path::Key(path, key);
    match map.remove(key) {
        Some(value) => T::from_json(value, &here),
        None => Err(invalid(&here, "the field is missing")),
    }
}

/// A field that may be absent (`None`); when present it must fit `T`.
pub(crate) fn take_optional<T: FromJson>(
    map: &mut Extra,
    key: &str,
    path: &Path<'_>,
) -> Result<Option<T>, Error> {
    map.remove(key)
        .map(|value| T::from_json(value, &Path::Key(path, key)))
        .transpose()
}

/// The JSON key of a field: its name without a raw-identifier prefix (`r#type` is `type`).
pub(crate) const fn key_of(field: &'static str) -> &'static str {
    match field.as_bytes() {
        [b'r', b'#', ..] => field.split_at(2).1,
        _ => field,
    }
}

/// Declares a model struct with Flagsmith's field names, so that one declaration is the only
/// statement of each type's fields. It generates five things:
///
/// - the struct, with `Debug, Clone, PartialEq` and an `extra` map for unknown fields;
/// - `FromJson`: the conversion from a `Value`, taking each field (an error names its path);
/// - `ToJson`: the conversion back, fields then `extra`;
/// - `Shape`: the schema that validation (`validate.rs`, `quick.rs`) reads the bytes against;
/// - serde's `Serialize` and `Deserialize`, through the two conversions (`json_serde!`).
///
/// A field marked `@optional` may be absent (its type is an `Option` whose `None` means absent);
/// every other field must be present. The `@take`, `@shape` and `@put` arms are the per-field
/// pieces of the three conversions.
macro_rules! record {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $(@$optional:ident)? pub $field:ident : $ty:ty,
            )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        pub struct $name {
            $(
                $(#[$field_meta])*
                pub $field: $ty,
            )*
            /// Fields this version does not model, kept as they came.
            pub extra: $crate::payload::convert::Extra,
        }

        impl $crate::payload::convert::FromJson for $name {
            fn from_json(
                value: serde_json::Value,
                path: &$crate::payload::convert::Path<'_>,
            ) -> Result<Self, $crate::Error> {
                #[allow(unused_mut)]
                let mut map = $crate::payload::convert::expect_object(value, path)?;
                Ok($name {
                    $(
                        $field: record!(@take $($optional)? map,
                            $crate::payload::convert::key_of(stringify!($field)), path),
                    )*
                    extra: map,
                })
            }
        }

        impl $crate::payload::convert::ToJson for $name {
            fn to_json(&self) -> serde_json::Value {
                let mut map = self.extra.clone();
                $(
                    record!(@put $($optional)? map,
                        $crate::payload::convert::key_of(stringify!($field)), &self.$field);
                )*
                serde_json::Value::Object(map)
            }
        }

        impl $crate::payload::schema::Shape for $name {
            const KIND: $crate::payload::schema::Kind = $crate::payload::schema::Kind::Object(&[
                $( record!(@shape $($optional)? $field, $ty), )*
            ]);
        }

        $crate::payload::convert::json_serde!($name);
    };
    (@take $map:ident, $key:expr, $path:ident) => {
        $crate::payload::convert::take_required(&mut $map, $key, $path)?
    };
    (@take optional $map:ident, $key:expr, $path:ident) => {
        $crate::payload::convert::take_optional(&mut $map, $key, $path)?
    };
    (@shape $field:ident, $ty:ty) => {
        $crate::payload::schema::Field {
            name: $crate::payload::convert::key_of(stringify!($field)),
            optional: false,
            kind: &<$ty as $crate::payload::schema::Shape>::KIND,
        }
    };
    (@shape optional $field:ident, $ty:ty) => {
        $crate::payload::schema::Field {
            name: $crate::payload::convert::key_of(stringify!($field)),
            optional: true,
            kind: &<$ty as $crate::payload::schema::OptionalShape>::INNER,
        }
    };
    (@put $map:ident, $key:expr, $value:expr) => {
        $map.insert($key.into(), $crate::payload::convert::ToJson::to_json($value));
    };
    (@put optional $map:ident, $key:expr, $value:expr) => {
        if let Some(value) = $value {
            $map.insert($key.into(), $crate::payload::convert::ToJson::to_json(value));
        }
    };
}

pub(crate) use record;

/// `Serialize` and `Deserialize` for a model type, in Flagsmith's JSON form, through its
/// `ToJson` and `FromJson` conversions: what `Serialize` writes, `Deserialize` reads back, so a
/// parsed state can go into a queue message or a database row and come out the same. Written
/// through `Value` rather than derived, for the reason at the top of this file.
macro_rules! json_serde {
    ($name:ty) => {
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(
                    &$crate::payload::convert::ToJson::to_json(self),
                    serializer,
                )
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                <Self as $crate::payload::convert::FromJson>::from_json(
                    value,
                    &$crate::payload::convert::Path::Root,
                )
                .map_err(serde::de::Error::custom)
            }
        }
    };
}

pub(crate) use json_serde;
