//! A verifier keyed once, exported through wasm-bindgen the way the package's is: the least a
//! WebAssembly HMAC verifier must compile, instantiate and run on its first call.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use wasm_bindgen::prelude::*;

/// HMAC-SHA256 keyed once.
#[wasm_bindgen]
pub struct Verifier {
    mac: Hmac<Sha256>,
}

#[wasm_bindgen]
impl Verifier {
    /// Keys the HMAC with `secret`.
    #[wasm_bindgen(constructor)]
    pub fn new(secret: &[u8]) -> Verifier {
        let mac = Hmac::new_from_slice(secret).unwrap_or_else(|_| Hmac::new(&Default::default()));
        Verifier { mac }
    }

    /// True when `tag` (32 bytes) is the HMAC of `body`, compared in constant time.
    pub fn verify(&self, body: &[u8], tag: &[u8]) -> bool {
        let mut mac = self.mac.clone();
        mac.update(body);
        mac.verify_slice(tag).is_ok()
    }
}
