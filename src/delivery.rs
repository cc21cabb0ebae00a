//! Deliveries: every authentic body that is a JSON object, whether or not it fits the model.
//!
//! Flagsmith never retries a 4xx or 5xx reply, so a receiver that rejected an authentic body
//! for not fitting the model (a field Flagsmith added, a type it changed) would lose that event
//! for good. [`Verifier::verify_delivery`] keeps such a body whole and says how it departs from
//! the model; [`parse`](crate::parse) stays strict.

use serde_json::{Map, Value};

use crate::error::Error;
use crate::payload::validate;
pub use crate::payload::validate::Deviation;
use crate::payload::Event;
use crate::payload::{build, parse_json};
use crate::signature::Verifier;

/// An authentic delivery: which secret signed it, its key, and its payload.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Delivery {
    /// Index of the secret that signed the body (0: the current one).
    pub secret_index: usize,
    /// The same for Flagsmith's byte-identical retries, different for different bodies, and no
    /// signature (see [`Authentic::delivery_key`](crate::Authentic::delivery_key)).
    pub key: String,
    /// The payload, typed when it fits the model.
    pub payload: Payload,
}

/// A delivery's payload.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
// One at a time per request: matching on `Conforming(event)` beats saving 600 bytes of stack.
#[allow(clippy::large_enum_variant)]
pub enum Payload {
    /// It fits the model: what [`parse`](crate::parse) gives.
    Conforming(Event),
    /// It does not: kept whole, with every way it departs from the model.
    NonConforming(NonConforming),
}

/// An authentic body that does not fit the model.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NonConforming {
    /// The body, whole.
    pub body: Map<String, Value>,
    /// Where and how it departs from the model, in the order found (at most 50).
    pub deviations: Vec<Deviation>,
}

impl NonConforming {
    /// The `event_type` as sent, when it is a string.
    pub fn event_type(&self) -> Option<&str> {
        self.body.get("event_type").and_then(Value::as_str)
    }
}

impl Payload {
    /// The typed event, when the payload fits the model.
    pub fn event(&self) -> Option<&Event> {
        match self {
            Payload::Conforming(event) => Some(event),
            Payload::NonConforming(_) => None,
        }
    }

    /// Every way the payload departs from the model; empty when it conforms.
    pub fn deviations(&self) -> &[Deviation] {
        match self {
            Payload::Conforming(_) => &[],
            Payload::NonConforming(body) => &body.deviations,
        }
    }
}

impl Verifier {
    /// Checks the signature and, when it matches, hands over the body whatever its shape, as
    /// long as it is a JSON object: typed when it fits the model, whole with its deviations
    /// when it does not. Fails with the signature errors, `invalid_json`, or `invalid_payload`
    /// for JSON that is not an object. For receivers, where rejecting an authentic delivery
    /// would lose it.
    pub fn verify_delivery(&self, body: &[u8], signature: &str) -> Result<Delivery, Error> {
        let authentic = self.authenticate(body, signature)?;
        let payload = tolerant_payload(body)?;
        Ok(Delivery {
            secret_index: authentic.secret_index,
            key: authentic.delivery_key,
            payload,
        })
    }
}

/// How `body` departs from the model, found in one streaming pass without building it: empty
/// when it conforms (when [`parse`](crate::parse) would accept it). Fails only when the body is
/// not JSON (`invalid_json`) or not a JSON object (`invalid_payload`), as
/// [`Verifier::verify_delivery`] does. For callers that read the body some other way, such as
/// `JSON.parse` in JavaScript.
pub fn deviations(body: &[u8]) -> Result<Vec<Deviation>, Error> {
    let tolerated = validate::tolerant(body)?;
    Ok(match (tolerated.class, tolerated.deviations) {
        (None, list) if list.is_empty() => vec![missing_class()],
        (_, list) => list,
    })
}

/// The payload of a body that may not fit the model; see [`Verifier::verify_delivery`].
pub fn tolerant_payload(body: &[u8]) -> Result<Payload, Error> {
    let tolerated = validate::tolerant(body)?;
    let value = parse_json(body)?;
    match (tolerated.class, tolerated.deviations.is_empty()) {
        (Some(class), true) => build(value, class).map(Payload::Conforming),
        (class, _) => {
            let deviations = match (class, tolerated.deviations) {
                // A class-less body always has a deviation (its event type); kept for safety.
                (None, list) if list.is_empty() => vec![missing_class()],
                (_, list) => list,
            };
            match value {
                Value::Object(body) => {
                    Ok(Payload::NonConforming(NonConforming { body, deviations }))
                }
                _ => Err(Error::InvalidPayload {
                    path: "(the top level)".into(),
                    reason: "expected an object".into(),
                }),
            }
        }
    }
}

fn missing_class() -> Deviation {
    Deviation {
        path: "event_type".into(),
        expected: "a string".into(),
        found: "nothing".into(),
    }
}
