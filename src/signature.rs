//! Signing and constant-time verification of `X-Flagsmith-Signature`.
//!
//! Flagsmith signs the exact body bytes it sends with HMAC-SHA256, keyed by the secret's UTF-8
//! bytes, and sends the tag as 64 lowercase hex characters with no prefix.

use std::fmt;

use hmac::digest::CtOutput;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use crate::error::{Error, MismatchCause};

type HmacSha256 = Hmac<Sha256>;

/// Length of a signature in hex characters.
pub const SIGNATURE_HEX_LENGTH: usize = 64;

/// Signs `body` with `secret` as Flagsmith does: HMAC-SHA256, 64 lowercase hex characters.
///
/// ```
/// let sig = flagsmith_webhooks::sign(b"random_key", br#"{"key": "value"}"#);
/// assert_eq!(sig, "e8af67a174c950742e45136491466739cf74a634c608fda0fd487732c2a8204f");
/// ```
pub fn sign(secret: &[u8], body: &[u8]) -> String {
    hex::encode(tag(&keyed(secret), body).into_bytes())
}

/// Checks `signature` (the `X-Flagsmith-Signature` header's value) against `body`, in constant
/// time.
///
/// Accepts lower- or upper-case hex, an optional `sha256=` prefix and surrounding whitespace,
/// and a comma-separated list of candidates (a repeated header), of which one must match.
/// Anything else, including an empty signature or an empty secret, is `false`; it never
/// panics. Use [`verify_and_parse`](crate::verify_and_parse) or
/// [`Verifier::check`] to learn *why* a signature failed.
pub fn verify(secret: &[u8], body: &[u8], signature: &str) -> bool {
    !secret.is_empty() && matching_key(std::iter::once(&keyed(secret)), body, signature).is_some()
}

/// One or more secrets, each keyed once, for verifying many requests.
///
/// Give the current secret first and older ones after it while you rotate: verification
/// accepts any of them, [`matching_index`](Verifier::matching_index) tells which one matched,
/// and [`sign`](Verifier::sign) always uses the first. `Debug` shows how many secrets there
/// are, never the secrets.
///
/// ```
/// use flagsmith_webhooks::Verifier;
/// let verifier = Verifier::new(["new-secret", "old-secret"])?;
/// let body = br#"{"key": "value"}"#;
/// let old_sig = flagsmith_webhooks::sign(b"old-secret", body);
/// assert!(verifier.verify(body, &old_sig));
/// assert_eq!(verifier.matching_index(body, &old_sig), Some(1));
/// # Ok::<(), flagsmith_webhooks::Error>(())
/// ```
#[derive(Clone)]
pub struct Verifier {
    keys: Vec<HmacSha256>,
    /// Keyed with the first secret that has surrounding whitespace, trimmed (Flagsmith trims
    /// secrets on save), or with a fixed stand-in key when none has: a mismatch diagnosis always
    /// makes exactly one extra pass over the body, so its cost and timing say nothing about the
    /// secrets' whitespace.
    diagnosis: HmacSha256,
    /// Whether `diagnosis` is a trimmed secret rather than the stand-in.
    diagnosis_is_trimmed_secret: bool,
}

/// The stand-in key of [`Verifier::diagnosis`]: any fixed bytes do.
const STAND_IN_KEY: &[u8] = b"flagsmith-webhooks: no secret has surrounding whitespace";

