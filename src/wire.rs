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
/// For a parsed body this gives back the original bytes (numbers keep their written form).
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
    write_value(&mut out, value);
    out
}

fn write_value(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(number) => write_number(out, number),
        Value::String(text) => write_string(out, text),
        Value::Array(items) => {
            out.push('[');
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push_str(", ");
                }
                write_value(out, item);
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
                write_string(out, key);
                out.push_str(": ");
                write_value(out, item);
            }
            out.push('}');
        }
    }
}

/// Integers are written as they were (Python prints ints exactly); anything with a fraction or
/// an exponent is a float, printed as Python's `repr(float)`.
fn write_number(out: &mut String, number: &Number) {
    let written = number.to_string();
    let is_float = written.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'));
    match (is_float, written.parse::<f64>()) {
        (true, Ok(float)) if float.is_finite() => write_python_float(out, float),
        _ => out.push_str(&written),
    }
}

/// Python's `float.__repr__`: the shortest digits that round-trip (Rust's `{:e}` gives the
/// same digits), in fixed notation when the decimal exponent is in -4..16, else as
/// `d.ddde±XX`.
fn write_python_float(out: &mut String, float: f64) {
    let scientific = format!("{float:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    out.push_str(sign);
    if (-4..16).contains(&exponent) {
        if exponent < 0 {
            out.push_str("0.");
            for _ in 0..(-exponent - 1) {
                out.push('0');
            }
            out.push_str(&digits);
        } else {
            let integer_len = usize::try_from(exponent).unwrap_or(0) + 1;
            if digits.len() <= integer_len {
                out.push_str(&digits);
                for _ in digits.len()..integer_len {
                    out.push('0');
                }
                out.push_str(".0");
            } else {
                let (integer, fraction) = digits.split_at(integer_len);
                out.push_str(integer);
                out.push('.');
                out.push_str(fraction);
            }
        }
    } else {
        let (first, rest) = digits.split_at(1.min(digits.len()));
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
}

/// Python's `ensure_ascii` string encoder.
fn write_string(out: &mut String, text: &str) {
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

    fn float(f: f64) -> String {
        let mut out = String::new();
        write_python_float(&mut out, f);
        out
    }

    #[test]
    fn floats_print_as_python_repr() {
        // Each pair checked against `python3 -c 'print(repr(x))'`.
        let cases = [
            (50.0, "50.0"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (33.33, "33.33"),
            (66.66666666666667, "66.66666666666667"),
            (1e-05, "1e-05"),
            (1.5e-05, "1.5e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1.2345e16, "1.2345e+16"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (-2.5, "-2.5"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
        ];
        for (input, expected) in cases {
            assert_eq!(float(input), expected, "repr({input:e})");
        }
    }

    #[test]
    fn strings_escape_as_python_ensure_ascii() {
        let mut out = String::new();
        write_string(&mut out, "a\"\\\n\r\t\u{8}\u{c}\u{1}\u{7f}é🚀</>&");
        assert_eq!(
            out,
            r#""a\"\\\n\r\t\b\f\u0001\u007f\u00e9\ud83d\ude80</>&""#
        );
    }
}
