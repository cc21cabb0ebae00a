//! What both WebAssembly modules share: the scratch area JavaScript writes each call's inputs
//! into, keying a [`Verifier`] from it, and errors as text. The verify-only module
//! (`wasm-verify/`, which has no wasm-bindgen) includes this file with `#[path]`, so that its
//! exports read their inputs, and word their errors, exactly as the full module's do.

use flagsmith_webhooks::{Error, MismatchCause, Verifier};
use std::cell::RefCell;

thread_local! {
    /// The scratch area: JavaScript writes a call's signature header and body here, straight
    /// into wasm memory (bytes with one `set`, strings with `encodeInto` or a short loop), and
    /// passes their lengths. wasm-bindgen's own string passing encodes with a per-character
    /// JavaScript loop and allocates and frees per call: a string body ran at 0.59x node:crypto
    /// at 1.2 KB through it (bench/node.mjs), bytes at 0.93x.
    static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// The address of the scratch area, made at least `len` bytes long (what was written there is
/// kept when it grows). Valid until the next call that allocates.
pub fn scratch_area(len: usize) -> usize {
    SCRATCH.with(|area| {
        let mut area = area.borrow_mut();
        if area.len() < len {
            area.resize(len, 0);
        }
        area.as_mut_ptr() as usize
    })
}

/// Writes `bytes` at the start of the scratch area: an answer for JavaScript to read back
/// (the verify-only module returns text this way; the full one through wasm-bindgen).
#[allow(dead_code)]
pub fn write_scratch(bytes: &[u8]) {
    SCRATCH.with(|area| {
        let mut area = area.borrow_mut();
        if area.len() < bytes.len() {
            area.resize(bytes.len(), 0);
        }
        if let Some(start) = area.get_mut(..bytes.len()) {
            start.copy_from_slice(bytes);
        }
    })
}

/// Runs `f` on the first `header_len` bytes of the scratch area and the `body_len` after them.
pub fn staged_bytes<T>(header_len: usize, body_len: usize, f: impl FnOnce(&[u8], &[u8]) -> T) -> T {
    SCRATCH.with(|area| {
        let area = area.borrow();
        let end = header_len.saturating_add(body_len).min(area.len());
        let (header, body) = area
            .get(..end)
            .unwrap_or_default()
            .split_at(header_len.min(end));
        f(header, body)
    })
}

/// Runs `f` on the signature header (the first `signature_len` bytes of the scratch area) and
/// the body (the next `body_len`).
pub fn staged<T>(signature_len: usize, body_len: usize, f: impl FnOnce(&str, &[u8]) -> T) -> T {
    staged_bytes(signature_len, body_len, |signature, body| {
        // The JavaScript side writes the header with encodeInto, so it is UTF-8; anything else
        // still reaches the core, to be reported as malformed.
        match std::str::from_utf8(signature) {
            Ok(signature) => f(signature, body),
            Err(_) => f(&String::from_utf8_lossy(signature), body),
        }
    })
}

/// A matching secret's index as JavaScript takes it: -1 for none.
pub fn index_or_none(index: Option<usize>) -> i32 {
    index
        .and_then(|index| i32::try_from(index).ok())
        .unwrap_or(-1)
}

/// An error as one string, `code \n hint \n message`, which pkg/lib/inputs.js turns into a
/// `FlagsmithWebhookError`.
pub fn error_text(error: &Error) -> String {
    let hint = error
        .mismatch_cause()
        .map(MismatchCause::code)
        .unwrap_or("");
    format!("{}\n{}\n{}", error.code(), hint, error)
}

/// Keys a [`Verifier`] from the first `len` bytes of the scratch area, where JavaScript wrote
/// `count` secret lengths (little-endian u32) followed by the secrets end to end, then zeroes
/// those bytes: only the keyed HMAC states remain.
pub fn verifier_from_scratch(count: usize, len: usize) -> Result<Verifier, Error> {
    SCRATCH.with(|area| {
        let mut area = area.borrow_mut();
        let written = len.min(area.len());
        let (secrets, _) = area.split_at_mut(written);
        let built = key_from(secrets, count);
        zeroize::Zeroize::zeroize(secrets);
        built
    })
}

fn key_from(area: &[u8], count: usize) -> Result<Verifier, Error> {
    let uneven = || Error::InvalidSecret {
        reason: "the secret lengths do not add up".into(),
    };
    let (lengths, mut rest) = area
        .split_at_checked(count.saturating_mul(4))
        .ok_or_else(uneven)?;
    let mut secrets = Vec::with_capacity(count);
    for length in lengths.chunks_exact(4) {
        let length = <[u8; 4]>::try_from(length).map_err(|_| uneven())?;
        let length = usize::try_from(u32::from_le_bytes(length)).map_err(|_| uneven())?;
        let (secret, tail) = rest.split_at_checked(length).ok_or_else(uneven)?;
        secrets.push(secret);
        rest = tail;
    }
    Verifier::new(secrets)
}
