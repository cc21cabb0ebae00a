//! Verifying from an `http::HeaderMap` (the `http` feature): the signature header found the way
//! the JavaScript receivers find it, so a Rust receiver answers the same request the same way.

use http::HeaderMap;

use crate::delivery::Delivery;
use crate::error::Error;
use crate::payload::Event;
use crate::signature::Verifier;
use crate::SIGNATURE_HEADER;

/// The `X-Flagsmith-Signature` header's value from a request's headers (names are
/// case-insensitive): every value of a repeated header, joined with `", "` as Fetch and Node
/// join them, so that one matching value is enough; `""` when there is none. A value that is not
/// text is kept as lossy text, to be reported as malformed rather than as missing.
///
/// ```
/// # #[cfg(feature = "http")] {
/// let mut headers = http::HeaderMap::new();
/// headers.append("x-flagsmith-signature", "0".repeat(64).parse().unwrap());
/// headers.append("X-FLAGSMITH-SIGNATURE", "abc".parse().unwrap());
/// let signature = flagsmith_webhooks::signature_from_headers(&headers);
/// assert_eq!(signature, format!("{}, abc", "0".repeat(64)));
/// # }
/// ```
pub fn signature_from_headers(headers: &HeaderMap) -> String {
    headers
        .get_all(SIGNATURE_HEADER)
        .iter()
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

impl Verifier {
    /// [`verify_delivery`](Verifier::verify_delivery) with the signature taken from the
    /// request's headers ([`signature_from_headers`]): every authentic JSON object, typed when it
    /// fits the model, whole with its deviations when not.
    pub fn verify_delivery_from_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Delivery, Error> {
        self.verify_delivery(body, &signature_from_headers(headers))
    }

    /// [`verify_and_parse`](Verifier::verify_and_parse) with the signature taken from the
    /// request's headers ([`signature_from_headers`]).
    pub fn verify_and_parse_from_headers(
        &self,
        headers: &HeaderMap,
        body: &[u8],
    ) -> Result<Event, Error> {
        self.verify_and_parse(body, &signature_from_headers(headers))
    }
}
