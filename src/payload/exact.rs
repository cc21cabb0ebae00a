//! A body as a `Value` whose floats are the doubles their text denotes, correctly rounded.
//!
//! serde_json's own float parsing is best effort unless its `float_roundtrip` feature is on (it
//! may land one unit in the last place away for long mantissas or large exponents), and that
//! feature, like any, would be unified into every program that depends on this crate. So the
//! body's number texts are read by a plain scan (`validate::number_tokens`), and each float is
//! parsed from its own text with `str::parse`, which rounds correctly, as `JSON.parse` does.
//! Integers keep serde_json's exact reading. Only for bodies the check accepted, natively (the
//! wasm module never builds a `Value`).

use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

use super::validate::{json_error, number_tokens, NUMBER_TOKEN};
use crate::error::Error;

/// Parses `body` into a `Value`, its floats read exactly from their text.
pub(crate) fn exact_value(body: &[u8]) -> Result<Value, Error> {
    let tokens: Vec<&[u8]> = number_tokens(body).collect();
    let next = Cell::new(0);
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = Exact {
        tokens: &tokens,
        next: &next,
    }
    .deserialize(&mut deserializer)
    .map_err(|error| json_error(&error))?;
    deserializer.end().map_err(|error| json_error(&error))?;
    Ok(value)
}

#[derive(Clone, Copy)]
struct Exact<'a> {
    /// Every number's text, in document order.
    tokens: &'a [&'a [u8]],
    /// The position of the next number.
    next: &'a Cell<usize>,
}

impl Exact<'_> {
    /// The next number's text (every number moves the position, integers included).
    fn next_token(&self) -> Option<&str> {
        let position = self.next.get();
        self.next.set(position + 1);
        self.tokens
            .get(position)
            .and_then(|token| std::str::from_utf8(token).ok())
    }

    fn float(&self, approximate: f64) -> Value {
        let exact = self
            .next_token()
            .and_then(|text| text.parse::<f64>().ok())
            .unwrap_or(approximate);
        Number::from_f64(exact).map_or(Value::Null, Value::Number)
    }
}

impl<'de> DeserializeSeed<'de> for Exact<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Exact<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Value, E> {
        self.next_token();
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Value, E> {
        self.next_token();
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Value, E> {
        Ok(self.float(value))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if object.is_empty() && key == NUMBER_TOKEN {
                // serde_json's form of a number when another crate of the program enables
                // arbitrary_precision (the check rejected any object with this key): its text.
                let text: String = map.next_value()?;
                self.next_token();
                return serde_json::from_str::<Number>(&text)
                    .map(Value::Number)
                    .map_err(de::Error::custom);
            }
            // The last of duplicate keys wins, as in serde_json's Value and JSON.parse.
            let value = map.next_value_seed(self)?;
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

#[cfg(test)]
mod tests {
    use super::exact_value;

    /// Found by the roundtrip fuzz target: serde_json's best-effort parse of a float with a
    /// long mantissa can be a unit in the last place off, so writing it and reading it back
    /// was not stable. Each of these must read as the correctly rounded double.
    #[test]
    fn floats_read_as_their_text_denotes() {
        for text in [
            "1147944444444444444444444444444444444444444444444444444444444444441.6666691453593",
            "1.1479444444444445e+66",
            "0.30000000000000004",
            "33.333333333333336",
            "9007199254740993.0",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
            "5e-324",
        ] {
            let value = exact_value(format!("[{text}, 7, {text}]").as_bytes()).unwrap();
            let expected: f64 = text.parse().unwrap();
            assert_eq!(value[0].as_f64(), Some(expected), "{text}");
            assert_eq!(value[1].as_u64(), Some(7));
            assert_eq!(value[2].as_f64(), Some(expected), "{text}");
        }
    }

    /// The fuzzer's input: written, read back and written again, it must not change.
    #[test]
    fn serialization_is_stable_for_long_mantissas() {
        let body = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/regressions/fuzz-roundtrip-long-mantissa.json"
        ))
        .unwrap();
        let event = crate::parse(&body).unwrap();
        let once = crate::to_flagsmith_json(&event);
        let again = crate::to_flagsmith_json(&crate::parse(once.as_bytes()).unwrap());
        assert_eq!(again, once);
    }
}