impl Verifier {
    /// Keys each secret once. Fails with `invalid_secret` when there is no secret or one of
    /// them is empty (an unset environment variable, most often).
    ///
    /// Only keyed HMAC states are kept (zeroed when the verifier is dropped), never the secrets;
    /// the stack the keying used is overwritten before this returns.
    pub fn new<I, S>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let built = Self::key_all(secrets);
        scrub_stack();
        built
    }

    fn key_all<I, S>(secrets: I) -> Result<Self, Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<[u8]>,
    {
        let mut keys = Vec::new();
        let mut trimmed_key = None;
        for (index, secret) in secrets.into_iter().enumerate() {
            let secret = secret.as_ref();
            if secret.is_empty() {
                return Err(Error::InvalidSecret {
                    reason: format!("secret number {} is empty", index + 1),
                });
            }
            let trimmed = trim_secret(secret);
            if trimmed_key.is_none() && trimmed.len() != secret.len() && !trimmed.is_empty() {
                trimmed_key = Some(keyed(trimmed));
            }
            keys.push(keyed(secret));
        }
        if keys.is_empty() {
            return Err(Error::InvalidSecret {
                reason: "no secret was given".into(),
            });
        }
        let diagnosis_is_trimmed_secret = trimmed_key.is_some();
        Ok(Verifier {
            keys,
            diagnosis: trimmed_key.unwrap_or_else(|| keyed(STAND_IN_KEY)),
            diagnosis_is_trimmed_secret,
        })
    }

    /// How many secrets this verifier holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Always false: a verifier holds at least one secret. Present for API symmetry with
    /// [`len`](Verifier::len).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Signs `body` with the first (current) secret.
    pub fn sign(&self, body: &[u8]) -> String {
        // `new` guarantees at least one key; an empty verifier cannot be built.
        self.keys
            .first()
            .map(|key| hex::encode(tag(key, body).into_bytes()))
            .unwrap_or_default()
    }

    /// True when `signature` matches `body` under any of the secrets. Same leniency as
    /// [`verify`](crate::verify).
    pub fn verify(&self, body: &[u8], signature: &str) -> bool {
        self.matching_index(body, signature).is_some()
    }

    /// The index of the secret that signed `body`, or `None`.
    pub fn matching_index(&self, body: &[u8], signature: &str) -> Option<usize> {
        matching_key(self.keys.iter(), body, signature)
    }

    /// Like [`matching_index`](Verifier::matching_index), for a header already decoded to its
    /// 32 bytes (a caller that decodes plain 64-digit headers itself).
    pub fn matching_index_of_tag(&self, body: &[u8], tag: &[u8; 32]) -> Option<usize> {
        let candidate = CtOutput::new((*tag).into());
        self.keys
            .iter()
            .position(|key| self::tag(key, body) == candidate)
    }

    /// Like [`matching_index`](Verifier::matching_index), but says why verification failed:
    /// `missing_signature`, `malformed_signature`, or `signature_mismatch` with a diagnosed
    /// [`MismatchCause`].
    ///
    /// A mismatch costs one pass over the body per secret, as a match does, plus exactly one
    /// more for the diagnosis, whatever the secrets are.
    pub fn check(&self, body: &[u8], signature: &str) -> Result<usize, Error> {
        self.matching_tag(body, signature).map(|(index, _)| index)
    }

    /// Like [`check`](Verifier::check), and also gives the delivery's key, from the same pass
    /// over the body.
    pub fn authenticate(&self, body: &[u8], signature: &str) -> Result<Authentic, Error> {
        self.matching_tag(body, signature)
            .map(|(index, tag)| Authentic::new(index, &tag))
    }

    /// The index of the matching secret and its tag, or why none matched.
    fn matching_tag(
        &self,
        body: &[u8],
        signature: &str,
    ) -> Result<(usize, CtOutput<HmacSha256>), Error> {
        if !candidate_pieces(signature).any(|piece| decode_candidate(piece).is_some()) {
            return Err(if candidate_pieces(signature).next().is_none() {
                Error::MissingSignature
            } else {
                Error::MalformedSignature {
                    reason: malformed_reason(signature),
                }
            });
        }
        // Candidates are decoded again for each tag: cheaper than collecting them, as a header
        // almost always holds one.
        let matches = |tag: &CtOutput<HmacSha256>| {
            candidate_pieces(signature)
                .filter_map(decode_candidate)
                .any(|candidate| *tag == CtOutput::new(candidate.into()))
        };
        // Bodies Flagsmith sends never end in whitespace; when this one does, the tag of the
        // body without it comes from the same pass (a copy of the state where it ends), for the
        // trailing-whitespace diagnosis.
        let kept = body.trim_ascii_end().len();
        let (head, tail) = body.split_at(kept);
        let mut trailing_whitespace = false;
        for (index, key) in self.keys.iter().enumerate() {
            let mut mac = key.clone();
            feed(&mut mac, head);
            if tail.is_empty() {
                let tag = mac.finalize();
                if matches(&tag) {
                    return Ok((index, tag));
                }
                continue;
            }
            let without_tail = mac.clone();
            feed(&mut mac, tail);
            let tag = mac.finalize();
            if matches(&tag) {
                return Ok((index, tag));
            }
            trailing_whitespace |= matches(&without_tail.finalize());
        }
        Err(Error::SignatureMismatch {
            cause: self.diagnose(body, trailing_whitespace, &matches),
        })
    }

    /// Runs only after a mismatch: tries what the user most likely got wrong, with one pass.
    fn diagnose(
        &self,
        body: &[u8],
        trailing_whitespace: bool,
        matches: &dyn Fn(&CtOutput<HmacSha256>) -> bool,
    ) -> MismatchCause {
        if body.is_empty() {
            return MismatchCause::EmptyBody;
        }
        // Always computed, so that the time taken does not depend on which secrets have
        // whitespace; only the first such secret is tried (the current one, most often).
        let trimmed_secret_matches = matches(&tag(&self.diagnosis, body));
        if trimmed_secret_matches && self.diagnosis_is_trimmed_secret {
            return MismatchCause::SecretWhitespace;
        }
        if trailing_whitespace {
            return MismatchCause::TrailingWhitespace;
        }
        wire_format_deviation(body.trim_ascii_end())
            .unwrap_or(MismatchCause::WrongSecretOrAlteredBody)
    }
}

