//! The one error type of the crate, with stable codes.

use std::fmt;

/// Everything that can go wrong when verifying or parsing a webhook.
///
/// Each variant has a stable snake_case [`code`](Error::code), which JavaScript sees as
/// `error.code`, and a message that says what to do about it. No message ever contains a
/// secret; none echoes the body either, only positions in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The request carried no `X-Flagsmith-Signature` header (or an empty one).
    MissingSignature,
    /// A signature was present but none of its candidates is 64 hexadecimal characters.
    MalformedSignature {
        /// What was wrong with the candidates, without repeating them in full.
        reason: String,
    },
    /// A well-formed signature did not match the body under any of the secrets.
    SignatureMismatch {
        /// The most likely cause that could be seen from the body and the secrets.
        cause: MismatchCause,
    },
    /// The body is not JSON.
    InvalidJson {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the JSON parser expected.
        reason: String,
    },
    /// The body is JSON but not a payload Flagsmith sends.
    InvalidPayload {
        /// JSON path of the offending value, for example `data.new_state.enabled`.
        path: String,
        /// What was expected there.
        reason: String,
    },
    /// No usable secret was given (none at all, or an empty one).
    InvalidSecret {
        /// What was wrong.
        reason: String,
    },
}

/// Why a well-formed signature did not match, as far as the library can tell.
///
/// Found by looking at the body (does it still look like the bytes Flagsmith sent?) and by
/// trying the secrets trimmed of whitespace; none of this runs unless verification failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MismatchCause {
    /// A configured secret has leading or trailing whitespace, and the trimmed secret matches.
    SecretWhitespace,
    /// The body ends in a newline or spaces that Flagsmith never sends; without them it matches.
    TrailingWhitespace,
    /// The body contains line breaks or indentation: it was pretty-printed after receipt.
    PrettyPrinted,
    /// The body contains raw non-ASCII bytes, where Flagsmith sends `\uXXXX` escapes.
    RawNonAscii,
    /// The body uses `,` and `:` without the following space that Flagsmith writes.
    CompactSeparators,
    /// The body is empty.
    EmptyBody,
    /// The body looks like Flagsmith's wire format: the secret is wrong or the body was altered.
    WrongSecretOrAlteredBody,
}

impl MismatchCause {
    /// A stable snake_case name for the cause; JavaScript sees it as `error.hint`.
    pub fn code(self) -> &'static str {
        match self {
            MismatchCause::SecretWhitespace => "secret_whitespace",
            MismatchCause::TrailingWhitespace => "trailing_whitespace",
            MismatchCause::PrettyPrinted => "pretty_printed",
            MismatchCause::RawNonAscii => "raw_non_ascii",
            MismatchCause::CompactSeparators => "compact_separators",
            MismatchCause::EmptyBody => "empty_body",
            MismatchCause::WrongSecretOrAlteredBody => "wrong_secret_or_altered_body",
        }
    }

    fn advice(self) -> &'static str {
        match self {
            MismatchCause::SecretWhitespace => {
                "the secret you configured has leading or trailing whitespace, and without it \
                 the signature matches (Flagsmith trims secrets when they are saved). Remove \
                 the whitespace from your configured secret."
            }
            MismatchCause::TrailingWhitespace => {
                "the body ends in whitespace that Flagsmith never sends, and without it the \
                 signature matches: something (a log copy, an editor, a test) appended a \
                 newline. Use the raw request bytes."
            }
            MismatchCause::PrettyPrinted => {
                "the body contains line breaks or indentation, which Flagsmith never sends: \
                 it was pretty-printed after it was received. Verify the raw request bytes \
                 exactly as received, before any JSON body parser or JSON.stringify touches \
                 them."
            }
            MismatchCause::RawNonAscii => {
                "the body contains raw non-ASCII characters, where Flagsmith sends \\uXXXX \
                 escapes: it was re-serialised after it was received. Verify the raw request \
                 bytes exactly as received, before any JSON body parser or JSON.stringify \
                 touches them."
            }
            MismatchCause::CompactSeparators => {
                "the body uses ',' and ':' without the space Flagsmith writes after them: it \
                 was re-serialised (JSON.stringify, serde_json, a framework's JSON body \
                 parser) after it was received. Verify the raw request bytes exactly as \
                 received, before any JSON body parser or JSON.stringify touches them."
            }
            MismatchCause::EmptyBody => {
                "the body is empty: the request body was not read, or was already consumed \
                 by a body parser. Verify the raw request bytes."
            }
            MismatchCause::WrongSecretOrAlteredBody => {
                "the body looks like what Flagsmith sends, so the secret is most likely not \
                 the one configured on this webhook in Flagsmith (check the environment or \
                 organisation it belongs to), or the body was altered in transit."
            }
        }
    }
}

