//! Flagsmith's wire format: Python's `json.dumps(payload, sort_keys=True)`.
//!
//! Written by hand because no serializer reproduces it byte for byte: serde_json (and every
//! JavaScript serializer) writes compact separators, raw UTF-8 and shortest-form floats,
//! whereas Python writes `", "` and `": "`, `\uXXXX` escapes for everything outside printable
//! ASCII, and floats in `repr` form (`50.0`, `1e-05`, `1e+16`).

use std::fmt::Write as _;

use serde_json::{Number, Value};

use crate::payload::{Event, ToJson};

/// Serializes `event` exactly as Flagsmith's server would send it, so that signing the result
/// gives the signature Flagsmith would send.
///
/// For a parsed Flagsmith body this gives back the original bytes. (A float written with more
/// digits than it needs, which Flagsmith never does, comes back in its shortest form.)
pub fn to_flagsmith_json(event: &Event) -> String {
    value_to_flagsmith_json(&event.to_json())
}

/// Serializes any JSON value in Flagsmith's wire format: keys sorted at every level, `", "`
/// and `": "` separators, ASCII only, floats as Python prints them.
///
/// ```
/// let value = serde_json::json!({"b": [1, 0.5, 1e-5], "a": "Grüße 🚀"});
/// assert_eq!(
///     flagsmith_webhooks::value_to_flagsmith_json(&value),
///     r#"{"a": "Gr\u00fc\u00dfe \ud83d\ude80", "b": [1, 0.5, 1e-05]}"#
/// );
/// ```
pub fn value_to_flagsmith_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Escape::Ascii);
    out
}

/// The same format with non-ASCII characters left as they are, for text meant for people
/// (summaries, diffs shown in logs). Not Flagsmith's wire format.
pub(crate) fn value_to_display_json(value: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, value, Escape::ControlOnly);
    out
}

/// Whether non-ASCII characters are escaped (Flagsmith's wire format) or kept (display).
#[derive(Clone, Copy, PartialEq)]
enum Escape {
    Ascii,
    ControlOnly,
}

fn write_value(out: &mut String, value: &Value, escape: Escape) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text, escape),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_value(out, item, escape);
            }
            out.push(']');
        }
        Value::Object(map) => {
            // serde_json's Map is a BTreeMap here (no preserve_order): iteration is sorted by
            // UTF-8 bytes, which is the code-point order Python's sort_keys uses.
            out.push('{');
            for (index, (key, item)) in map.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_string(out, key, escape);
                out.push_str(": ");
                write_value(out, item, escape);
            }
            out.push('}');
        }
    }
}

/// Integers are written as they are (Python prints ints exactly); a float (a number written
/// with a fraction or an exponent) as Python's `repr(float)`.
fn write_number(out: &mut String, number: &Number) {
    match number.as_f64() {
        Some(float) if number.is_f64() => out.push_str(&python_float_repr(float)),
        _ => {
            // Writing to a String cannot fail.
            let _ = write!(out, "{number}");
        }
    }
}

/// Python's `repr` of a float.
pub(crate) fn python_float_repr(value: f64) -> String {
    python_float_text(&format!("{value:e}"))
}

/// Python's `repr` of the float that the JSON number `text` denotes.
///
/// Python's `repr`, JavaScript's `Number#toString`, Rust's float formatting and serde_json all
/// write the *shortest* digits that round-trip, so only the layout differs: Python uses fixed
/// notation for decimal exponents in -4..16 and `d.ddde±XX` otherwise. The digits are those of
/// the `f64` the text rounds to, as `JSON.parse` reads it, so a number written with more digits
/// than a double holds (never the case for Flagsmith) prints as it does in JavaScript. (Native
/// only: the wasm module has no serializer, so no float parsing or printing.)
pub(crate) fn python_float_text(text: &str) -> String {
    let shortest = text
        .parse::<f64>()
        .ok()
        .filter(|value| value.is_finite())
        .map(|value| format!("{value:e}"));
    let text = shortest.as_deref().unwrap_or(text);
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(at) => (
            unsigned.get(..at).unwrap_or(""),
            unsigned.get(at + 1..).unwrap_or("0"),
        ),
        None => (unsigned, "0"),
    };
    let exponent: i64 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .unwrap_or(0);
    let (integer, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits: String = integer.chars().chain(fraction.chars()).collect();
    let leading_zeros = all_digits.bytes().take_while(|&b| b == b'0').count();
    let digits = all_digits
        .get(leading_zeros..)
        .unwrap_or("")
        .trim_end_matches('0');
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if digits.is_empty() {
        out.push_str("0.0");
        return out;
    }
    // Decimal exponent of the first significant digit.
    let point = i64::try_from(integer.len()).unwrap_or(0);
    let zeros = i64::try_from(leading_zeros).unwrap_or(0);
    let exponent = point - 1 - zeros + exponent;
    let count = i64::try_from(digits.len()).unwrap_or(0);
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(-exponent - 1).unwrap_or(0),
            ));
            out.push_str(digits);
        } else if count <= exponent + 1 {
            out.push_str(digits);
            out.extend(std::iter::repeat_n(
                '0',
                usize::try_from(exponent + 1 - count).unwrap_or(0),
            ));
            out.push_str(".0");
        } else {
            let (whole, rest) = digits.split_at(usize::try_from(exponent + 1).unwrap_or(0));
            out.push_str(whole);
            out.push('.');
            out.push_str(rest);
        }
    } else {
        let (first, rest) = digits.split_at(1);
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let _ = write!(
            out,
            "e{}{:02}",
            if exponent < 0 { '-' } else { '+' },
            exponent.unsigned_abs()
        );
    }
    out
}

/// Python's `ensure_ascii` string encoder (with `Escape::ControlOnly`, `ensure_ascii=False`).
fn write_string(out: &mut String, text: &str, escape: Escape) {
    out.push('"');
    for ch in text.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            ' '..='~' => out.push(ch),
            _ if escape == Escape::ControlOnly && ch > '\u{7f}' => out.push(ch),
            _ => {
                let mut units = [0u16; 2];
                for unit in ch.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_repr() {
        // (how JavaScript, Rust or Flagsmith may write it, what python3 repr() prints)
        let cases = [
            ("50", "50.0"),
            ("50.0", "50.0"),
            ("0", "0.0"),
            ("-0", "-0.0"),
            ("-0.0", "-0.0"),
            ("33.33", "33.33"),
            ("66.66666666666667", "66.66666666666667"),
            ("1e-5", "1e-05"),
            ("1e-05", "1e-05"),
            ("0.00001", "1e-05"),
            ("1.5e-7", "1.5e-07"),
            ("0.0001", "0.0001"),
            ("1e16", "1e+16"),
            ("1e+21", "1e+21"),
            ("10000000000000000", "1e+16"),
            ("123456789012345680000", "1.2345678901234568e+20"),
            ("1.2345e16", "1.2345e+16"),
            ("123456789012345.6", "123456789012345.6"),
            ("1e15", "1000000000000000.0"),
            ("-2.5", "-2.5"),
            ("1.50", "1.5"),
            ("0.000001", "1e-06"),
            ("1E300", "1e+300"),
            ("5e-324", "5e-324"),
            ("12.5E1", "125.0"),
        ];
        for (input, expected) in cases {
            assert_eq!(python_float_text(input), expected, "{input}");
        }
    }

    #[test]
    fn strings_escape_as_python_ensure_ascii() {
        let mut out = String::new();
        write_string(
            &mut out,
            "a\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é🚀</>&",
            Escape::Ascii,
        );
        assert_eq!(
            out,
            r#""a\"\\\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude80</>&""#
        );
    }
}