/// A body whose signature matched: which secret signed it, and the delivery's key.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Authentic {
    /// Index of the secret that signed the body (0: the current one).
    pub secret_index: usize,
    /// Identifies the delivery: the same for Flagsmith's byte-identical retries, different for
    /// different bodies, for de-duplication and logs. 64 hex characters of
    /// SHA-256(`flagsmith-webhooks delivery key v1` ‖ 0 ‖ the HMAC tag), so it is computed from
    /// the tag that verification already made, without another pass over the body, and it is
    /// no signature: knowing it does not help forge one, under this secret or any other (a
    /// key logged during a rotation cannot be replayed as a signature later).
    pub delivery_key: String,
}

/// The domain of [`Authentic::delivery_key`]'s hash, so that it cannot collide with any other
/// use of SHA-256 over a tag.
const DELIVERY_KEY_DOMAIN: &[u8] = b"flagsmith-webhooks delivery key v1\0";

impl Authentic {
    fn new(secret_index: usize, tag: &CtOutput<HmacSha256>) -> Self {
        use sha2::Digest;
        let mut hasher = Sha256::new();
        hasher.update(DELIVERY_KEY_DOMAIN);
        hasher.update(tag.clone().into_bytes());
        Authentic {
            secret_index,
            delivery_key: hex::encode(hasher.finalize()),
        }
    }
}

/// Overwrites the stack below the caller's frame, where keying left copies of the secrets
/// (the HMAC crate pads each key into a block on the stack and does not clear it). Zeroing
/// through `zeroize` keeps the writes from being optimised away.
#[inline(never)]
fn scrub_stack() {
    let mut area = [0u8; 8 * 1024];
    zeroize::Zeroize::zeroize(&mut area[..]);
    std::hint::black_box(&area);
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("secrets", &self.keys.len())
            .finish_non_exhaustive()
    }
}

fn keyed(secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length (longer ones are hashed first), so this cannot fail;
    // the fallback keeps the function total without a panic path.
    HmacSha256::new_from_slice(secret).unwrap_or_else(|_| HmacSha256::new(&Default::default()))
}

/// Every byte the verifier hashes goes through here, so the tests can count passes.
///
/// In pieces: V8 first runs wasm through its baseline compiler and swaps in optimised code
/// only between calls (there is no on-stack replacement), so one `update` over a large body ran
/// all of it in baseline code, about 12 times slower (22 ms for the first 1 MiB in a fresh
/// Node process, 1.8 ms after). Hashing piece by piece lets the optimised compression function
/// take over within the first body.
fn feed(mac: &mut HmacSha256, bytes: &[u8]) {
    #[cfg(test)]
    tests::HASHED.with(|hashed| hashed.set(hashed.get() + bytes.len()));
    for piece in bytes.chunks(FEED_PIECE) {
        mac.update(piece);
    }
}

/// The piece [`feed`] hashes per call: small enough to leave baseline code early, large
/// enough that the calls cost nothing measurable.
const FEED_PIECE: usize = 16 * 1024;

fn tag(key: &HmacSha256, body: &[u8]) -> CtOutput<HmacSha256> {
    let mut mac = key.clone();
    feed(&mut mac, body);
    mac.finalize()
}

/// The index of the first key under which one of the signature's candidates matches. Each key
/// hashes the body at most once, and only when a well-formed candidate is there to compare (a
/// garbage header costs no hashing); candidates are compared with `CtOutput`'s constant-time
/// equality.
fn matching_key<'k>(
    keys: impl Iterator<Item = &'k HmacSha256>,
    body: &[u8],
    signature: &str,
) -> Option<usize> {
    for (index, key) in keys.enumerate() {
        let mut expected = None;
        for candidate in candidate_pieces(signature).filter_map(decode_candidate) {
            let expected = expected.get_or_insert_with(|| tag(key, body));
            if *expected == CtOutput::new(candidate.into()) {
                return Some(index);
            }
        }
        // No well-formed candidate at all: no other key can match either.
        expected.as_ref()?;
    }
    None
}

