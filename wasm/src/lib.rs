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
use flagsmith_webhooks::{validate, Error, Verifier};
use scratch::{error_text, index_or_none, scratch_area, staged, staged_bytes};

use wasm_bindgen::prelude::*;

mod scratch;

#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

fn to_js(error: &Error) -> JsValue {
    JsValue::from_str(&error_text(error))
}

/// The address of the scratch area (see `scratch.rs`), made at least `len` bytes long.
#[wasm_bindgen]
pub fn scratch(len: usize) -> usize {
    scratch_area(len)
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
    /// Keys the `count` secrets JavaScript wrote into the scratch area (their lengths, then
    /// the secrets: `len` bytes in all; see `scratch::verifier_from_scratch`), which is zeroed
    /// once keyed.
    #[wasm_bindgen(constructor)]
    pub fn new(count: usize, len: usize) -> Result<WasmVerifier, JsValue> {
        scratch::verifier_from_scratch(count, len)
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