impl Error {
    /// The stable snake_case code of this error, the same string JavaScript sees as
    /// `error.code`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::MissingSignature => "missing_signature",
            Error::MalformedSignature { .. } => "malformed_signature",
            Error::SignatureMismatch { .. } => "signature_mismatch",
            Error::InvalidJson { .. } => "invalid_json",
            Error::InvalidPayload { .. } => "invalid_payload",
            Error::InvalidSecret { .. } => "invalid_secret",
        }
    }

    /// For a signature mismatch, the diagnosed cause.
    pub fn mismatch_cause(&self) -> Option<MismatchCause> {
        match self {
            Error::SignatureMismatch { cause } => Some(*cause),
            _ => None,
        }
    }

    /// Whether the request failed authentication: no signature, a malformed one, or one that
    /// does not match. Nothing in such a request can be trusted.
    pub fn is_signature_problem(&self) -> bool {
        matches!(
            self,
            Error::MissingSignature
                | Error::MalformedSignature { .. }
                | Error::SignatureMismatch { .. }
        )
    }

    /// The status a receiver answers with, as the JavaScript receivers do: 401 for a signature
    /// problem, 400 for a signed body that is not JSON or (in `parse`) not a Flagsmith payload,
    /// 500 for a receiver that is not configured (no usable secret). With tolerant receiving
    /// ([`Verifier::verify_delivery`](crate::Verifier::verify_delivery)), `invalid_payload`
    /// only means JSON that is not an object.
    pub fn http_status(&self) -> u16 {
        Self::http_status_of(self.code())
    }

    /// The HTTP status a receiver answers an error code with: the core's codes and the
    /// receivers' own (`method_not_allowed`, `body_too_large`, `handler_failed`, the replay
    /// window's, …); 500 for a code it does not know, a failure on the receiving side.
    pub fn http_status_of(code: &str) -> u16 {
        RECEIVER_STATUSES
            .iter()
            .find(|(known, _)| *known == code)
            .map_or(500, |(_, status)| *status)
    }
}

