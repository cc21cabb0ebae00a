//! The WebAssembly binding of the `flagsmith-webhooks` crate, and the only code that knows
//! wasm-bindgen: it translates arguments and errors, nothing else. (On other targets it is
//! empty.)
//!
//! The JavaScript entry files in `pkg/` wrap these exports; the one-shot `sign` and `verify`
//! there reuse a cached [`Verifier`], so only the class is exported. The serializer, `diff` and
//! `describe` have JavaScript twins in `pkg/lib/model.js` instead of exports here, because a
//! .wasm file cannot be tree-shaken (see that file). Each operation comes in a `Bytes`
//! and a `Text` form, so that a string body is encoded once, straight into wasm memory, rather
//! than first into a `Uint8Array`. Parsed events do not cross the boundary as objects: wasm
//! validates the body against the typed model, and JavaScript materialises it with
//! `JSON.parse`, which is several times faster than building objects from wasm.
//!
//! Errors cross as one string, `code \n hint \n message`, which the JavaScript side turns into
//! a `FlagsmithWebhookError`; this keeps js-sys out of the module.

#![cfg(target_arch = "wasm32")]

use flagsmith_webhooks::delivery::{deviations, Deviation};
use flagsmith_webhooks::{validate, Error, MismatchCause, Verifier};
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

/// Checks that `body` is a Flagsmith payload; throws `invalid_json` or `invalid_payload`.
#[wasm_bindgen(js_name = validateBytes)]
pub fn validate_bytes(body: &[u8]) -> Result<(), JsValue> {
    validate(body).map_err(|error| to_js(&error))
}

/// [`validate_bytes`] for a body given as text.
#[wasm_bindgen(js_name = validateText)]
pub fn validate_text(body: &str) -> Result<(), JsValue> {
    validate_bytes(body.as_bytes())
}

/// A [`Verifier`] for JavaScript.
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
    #[wasm_bindgen(js_name = matchBytes)]
    pub fn match_bytes(&self, body: &[u8], signature: &str) -> i32 {
        self.inner
            .matching_index(body, signature)
            .and_then(|index| i32::try_from(index).ok())
            .unwrap_or(-1)
    }

    /// [`WasmVerifier::match_bytes`] for a body given as text.
    #[wasm_bindgen(js_name = matchText)]
    pub fn match_text(&self, body: &str, signature: &str) -> i32 {
        self.match_bytes(body.as_bytes(), signature)
    }

    /// Verifies, then validates the payload; throws with the first problem found.
    #[wasm_bindgen(js_name = checkBytes)]
    pub fn check_bytes(&self, body: &[u8], signature: &str) -> Result<(), JsValue> {
        self.inner
            .verify_and_validate(body, signature)
            .map_err(|error| to_js(&error))
    }

    /// [`WasmVerifier::check_bytes`] for a body given as text.
    #[wasm_bindgen(js_name = checkText)]
    pub fn check_text(&self, body: &str, signature: &str) -> Result<(), JsValue> {
        self.check_bytes(body.as_bytes(), signature)
    }

    /// For receivers: verifies, then checks the payload tolerantly. Returns
    /// `index \n delivery key \n deviations`, the deviations as a JSON array, or empty when the
    /// body fits the model; throws for a signature problem, a body that is not JSON, or JSON
    /// that is not an object. One pass over the body for the signature and the key.
    #[wasm_bindgen(js_name = deliverBytes)]
    pub fn deliver_bytes(&self, body: &[u8], signature: &str) -> Result<String, JsValue> {
        let authentic = self
            .inner
            .authenticate(body, signature)
            .map_err(|error| to_js(&error))?;
        let found = deviations(body).map_err(|error| to_js(&error))?;
        let deviations = if found.is_empty() {
            String::new()
        } else {
            deviations_json(&found)
        };
        Ok(format!(
            "{}\n{}\n{deviations}",
            authentic.secret_index, authentic.delivery_key
        ))
    }

    /// [`WasmVerifier::deliver_bytes`] for a body given as text.
    #[wasm_bindgen(js_name = deliverText)]
    pub fn deliver_text(&self, body: &str, signature: &str) -> Result<String, JsValue> {
        self.deliver_bytes(body.as_bytes(), signature)
    }

    /// Verifies and validates strictly, as `check_bytes`, and returns the delivery key.
    #[wasm_bindgen(js_name = checkKeyBytes)]
    pub fn check_key_bytes(&self, body: &[u8], signature: &str) -> Result<String, JsValue> {
        let authentic = self
            .inner
            .authenticate(body, signature)
            .map_err(|error| to_js(&error))?;
        validate(body).map_err(|error| to_js(&error))?;
        Ok(authentic.delivery_key)
    }

    /// [`WasmVerifier::check_key_bytes`] for a body given as text.
    #[wasm_bindgen(js_name = checkKeyText)]
    pub fn check_key_text(&self, body: &str, signature: &str) -> Result<String, JsValue> {
        self.check_key_bytes(body.as_bytes(), signature)
    }

    /// Signs with the first secret.
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(&self, body: &[u8]) -> String {
        self.inner.sign(body)
    }

    /// [`WasmVerifier::sign_bytes`] for a body given as text.
    #[wasm_bindgen(js_name = signText)]
    pub fn sign_text(&self, body: &str) -> String {
        self.inner.sign(body.as_bytes())
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
