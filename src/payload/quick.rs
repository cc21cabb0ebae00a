//! A quick yes for a body that plainly conforms: one pass over its bytes against a schema,
//! without serde.
//!
//! Nearly every body a receiver validates is Flagsmith's own, and conforms. The streaming walk
//! in `validate` reads it through serde_json's visitors, which cost about as much as `JSON.parse`
//! itself (issue 15 measured validation at a third of `verifyAndParse`). This scanner answers
//! only "it conforms" or "ask the walk": it says yes when the body is JSON that the walk would
//! accept, and bails out on anything unusual (escaped keys, numbers that are not short plain
//! integers or decimals, surrogate escapes, duplicate known keys, deep nesting), leaving every
//! error and its message to the walk. So it can make validation faster, never different; the
//! tests and the parse fuzz target hold it to that.
//!
//! Written by hand because no JSON crate validates against a schema without building values
//! or going through serde's visitors, which is the cost this avoids.

use super::problems::{accepts, number_wanted, Scalar};
use super::schema::{Field, Kind, ANY};

/// Nesting deeper than this is left to the walk (serde_json stops at 128).
const MAX_DEPTH: usize = 100;
/// Integer literals up to this many digits are below 2^53, so JavaScript holds them exactly.
const SAFE_DIGITS: usize = 15;
/// A decimal of at most 15 + 20 digits without an exponent neither overflows nor underflows a
/// 64-bit float.
const FRACTION_DIGITS: usize = 20;

/// Whether `body` is one JSON value that conforms to `kind` in every respect validation
/// enforces. `false` means "not plainly": the walk decides.
pub(crate) fn conforms(body: &[u8], kind: &Kind) -> bool {
    let mut reader = Reader { bytes: body, at: 0 };
    reader.value(kind, 0).is_some() && {
        reader.skip_whitespace();
        reader.at == body.len()
    }
}

/// Whether any of the eight bytes of `word` ends a plain run of a string: `"`, `\\`, a control
/// character or a byte of a non-ASCII character. Eight bytes at a time, because strings are
/// most of a body (the classic "has a zero byte" test, on the bytes XORed with each wanted
/// value; exact for "any", which is all this asks).
fn needs_a_look(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |value: u64| value.wrapping_sub(ONES) & !value;
    let quote = has_zero(word ^ (ONES * u64::from(b'"')));
    let backslash = has_zero(word ^ (ONES * u64::from(b'\\')));
    let control = word.wrapping_sub(ONES * 0x20) & !word;
    (quote | backslash | control | word) & HIGH != 0
}

/// Byte equality without a call to `memcmp`, which in wasm is a byte loop behind a call: keys
/// are short, and compared once or twice each.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y)
}

/// A position in the body. Each method returns `None` to bail out.
struct Reader<'b> {
    bytes: &'b [u8],
    at: usize,
}

