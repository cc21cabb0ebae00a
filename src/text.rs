//! Payload text made safe to print: control and bidirectional characters escaped visibly, and
//! long values cut to a short excerpt.
//!
//! Feature names, `changed_by` and identity identifiers (which come from SDK end users) can hold
//! anything. Written raw to a terminal or a log, an ESC sequence clears the screen or retitles
//! the window, CR and LF forge log lines, and a right-to-left override reorders what a reader
//! sees. Everything the library writes for people (`describe`, error messages) goes through
//! [`escape_controls`]; `pkg/lib/text.js` is its JavaScript twin, and both are held to the
//! `display_text` cases of `tests/vectors.json`.

use std::borrow::Cow;
use std::fmt::Write;

/// Whether `c` must not reach a terminal or a log line as it is: C0 controls, DEL, C1 controls,
/// the bidirectional marks, embeddings, overrides and isolates, and the Unicode line and
/// paragraph separators.
pub(crate) fn is_unsafe_char(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{061c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `text` with every [unsafe](is_unsafe_char) character written as a visible escape: `\n`,
/// `\r` and `\t` as such, the others as `\uXXXX`. Borrowed when there is nothing to escape.
pub(crate) fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_unsafe_char(c) => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// The most characters of payload text an error message quotes.
pub(crate) const EXCERPT_CHARS: usize = 40;

/// At most [`EXCERPT_CHARS`] characters of `text`, escaped, with a note of how much was left
/// out, so that an error about a 500,000-digit number stays one short line.
pub(crate) fn excerpt(text: &str) -> String {
    let total = text.chars().count();
    if total <= EXCERPT_CHARS {
        return escape_controls(text).into_owned();
    }
    let head: String = text.chars().take(EXCERPT_CHARS).collect();
    format!("{}… ({} characters in all)", escape_controls(&head), total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(escape_controls("plain ünïcode 🚀"), "plain ünïcode 🚀");
        assert_eq!(
            escape_controls("a\u{1b}[2Jb\r\nc\u{202e}d\u{85}\t\u{7f}"),
            "a\\u001b[2Jb\\r\\nc\\u202ed\\u0085\\t\\u007f"
        );
    }

    #[test]
    fn excerpts_are_short() {
        let long = "9".repeat(500_000);
        let cut = excerpt(&long);
        assert!(cut.len() < 80, "{cut}");
        assert!(cut.ends_with("(500000 characters in all)"), "{cut}");
        assert_eq!(excerpt("short"), "short");
    }
}
