//! The WebAssembly binding of the `flagsmith-webhooks` crate, and the only code that knows
//! wasm-bindgen: it translates arguments and errors, nothing else. (On other targets it is
//! empty.)
//!
//! The JavaScript entry files in `pkg/` wrap these exports; the one-shot `sign` and `verify`
//! there reuse a cached [`Verifier`], so only the class is exported. The serializer, `diff` and
//! `describe` have JavaScript twins in `pkg/lib/model.js` instead of exports here, because a
//! .wasm file cannot be tree-shaken (see that file). Inputs arrive through one scratch area
//! in wasm memory ([`scratch`]), written by JavaScript directly. Parsed events do not cross the boundary as objects: wasm
//! validates the body against the typed model, and JavaScript materialises it with
//! `JSON.parse`, which is several times faster than building objects from wasm.
//!
//! Errors cross as one string, `code \n hint \n message`, which the JavaScript side turns into
//! a `FlagsmithWebhookError`; this keeps js-sys out of the module.

#![cfg(target_arch = "wasm32")]

use flagsmith_webhooks::delivery::{deviations, Deviation};
use flagsmith_webhooks::{validate, Error, MismatchCause, Verifier};
use std::cell::RefCell;

use wasm_bindgen::prelude::*;

#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn to_js(error: &Error) -> JsValue {
    let hint = error
        .mismatch_cause()
        .map(MismatchCause::code)
        .unwrap_or("");
    JsValue::from_str(&format!("{}\n{}\n{}", error.code(), hint, error))
}

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
#[wasm_bindgen]
pub fn scratch(len: usize) -> usize {
    SCRATCH.with(|area| {
        let mut area = area.borrow_mut();
        if area.len() < len {
            area.resize(len, 0);
        }
        area.as_mut_ptr() as usize
    })
}