/// The non-empty comma-separated parts of a header value: Node's `req.headers` and Fetch's
/// `Headers.get` join a repeated header with `", "`.
fn candidate_pieces(signature: &str) -> impl Iterator<Item = &str> {
    signature
        .split(',')
        .map(str::trim)
        .filter(|piece| !piece.is_empty())
}

fn strip_sha256_prefix(piece: &str) -> &str {
    const PREFIX: &str = "sha256=";
    match piece.get(..PREFIX.len()) {
        Some(head) if head.eq_ignore_ascii_case(PREFIX) => piece.get(PREFIX.len()..).unwrap_or(""),
        _ => piece,
    }
}

fn decode_candidate(piece: &str) -> Option<[u8; 32]> {
    let hex_part = strip_sha256_prefix(piece.trim()).trim();
    if hex_part.len() != SIGNATURE_HEX_LENGTH {
        return None;
    }
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_part, &mut out).ok()?;
    Some(out)
}

fn malformed_reason(signature: &str) -> String {
    let Some(piece) = candidate_pieces(signature).next() else {
        return "it is empty".into();
    };
    let hex_part = strip_sha256_prefix(piece.trim()).trim();
    if hex_part.is_empty() {
        return "nothing follows the sha256= prefix".into();
    }
    if !hex_part.bytes().all(|b| b.is_ascii_hexdigit()) {
        return "it contains characters that are not hexadecimal digits".into();
    }
    // Only hex digits from here on, so bytes are characters.
    format!(
        "it has {} characters instead of {SIGNATURE_HEX_LENGTH}",
        hex_part.len()
    )
}

/// Trims what Python's `str.strip()` would when the secret is text (Flagsmith's API trims
/// secrets on save), and ASCII whitespace otherwise.
fn trim_secret(secret: &[u8]) -> &[u8] {
    match std::str::from_utf8(secret) {
        Ok(text) => text.trim().as_bytes(),
        Err(_) => secret.trim_ascii(),
    }
}

