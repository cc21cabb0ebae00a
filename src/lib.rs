#![doc = include_str!("lib.md")]
#![forbid(unsafe_code)]

#[cfg(feature = "axum")]
pub mod axum;
pub mod delivery;
pub mod diff;
mod error;
#[cfg(feature = "http")]
mod headers;
pub mod mirror;
mod payload;
mod signature;
mod text;
mod wire;

/// The payload model: one type per event Flagsmith sends, every field it documents, and
/// everything else it sends kept in each type's `extra`.
///
/// Every type implements `Serialize` and `Deserialize` in Flagsmith's JSON form, so a parsed
/// state can go into a queue message or a database row of your own.
pub mod model {
    pub use crate::payload::{
        event_types, AuditEnvironment, AuditLog, AuditProject, Author, Envelope, Event, Extra,
        Feature, FeatureSegment, FeatureState, FlagChange, FlagValue, FlagView, IdentityFeature,
        IdentityFlag, IdentityPayload, IdentityRef, MultivariateOption, MultivariateValue,
        NamedRef, Publisher, Segment, SegmentMembership, ToJson, Trait, TraitValue, UnknownEvent,
        VersionPublished, VersionedState,
    };
}

pub use diff::{describe, diff};
pub use error::{Error, MismatchCause};
#[cfg(feature = "http")]
pub use headers::signature_from_headers;
pub use payload::{from_value, parse, validate};
pub use signature::{sign, verify, Authentic, Verifier, SIGNATURE_HEX_LENGTH};
pub use wire::{to_flagsmith_json, value_to_flagsmith_json};

use payload::Event;

/// The header Flagsmith sends the signature in. Header names are case-insensitive; the
/// earliest releases sent it in lower case.
pub const SIGNATURE_HEADER: &str = "X-Flagsmith-Signature";

/// Checks the signature, and only when it matches parses the body.
///
/// `signature` is the header's value (`""` when the header is absent). Errors:
/// `invalid_secret`, `missing_signature`, `malformed_signature`, `signature_mismatch` (with a
/// diagnosed [`MismatchCause`]), then `invalid_json` or `invalid_payload`. For many requests
/// with the same secrets, build a [`Verifier`] once and call
/// [`Verifier::verify_and_parse`].
pub fn verify_and_parse(secret: &[u8], body: &[u8], signature: &str) -> Result<Event, Error> {
    Verifier::new([secret])?.verify_and_parse(body, signature)
}

impl Verifier {
    /// Checks the signature against every secret, and only when one matches parses the body.
    pub fn verify_and_parse(&self, body: &[u8], signature: &str) -> Result<Event, Error> {
        self.check(body, signature)?;
        parse(body)
    }

    /// Checks the signature, then [`validate`]s the body without building the event.
    pub fn verify_and_validate(&self, body: &[u8], signature: &str) -> Result<(), Error> {
        self.check(body, signature)?;
        validate(body)
    }
}
