//! Numbers as the check reads them: which number of a body is a long integer literal (found in
//! the bytes, since serde_json hands such a literal over as a float), and what a number's text
//! or value means for the rules (an integer JavaScript cannot hold, a float that overflows).

use super::problems::Sink;
use super::schema::MAX_SAFE_INTEGER;
use crate::text::excerpt;

/// What one walk over an input shares: where deviations go (a tolerant check), and the numbers
/// read so far, in document order.
///
/// serde_json (without `arbitrary_precision`) hands an integer literal too long for 64 bits
/// over as an `f64`, so the walk cannot tell `123456789012345678901234567890` (an integer
/// JavaScript cannot hold) from `1.2345678901234568e29`. When a float that could be such a
/// literal turns up, the body's bytes are scanned for long integer literals
/// ([`long_integer_literal`]) and the walk runs again knowing which number, by position, is one.
pub(crate) struct Cx<'s> {
    pub(super) sink: Option<&'s Sink>,
    pub(super) numbers: std::cell::Cell<usize>,
    pub(super) scan: &'s Scan,
}

/// What the checks of one input learn about its long integer literals.
#[derive(Default)]
pub(crate) struct Scan {
    /// The position of the first one and its text, once the bytes were scanned.
    pub(super) long_integer: Option<(usize, String)>,
    /// Whether a walk met a float that may have been one.
    pub(super) suspect: std::cell::Cell<bool>,
}

impl<'s> Cx<'s> {
    pub(super) fn new(sink: Option<&'s Sink>, scan: &'s Scan) -> Self {
        Cx {
            sink,
            numbers: std::cell::Cell::new(0),
            scan,
        }
    }

    /// Counts a number; the long integer literal's text when this number is the one the scan
    /// found.
    pub(super) fn next_number(&self) -> Option<&'s str> {
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
pub(super) fn long_integer_literal(body: &[u8]) -> Option<(usize, String)> {
    number_tokens(body)
        .enumerate()
        .find_map(|(position, token)| {
            let integer = !token.iter().any(|b| matches!(b, b'.' | b'e' | b'E'));
            let digits = token.strip_prefix(b"-").unwrap_or(token);
            let fits = std::str::from_utf8(digits).is_ok_and(|d| d.parse::<u64>().is_ok());
            (integer && !fits).then(|| (position, String::from_utf8_lossy(token).into_owned()))
        })
}

/// A number as it was read: its text (from bytes, or a `Value` whose text is not canonical),
/// or its value (from a `Value`).
#[derive(Clone, Copy)]
pub(super) enum NumberSeen<'a> {
    Text(&'a str),
    Integer(i128),
    Float(f64),
}

/// What a number is, as far as the rules care.
#[derive(Clone, Copy)]
pub(super) enum Reading {
    /// Written without a fraction or exponent: its value, or `None` beyond `i64`.
    Integer(Option<i64>),
    /// Anything else.
    Float,
}

impl NumberSeen<'_> {
    pub(super) fn reading(self) -> Reading {
        match self {
            // Parsed as i64, not i128: wasm has no 128-bit arithmetic, and this runs per number.
            NumberSeen::Text(text) if !text.contains(['.', 'e', 'E']) => {
                Reading::Integer(text.parse().ok())
            }
            NumberSeen::Text(_) | NumberSeen::Float(_) => Reading::Float,
            NumberSeen::Integer(value) => Reading::Integer(i64::try_from(value).ok()),
        }
    }

    pub(super) fn shown(self) -> String {
        match self {
            NumberSeen::Text(text) => excerpt(text),
            NumberSeen::Integer(value) => value.to_string(),
            NumberSeen::Float(value) => serde_json::Number::from_f64(value)
                // JSON has no NaN or infinity; the fallback spares the module core's float
                // formatting (serde_json's Number prints with ryu).
                .map_or_else(
                    || "a non-finite number".to_owned(),
                    |number| number.to_string(),
                ),
        }
    }

    /// Why JavaScript's `JSON.parse` would not read this number as the same value, if so.
    pub(super) fn unrepresentable(self, reading: Reading) -> Option<String> {
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
pub(super) const OVERFLOW_DIGITS: &str = concat!(
    "17976931348623158079372897140530341507993413271003782693617377898044496829276475",
    "09466490179775872070963302864166928879109465555478519404026306574886715058206819",
    "08902000708383676273854845817711531764475730270069855571366959622842914819860834",
    "936475292719074168444365510704342711559699508093042880177904174497792",
);
/// The significant digits of 2^-1075, halfway between 0 and the smallest subnormal: a number
/// at most `0.` these digits `× 10^-323` rounds to zero (ties go to the even 0). Exact.
pub(super) const UNDERFLOW_DIGITS: &str = concat!(
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
pub(super) enum FloatRange {
    Finite,
    /// Rounds to an infinity.
    Overflows,
    /// Nonzero, but rounds to zero.
    Underflows,
}

pub(super) fn float_range(text: &str) -> FloatRange {
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