/// How `body` departs from Python's `json.dumps(..., sort_keys=True)` output, if visibly:
/// every byte ASCII, no line breaks, and every `,` and `:` outside strings followed by one
/// space. Inside strings Flagsmith escapes `"`, so a plain scan with an in-string flag is exact.
fn wire_format_deviation(body: &[u8]) -> Option<MismatchCause> {
    if !body.is_ascii() {
        return Some(MismatchCause::RawNonAscii);
    }
    let mut in_string = false;
    let mut escaped = false;
    let mut compact = false;
    for (index, &byte) in body.iter().enumerate() {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'\n' | b'\r' | b'\t' => return Some(MismatchCause::PrettyPrinted),
            b',' | b':' if body.get(index + 1) != Some(&b' ') => compact = true,
            _ => {}
        }
    }
    compact.then_some(MismatchCause::CompactSeparators)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// Bytes hashed on this thread (see `feed`).
        pub(super) static HASHED: Cell<usize> = const { Cell::new(0) };
    }

    /// Passes over `body` that `check` made for a wrong signature.
    fn passes(secrets: &[&str], body: &[u8]) -> f64 {
        let verifier = Verifier::new(secrets).unwrap();
        let wrong = "0".repeat(64);
        HASHED.with(|hashed| hashed.set(0));
        let error = verifier.check(body, &wrong).unwrap_err();
        assert_eq!(error.code(), "signature_mismatch");
        HASHED.with(Cell::get) as f64 / body.len() as f64
    }

    /// A mismatch costs one pass per secret plus exactly one, whatever whitespace the secrets
    /// or the body carry, so its timing tells nothing about them. (Before: 3.4 passes for one
    /// secret and 13.4 for three padded ones, on a body ending in a space.)
    #[test]
    fn a_mismatch_costs_one_extra_pass() {
        let mut body = br#"{"data": {"a": 1}, "event_type": "X"}"#.repeat(30_000);
        body.push(b' ');
        for secrets in [
            &["current"][..],
            &[" current "],
            &["a", "b", "c"],
            &[" a", "b ", "\tc\n"],
        ] {
            let measured = passes(secrets, &body);
            let expected = secrets.len() as f64 + 1.0;
            assert!(
                (measured - expected).abs() < 0.001,
                "{secrets:?}: {measured} passes, expected {expected}"
            );
        }
    }

    /// A match hashes the body once per secret tried, no more: the delivery key comes from the
    /// tag (before, the receivers' key was a second HMAC over the whole body).
    #[test]
    fn authenticating_with_the_key_is_one_pass() {
        let body = br#"{"data": {"a": 1}, "event_type": "X"}"#.repeat(30_000);
        for (secrets, signer, passes) in [
            (&["current"][..], "current", 1.0),
            (&["current", "previous"], "previous", 2.0),
        ] {
            let verifier = Verifier::new(secrets).unwrap();
            let signature = sign(signer.as_bytes(), &body);
            HASHED.with(|hashed| hashed.set(0));
            let authentic = verifier.authenticate(&body, &signature).unwrap();
            assert_eq!(authentic.delivery_key.len(), 64);
            let hashed = HASHED.with(Cell::get) as f64 / body.len() as f64;
            assert!(
                (hashed - passes).abs() < 0.001,
                "{secrets:?}: {hashed} passes"
            );
        }
    }

    /// A header decoded by the caller matches exactly as the header does: the same index, the
    /// first matching secret, none for another tag.
    #[test]
    fn a_decoded_tag_matches_as_its_header_does() {
        let verifier = Verifier::new(["current", "previous", "current"]).unwrap();
        for body in [&b""[..], b"{}", &[0xff; 1000]] {
            for signer in ["current", "previous", "other"] {
                let header = sign(signer.as_bytes(), body);
                let mut tag = [0u8; 32];
                hex::decode_to_slice(&header, &mut tag).unwrap();
                let by_tag = verifier.matching_index_of_tag(body, &tag);
                assert_eq!(by_tag, verifier.matching_index(body, &header));
                assert_eq!(
                    by_tag,
                    [("current", 0), ("previous", 1)]
                        .into_iter()
                        .find(|(s, _)| *s == signer)
                        .map(|(_, i)| i)
                );
                tag[31] ^= 1;
                assert_eq!(verifier.matching_index_of_tag(body, &tag), None);
            }
        }
    }

    #[test]
    fn the_diagnosis_still_finds_each_cause() {
        let body = br#"{"data": {"a": 1}, "event_type": "X"}"#;
        let signed = sign(b"secret", body);
        let cause = |secrets: &[&str], body: &[u8]| {
            Verifier::new(secrets)
                .unwrap()
                .check(body, &signed)
                .unwrap_err()
                .mismatch_cause()
                .unwrap()
        };
        assert_eq!(cause(&[" secret\n"], body), MismatchCause::SecretWhitespace);
        assert_eq!(
            cause(&["other", "secret "], body),
            MismatchCause::SecretWhitespace
        );
        let mut trailing = body.to_vec();
        trailing.extend_from_slice(b"\n \r\n");
        assert_eq!(
            cause(&["other", "secret"], &trailing),
            MismatchCause::TrailingWhitespace
        );
        assert_eq!(
            cause(&["other"], &trailing),
            MismatchCause::WrongSecretOrAlteredBody
        );
        assert_eq!(cause(&["other"], b""), MismatchCause::EmptyBody);
    }

    #[test]
    fn candidates_accept_prefix_case_and_whitespace() {
        let sig = "E8AF67A174C950742E45136491466739CF74A634C608FDA0FD487732C2A8204F";
        assert!(decode_candidate(sig).is_some());
        assert!(decode_candidate(&format!("  sha256={sig}\t")).is_some());
        assert!(decode_candidate(&format!("SHA256={sig}")).is_some());
        assert!(decode_candidate("sha256=").is_none());
        assert!(decode_candidate(&sig[1..]).is_none());
        assert!(decode_candidate(&format!("{sig}0")).is_none());
        assert!(decode_candidate(&sig.replace('E', "g")).is_none());
    }

    #[test]
    fn wire_format_deviation_sees_each_kind() {
        assert_eq!(wire_format_deviation(br#"{"a": 1, "b": "x,y:z"}"#), None);
        assert_eq!(
            wire_format_deviation(br#"{"a":1}"#),
            Some(MismatchCause::CompactSeparators)
        );
        assert_eq!(
            wire_format_deviation(b"{\n  \"a\": 1\n}"),
            Some(MismatchCause::PrettyPrinted)
        );
        assert_eq!(
            wire_format_deviation("{\"a\": \"é\"}".as_bytes()),
            Some(MismatchCause::RawNonAscii)
        );
        // An escaped quote does not end the string, so its comma is not a separator.
        assert_eq!(wire_format_deviation(br#"{"a": "q\",x"}"#), None);
    }

    #[test]
    fn debug_never_shows_secrets() {
        let verifier = Verifier::new(["top-secret-value", " padded "]).unwrap();
        let shown = format!("{verifier:?}");
        assert!(!shown.contains("top-secret"), "{shown}");
        assert!(!shown.contains("padded"), "{shown}");
        assert!(shown.contains("secrets: 2"), "{shown}");
    }
}