impl<'b> Reader<'b> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Skips whitespace, then `byte`.
    fn expect(&mut self, byte: u8) -> Option<()> {
        self.skip_whitespace();
        (self.peek()? == byte).then(|| self.at += 1)
    }

    fn word(&mut self, word: &[u8]) -> Option<()> {
        let end = self.at.checked_add(word.len())?;
        (self.bytes.get(self.at..end)? == word).then(|| self.at = end)
    }

    fn value(&mut self, kind: &Kind, depth: usize) -> Option<()> {
        self.skip_whitespace();
        let scalar = match self.peek()? {
            b'{' => return self.object(kind, depth),
            b'[' => return self.array(kind, depth),
            b'"' => {
                let (text, plain) = self.string()?;
                return match kind {
                    Kind::Literal(wanted) => (plain && same(text, wanted.as_bytes())).then_some(()),
                    _ => accepts(kind, Scalar::Str).then_some(()),
                };
            }
            b't' => self.word(b"true").map(|()| Scalar::Bool)?,
            b'f' => self.word(b"false").map(|()| Scalar::Bool)?,
            b'n' => self.word(b"null").map(|()| Scalar::Null)?,
            _ => return self.number(kind),
        };
        accepts(kind, scalar).then_some(())
    }

    fn object(&mut self, kind: &Kind, depth: usize) -> Option<()> {
        let fields: &[Field] = match kind {
            Kind::Any => &[],
            Kind::Object(fields) | Kind::Nullable(Kind::Object(fields)) => fields,
            _ => return None,
        };
        if depth >= MAX_DEPTH {
            return None;
        }
        self.at += 1;
        let mut seen: u64 = 0;
        let mut next = 0;
        self.skip_whitespace();
        if self.peek()? == b'}' {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek()? != b'"' {
                    return None;
                }
                let (key, plain) = self.string()?;
                // Escaped keys, and serde_json's reserved keys (both start with `$`).
                if !plain || key.first() == Some(&b'$') {
                    return None;
                }
                self.expect(b':')?;
                // Flagsmith sorts keys, as the fields are declared: try the next field first.
                let found = match fields.get(next) {
                    Some(field) if same(field.name.as_bytes(), key) => Some(next),
                    _ => fields
                        .iter()
                        .position(|field| same(field.name.as_bytes(), key)),
                };
                if let Some(index) = found {
                    next = index + 1;
                }
                match found {
                    Some(index) => {
                        let bit = 1u64.checked_shl(u32::try_from(index).ok()?)?;
                        if seen & bit != 0 {
                            return None;
                        }
                        seen |= bit;
                        self.value(fields.get(index)?.kind, depth + 1)?;
                    }
                    None => self.value(&ANY, depth + 1)?,
                }
                self.skip_whitespace();
                match self.peek()? {
                    b',' => self.at += 1,
                    b'}' => {
                        self.at += 1;
                        break;
                    }
                    _ => return None,
                }
            }
        }
        let complete = fields
            .iter()
            .enumerate()
            .all(|(index, field)| field.optional || seen & (1 << index) != 0);
        complete.then_some(())
    }

    fn array(&mut self, kind: &Kind, depth: usize) -> Option<()> {
        let item = match kind {
            Kind::Any => &ANY,
            Kind::Array(item) | Kind::Nullable(Kind::Array(item)) => *item,
            _ => return None,
        };
        if depth >= MAX_DEPTH {
            return None;
        }
        self.at += 1;
        self.skip_whitespace();
        if self.peek()? == b']' {
            self.at += 1;
            return Some(());
        }
        loop {
            self.value(item, depth + 1)?;
            self.skip_whitespace();
            match self.peek()? {
                b',' => self.at += 1,
                b']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// A string at the opening quote: its raw bytes (escapes as written), and whether it has
    /// no escapes. Checks what serde_json checks: escapes, control characters, UTF-8.
    fn string(&mut self) -> Option<(&'b [u8], bool)> {
        self.at += 1;
        let start = self.at;
        let mut plain = true;
        let mut ascii = true;
        loop {
            // The plain run up to the next byte that needs a look: most of a body.
            let rest = self.bytes.get(self.at..)?;
            let plain_words = rest
                .chunks_exact(8)
                .take_while(|chunk| {
                    let word = <[u8; 8]>::try_from(*chunk).map_or(0, u64::from_le_bytes);
                    !needs_a_look(word)
                })
                .count();
            self.at += plain_words * 8;
            let rest = self.bytes.get(self.at..)?;
            self.at += rest
                .iter()
                .position(|&byte| matches!(byte, b'"' | b'\\' | 0..=0x1f | 0x80..))?;
            match self.peek()? {
                b'"' => break,
                b'\\' => {
                    plain = false;
                    match *self.bytes.get(self.at + 1)? {
                        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => self.at += 2,
                        b'u' => match self.unicode_escape()? {
                            // A surrogate pair (Python writes emoji so); a lone one is left
                            // to the walk, which says how it fails.
                            0xD800..=0xDBFF if self.peek() == Some(b'\\') => {
                                let low = self.unicode_escape()?;
                                if !(0xDC00..=0xDFFF).contains(&low) {
                                    return None;
                                }
                            }
                            0xD800..=0xDFFF => return None,
                            _ => {}
                        },
                        _ => return None,
                    }
                }
                0..=0x1f => return None,
                0x80.. => {
                    ascii = false;
                    self.at += 1;
                }
                _ => self.at += 1,
            }
        }
        let text = self.bytes.get(start..self.at)?;
        self.at += 1;
        if !ascii {
            std::str::from_utf8(text).ok()?;
        }
        Some((text, plain))
    }

    /// A `\\uXXXX` escape at the backslash: its code unit.
    fn unicode_escape(&mut self) -> Option<u16> {
        let escape = self.bytes.get(self.at..self.at + 6)?;
        let (b"\\u", hex) = escape.split_at(2) else {
            return None;
        };
        let code = hex.iter().try_fold(0u16, |code, digit| {
            let value = char::from(*digit).to_digit(16)?;
            Some(code << 4 | u16::try_from(value).ok()?)
        })?;
        self.at += 6;
        Some(code)
    }

    /// A number: only plain integers of at most [`SAFE_DIGITS`] digits, and, where a kind takes
    /// any number, short decimals without an exponent.
    fn number(&mut self, kind: &Kind) -> Option<()> {
        let integer_wanted = number_wanted(kind)?;
        let negative = self.peek()? == b'-';
        if negative {
            self.at += 1;
        }
        let whole = self.digits();
        match self.bytes.get(self.at - whole..self.at)? {
            // serde_json reads `-0` as a float.
            [b'0'] if negative => return None,
            [b'0'] => {}
            [b'1'..=b'9', ..] if whole <= SAFE_DIGITS => {}
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            if integer_wanted {
                return None;
            }
            self.at += 1;
            if !(1..=FRACTION_DIGITS).contains(&self.digits()) {
                return None;
            }
        }
        (!matches!(self.peek(), Some(b'e' | b'E'))).then_some(())
    }

    /// Skips ASCII digits; how many.
    fn digits(&mut self) -> usize {
        let start = self.at;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
        self.at - start
    }
}
