//! The verify-only WebAssembly module of the npm package, behind `flagsmith-webhooks/verify`:
//! [`Verifier`] keying, matching and signing, and nothing that parses. (On other targets it is
//! empty.)
//!
//! It exists for cold starts: the full module (wasm/) compiles in about 1.5 ms in Node, most of
//! it the payload validator, and wasm-bindgen's glue and the package's other JavaScript cost
//! about 3 ms more; this module is a quarter of the size and has no imports, so its binding
//! (pkg/lib/verify-binding.js) is a few lines (bench/coldstart.mjs).
//!
//! No wasm-bindgen: every export takes and returns numbers. Inputs arrive through the scratch
//! area of `wasm/src/scratch.rs`, the same file the full module uses, so both read their
//! inputs and word their errors alike. Verifiers live in a table here and JavaScript holds
//! their index.

#![cfg(target_arch = "wasm32")]
// `#[no_mangle]` counts as unsafe code to the lint; nothing else here is.
#![deny(unsafe_code)]

use flagsmith_webhooks::Verifier;
use scratch::{error_text, index_or_none, scratch_area, staged, staged_bytes, write_scratch};
use std::cell::RefCell;

#[path = "../../wasm/src/scratch.rs"]
mod scratch;

#[cfg(not(target_feature = "atomics"))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

thread_local! {
    /// Every live verifier, at the index JavaScript holds; a freed one leaves `None`, reused.
    static VERIFIERS: RefCell<Vec<Option<Verifier>>> = const { RefCell::new(Vec::new()) };
}

/// Runs `f` on the verifier at `handle`; `otherwise` for a freed or unknown one.
fn with_verifier<T>(handle: usize, otherwise: T, f: impl FnOnce(&Verifier) -> T) -> T {
    VERIFIERS.with(|all| match all.borrow().get(handle) {
        Some(Some(verifier)) => f(verifier),
        _ => otherwise,
    })
}

/// The address of the scratch area, made at least `len` bytes long.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn scratch(len: usize) -> usize {
    scratch_area(len)
}

/// Keys the `count` secrets in the scratch area (`len` bytes: their lengths, then the
/// secrets) and returns the new verifier's handle; on an error, writes its text at the start
/// of the scratch area and returns minus one minus its length.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn verifier_new(count: usize, len: usize) -> i32 {
    match scratch::verifier_from_scratch(count, len) {
        Ok(verifier) => VERIFIERS.with(|all| {
            let mut all = all.borrow_mut();
            let handle = match all.iter().position(Option::is_none) {
                Some(free) => free,
                None => {
                    all.push(None);
                    all.len() - 1
                }
            };
            if let Some(slot) = all.get_mut(handle) {
                *slot = Some(verifier);
            }
            i32::try_from(handle).unwrap_or(-1)
        }),
        Err(error) => error_answer(&error),
    }
}

/// Writes the error's text at the start of the scratch area and returns minus one minus its
/// length. Out of line and cold: V8 compiles a wasm function on its first call, and keeping the
/// formatting out of `verifier_new` keeps it out of a cold start's first keying.
#[cold]
#[inline(never)]
fn error_answer(error: &flagsmith_webhooks::Error) -> i32 {
    let text = error_text(error);
    write_scratch(text.as_bytes());
    i32::try_from(text.len()).map_or(-1, |len| -1 - len)
}

/// Drops the verifier at `handle` (its keyed states are zeroed as it drops).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn verifier_free(handle: usize) {
    VERIFIERS.with(|all| {
        if let Some(slot) = all.borrow_mut().get_mut(handle) {
            *slot = None;
        }
    });
}

/// Index of the secret that signed the body, or -1: the signature header is the first
/// `signature_len` bytes of the scratch area, the body the next `body_len`.
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn match_scratch(handle: usize, signature_len: usize, body_len: usize) -> i32 {
    with_verifier(handle, -1, |verifier| {
        index_or_none(staged(signature_len, body_len, |signature, body| {
            verifier.matching_index(body, signature)
        }))
    })
}

/// Index of the secret that signed the body, or -1, for a header decoded to its 32 bytes
/// (the first 32 bytes of the scratch area, the body after them).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn match_tag_scratch(handle: usize, body_len: usize) -> i32 {
    with_verifier(handle, -1, |verifier| {
        index_or_none(staged_bytes(32, body_len, |tag, body| {
            let tag: &[u8; 32] = tag.try_into().ok()?;
            verifier.matching_index_of_tag(body, tag)
        }))
    })
}

/// Signs the body in the scratch area with the first secret and writes the 64 hex digits at
/// the area's start; returns their length (0 for a freed verifier).
#[allow(unsafe_code)]
#[no_mangle]
pub extern "C" fn sign_scratch(handle: usize, body_len: usize) -> usize {
    let signature = with_verifier(handle, String::new(), |verifier| {
        staged(0, body_len, |_, body| verifier.sign(body))
    });
    write_scratch(signature.as_bytes());
    signature.len()
}