/// The receivers' status policy, the one table of it: the axum handler and
/// [`Error::http_status`] read it here, the npm package's receivers through the wasm module. A
/// delivery is refused (4xx) only when it is not authentic, not JSON, or outside the policy the
/// receiver was given; the rest is the receiving side's failure (500), which Flagsmith does not
/// retry either, so every such answer is reported to `onError`.
const RECEIVER_STATUSES: [(&str, u16); 17] = [
    ("missing_signature", 401),
    ("malformed_signature", 401),
    ("signature_mismatch", 401),
    ("invalid_json", 400),
    ("invalid_payload", 400),
    ("invalid_body", 400),
    ("delivery_too_old", 400),
    ("delivery_from_the_future", 400),
    ("delivery_undated", 400),
    ("not_found", 404),
    ("method_not_allowed", 405),
    ("body_too_large", 413),
    ("invalid_secret", 500),
    ("not_initialised", 500),
    ("body_already_parsed", 500),
    ("handler_failed", 500),
    ("verifier_freed", 500),
];

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::MissingSignature => f.write_str(
                "no X-Flagsmith-Signature header: Flagsmith omits it when the webhook has no \
                 secret. Set the same secret on the webhook in Flagsmith as in this receiver, \
                 and pass the header's value (looked up case-insensitively).",
            ),
            Error::MalformedSignature { reason } => write!(
                f,
                "the X-Flagsmith-Signature header is malformed ({reason}): Flagsmith sends 64 \
                 lowercase hexadecimal characters. Pass the header's value unchanged."
            ),
            Error::SignatureMismatch { cause } => {
                write!(
                    f,
                    "the signature does not match the body: {}",
                    cause.advice()
                )
            }
            Error::InvalidJson {
                line,
                column,
                reason,
            } => write!(
                f,
                "the body is not valid JSON at line {line}, column {column} ({reason}). \
                 Flagsmith sends one line of JSON; pass the request body unchanged."
            ),
            Error::InvalidPayload { path, reason } => write!(
                f,
                "the body is JSON but not a Flagsmith webhook payload: at `{path}`, {reason}. \
                 Check that this endpoint receives only Flagsmith webhooks."
            ),
            Error::InvalidSecret { reason } => write!(
                f,
                "invalid secret: {reason}. Pass the secret configured on the webhook in \
                 Flagsmith (check that the environment variable holding it is set)."
            ),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::{Error, MismatchCause};

    /// The JavaScript receivers' table (pkg/lib/core.js) for the same codes.
    #[test]
    fn statuses_follow_the_receivers_table() {
        let cases = [
            (Error::MissingSignature, 401, true),
            (Error::MalformedSignature { reason: "x".into() }, 401, true),
            (
                Error::SignatureMismatch {
                    cause: MismatchCause::EmptyBody,
                },
                401,
                true,
            ),
            (
                Error::InvalidJson {
                    line: 1,
                    column: 1,
                    reason: "x".into(),
                },
                400,
                false,
            ),
            (
                Error::InvalidPayload {
                    path: "x".into(),
                    reason: "x".into(),
                },
                400,
                false,
            ),
            (Error::InvalidSecret { reason: "x".into() }, 500, false),
        ];
        for (error, status, signature) in cases {
            assert_eq!(error.http_status(), status, "{}", error.code());
            assert_eq!(error.is_signature_problem(), signature, "{}", error.code());
        }
    }

    /// The status tables written for readers (the project README's, the crate page's)
    /// translate the one table: every code a row names has that row's status.
    #[test]
    fn documented_statuses_are_the_tables() {
        let root = env!("CARGO_MANIFEST_DIR");
        let mut rows = 0;
        for page in ["README.md", "src/lib.md"] {
            // The published crate carries src/lib.md but not the project README.
            let Ok(text) = std::fs::read_to_string(format!("{root}/{page}")) else {
                continue;
            };
            for line in text.lines().filter(|line| line.starts_with('|')) {
                let cells: Vec<&str> = line.split('|').map(str::trim).collect();
                let Some(status) = cells.iter().find_map(|cell| cell.parse::<u16>().ok()) else {
                    continue;
                };
                let codes = line.split('`').skip(1).step_by(2).filter(|word| {
                    super::RECEIVER_STATUSES
                        .iter()
                        .any(|(code, _)| code == word)
                });
                for code in codes {
                    assert_eq!(Error::http_status_of(code), status, "{page}: {code}");
                    rows += 1;
                }
            }
        }
        assert!(rows >= 6, "{rows} codes in the documented tables");
    }

    /// The members of a TypeScript union of string literals `type NAME = | 'a' | 'b';`.
    fn union_members(declarations: &str, name: &str) -> Vec<String> {
        let start = declarations
            .find(&format!("export type {name} ="))
            .unwrap_or_else(|| panic!("no type {name} in types/core.d.ts"));
        let rest = &declarations[start..];
        let end = rest.find(';').unwrap();
        rest[..end]
            .lines()
            .filter_map(|line| line.trim().strip_prefix("| '"))
            .map(|line| line.trim_end_matches('\'').to_owned())
            .collect()
    }

    /// The npm package's TypeScript declarations name every code and hint the core gives, so a
    /// code added here cannot be missing there. (The published crate has no npm package beside
    /// it; there the test has nothing to compare.)
    #[test]
    fn typescript_declarations_name_every_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/pkg/types/core.d.ts");
        let Ok(declarations) = std::fs::read_to_string(path) else {
            return;
        };
        let codes = union_members(&declarations, "ErrorCode");
        let samples = [
            Error::MissingSignature,
            Error::MalformedSignature { reason: "x".into() },
            Error::SignatureMismatch {
                cause: MismatchCause::EmptyBody,
            },
            Error::InvalidJson {
                line: 1,
                column: 1,
                reason: "x".into(),
            },
            Error::InvalidPayload {
                path: "x".into(),
                reason: "x".into(),
            },
            Error::InvalidSecret { reason: "x".into() },
        ];
        for error in samples {
            assert!(
                codes.iter().any(|code| code == error.code()),
                "{} is not in types/core.d.ts's ErrorCode",
                error.code()
            );
        }
        // Every code a receiver can answer with has its status in the one table (not
        // invalid_option, which is thrown when a receiver is created, never for a request).
        for code in &codes {
            let listed = super::RECEIVER_STATUSES
                .iter()
                .any(|(known, _)| known == code);
            assert_eq!(
                listed,
                code != "invalid_option",
                "{code} in RECEIVER_STATUSES"
            );
        }
        let hints = union_members(&declarations, "MismatchHint");
        let causes = [
            MismatchCause::SecretWhitespace,
            MismatchCause::TrailingWhitespace,
            MismatchCause::PrettyPrinted,
            MismatchCause::RawNonAscii,
            MismatchCause::CompactSeparators,
            MismatchCause::EmptyBody,
            MismatchCause::WrongSecretOrAlteredBody,
        ];
        let mut expected: Vec<&str> = causes.iter().map(|cause| cause.code()).collect();
        let mut found: Vec<&str> = hints.iter().map(String::as_str).collect();
        expected.sort_unstable();
        found.sort_unstable();
        assert_eq!(found, expected, "types/core.d.ts's MismatchHint");
    }
}