/// Runs `f` on the first `header_len` bytes of the scratch area and the `body_len` after them.
fn staged_bytes<T>(header_len: usize, body_len: usize, f: impl FnOnce(&[u8], &[u8]) -> T) -> T {
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
fn staged<T>(signature_len: usize, body_len: usize, f: impl FnOnce(&str, &[u8]) -> T) -> T {
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
fn index_or_none(index: Option<usize>) -> i32 {
    index
        .and_then(|index| i32::try_from(index).ok())
        .unwrap_or(-1)
}

/// The HTTP status a receiver answers an error code with (the core's one status table).
#[wasm_bindgen(js_name = httpStatusOf)]
pub fn http_status_of(code: &str) -> u16 {
    Error::http_status_of(code)
}

/// Checks that the body in the scratch area is a Flagsmith payload; throws `invalid_json` or
/// `invalid_payload`.
#[wasm_bindgen(js_name = validateScratch)]
pub fn validate_scratch(body_len: usize) -> Result<(), JsValue> {
    staged(0, body_len, |_, body| validate(body)).map_err(|error| to_js(&error))
}

/// A [`Verifier`] for JavaScript. Every method reads its signature header and body from the
/// scratch area ([`scratch`]).
#[wasm_bindgen(js_name = Verifier)]
pub struct WasmVerifier {
    inner: Verifier,
}

#[wasm_bindgen(js_class = Verifier)]
impl WasmVerifier {
    /// `secrets` is every secret's bytes end to end, `lengths` their lengths in order (the
    /// JavaScript wrapper builds both), which spares the module an array-of-arrays binding.
    /// The secrets' bytes are zeroed once keyed: wasm-bindgen copies them into wasm memory for
    /// the call and frees that copy afterwards without clearing it, and (the slice being
    /// mutable) copies the zeros back into the caller's array.
    #[wasm_bindgen(constructor)]
    pub fn new(secrets: &mut [u8], lengths: &[u32]) -> Result<WasmVerifier, JsValue> {
        let built = Self::key(secrets, lengths);
        zeroize::Zeroize::zeroize(secrets);
        built
    }

    fn key(secrets: &[u8], lengths: &[u32]) -> Result<WasmVerifier, JsValue> {
        let mut rest = secrets;
        let mut split = Vec::with_capacity(lengths.len());
        for &length in lengths {
            let length = usize::try_from(length).unwrap_or(usize::MAX);
            if length > rest.len() {
                return Err(to_js(&Error::InvalidSecret {
                    reason: "the secret lengths do not add up".into(),
                }));
            }
            let (head, tail) = rest.split_at(length);
            split.push(head);
            rest = tail;
        }
        Verifier::new(split)
            .map(|inner| WasmVerifier { inner })
            .map_err(|error| to_js(&error))
    }

    /// Index of the matching secret, or -1.
    #[wasm_bindgen(js_name = matchScratch)]
    pub fn match_scratch(&self, signature_len: usize, body_len: usize) -> i32 {
        index_or_none(staged(signature_len, body_len, |signature, body| {
            self.inner.matching_index(body, signature)
        }))
    }

    /// Index of the matching secret, or -1, for a header decoded to its 32 bytes (the first 32
    /// bytes of the scratch area, the body after them).
    #[wasm_bindgen(js_name = matchTagScratch)]
    pub fn match_tag_scratch(&self, body_len: usize) -> i32 {
        index_or_none(staged_bytes(32, body_len, |tag, body| {
            let tag: &[u8; 32] = tag.try_into().ok()?;
            self.inner.matching_index_of_tag(body, tag)
        }))
    }

    /// Verifies, then validates the payload; throws with the first problem found.
    #[wasm_bindgen(js_name = verifyAndValidateScratch)]
    pub fn verify_and_validate_scratch(
        &self,
        signature_len: usize,
        body_len: usize,
    ) -> Result<(), JsValue> {
        staged(signature_len, body_len, |signature, body| {
            self.inner.verify_and_validate(body, signature)
        })
        .map_err(|error| to_js(&error))
    }

    /// For receivers: verifies, then checks the payload tolerantly. Returns
    /// `index \n delivery key \n deviations`, the deviations as a JSON array, or empty when the
    /// body fits the model; throws for a signature problem, a body that is not JSON, or JSON
    /// that is not an object. One pass over the body for the signature and the key.
    #[wasm_bindgen(js_name = deliverScratch)]
    pub fn deliver_scratch(
        &self,
        signature_len: usize,
        body_len: usize,
    ) -> Result<String, JsValue> {
        staged(signature_len, body_len, |signature, body| {
            let authentic = self.inner.authenticate(body, signature)?;
            let found = deviations(body)?;
            let deviations = if found.is_empty() {
                String::new()
            } else {
                deviations_json(&found)
            };
            Ok(format!(
                "{}\n{}\n{deviations}",
                authentic.secret_index, authentic.delivery_key
            ))
        })
        .map_err(|error: Error| to_js(&error))
    }

    /// Verifies and validates strictly, as `verify_and_validate_scratch`, and returns the delivery key.
    #[wasm_bindgen(js_name = verifyAndValidateWithKeyScratch)]
    pub fn verify_and_validate_with_key_scratch(
        &self,
        signature_len: usize,
        body_len: usize,
    ) -> Result<String, JsValue> {
        staged(signature_len, body_len, |signature, body| {
            let authentic = self.inner.authenticate(body, signature)?;
            validate(body)?;
            Ok(authentic.delivery_key)
        })
        .map_err(|error: Error| to_js(&error))
    }

    /// Signs the body in the scratch area with the first secret.
    #[wasm_bindgen(js_name = signScratch)]
    pub fn sign_scratch(&self, body_len: usize) -> String {
        staged(0, body_len, |_, body| self.inner.sign(body))
    }
}

/// The deviations as a JSON array, for the JavaScript side (which parses the body itself).
fn deviations_json(deviations: &[Deviation]) -> String {
    let mut out = String::from("[");
    for (index, deviation) in deviations.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str("{\"path\":");
        json_string(&mut out, &deviation.path);
        out.push_str(",\"expected\":");
        json_string(&mut out, &deviation.expected);
        out.push_str(",\"found\":");
        json_string(&mut out, &deviation.found);
        out.push('}');
    }
    out.push(']');
    out
}

/// A JSON string literal, written by hand: serde_json's serializer is not otherwise in the
/// module, and these strings are short.
fn json_string(out: &mut String, text: &str) {
    use std::fmt::Write;
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => {
                // Writing to a String cannot fail.
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
