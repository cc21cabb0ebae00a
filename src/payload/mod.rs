//! The Flagsmith webhook payload model, and [`parse`].
//!
//! Nothing Flagsmith sent is lost: unknown event types are kept whole, every struct keeps the
//! fields it does not know in `extra`, and numbers keep whether they were integers or floats
//! (`50` and `50.0` both occur on the wire), so [`to_flagsmith_json`](crate::to_flagsmith_json)
//! of a parsed body gives back the bytes Flagsmith sent (it writes floats in their shortest
//! form, as this crate does).

pub(crate) mod convert;
mod envelopes;
mod exact;
mod model;
mod numbers;
mod problems;
mod quick;
pub(crate) mod schema;
pub(crate) mod validate;

use serde_json::{Map, Value};

pub use convert::{Extra, ToJson};
pub use model::*;

use crate::error::Error;
use convert::{expect_object, invalid, FromJson, Path};
use validate::Class;

/// A parsed webhook body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `FLAG_UPDATED`: a feature state was created or changed.
    FlagUpdated(Envelope<FlagChange>),
    /// `FLAG_DELETED`: a feature was deleted (`new_state` is null).
    FlagDeleted(Envelope<FlagChange>),
    /// `FLAG_CREATED`: a feature was created (planned upstream, Flagsmith PR #7900): the data of
    /// FLAG_UPDATED without `previous_state`. Creations may stop arriving as FLAG_UPDATED.
    FlagCreated(Envelope<FlagChange>),
    /// `NEW_VERSION_PUBLISHED`: a version of a feature was published (feature versioning v2).
    NewVersionPublished(Envelope<VersionPublished>),
    /// `AUDIT_LOG_CREATED`: an audit log record, sent to organisation webhooks.
    AuditLogCreated(Envelope<AuditLog>),
    /// The identity integration body, which has no envelope and no `event_type`.
    Identity(IdentityPayload),
    /// An envelope whose `event_type` this version does not know, kept whole.
    Unknown(UnknownEvent),
}

/// The enveloped event types' names as Flagsmith writes them.
pub mod event_types {
    /// See [`Event::FlagUpdated`](super::Event::FlagUpdated).
    pub const FLAG_UPDATED: &str = "FLAG_UPDATED";
    /// See [`Event::FlagDeleted`](super::Event::FlagDeleted).
    pub const FLAG_DELETED: &str = "FLAG_DELETED";
    /// See [`Event::FlagCreated`](super::Event::FlagCreated).
    pub const FLAG_CREATED: &str = "FLAG_CREATED";

    /// Every modelled event type (`KNOWN_EVENT_TYPES` in JavaScript, held to this list by a
    /// test).
    pub const ALL: [&str; 5] = [
        FLAG_UPDATED,
        FLAG_CREATED,
        FLAG_DELETED,
        NEW_VERSION_PUBLISHED,
        AUDIT_LOG_CREATED,
    ];
    /// See [`Event::NewVersionPublished`](super::Event::NewVersionPublished).
    pub const NEW_VERSION_PUBLISHED: &str = "NEW_VERSION_PUBLISHED";
    /// See [`Event::AuditLogCreated`](super::Event::AuditLogCreated).
    pub const AUDIT_LOG_CREATED: &str = "AUDIT_LOG_CREATED";
}

/// The `{"data": …, "event_type": …}` envelope of environment and organisation webhooks.
#[derive(Debug, Clone, PartialEq)]
pub struct Envelope<T> {
    /// The event's data.
    pub data: T,
    /// Top-level fields beside `data` and `event_type` (none today).
    pub extra: Extra,
}

/// An enveloped event of a type this version does not know, kept whole.
#[derive(Debug, Clone, PartialEq)]
pub struct UnknownEvent {
    /// The `event_type` as sent.
    pub event_type: String,
    /// The whole body, `event_type` included.
    pub body: Map<String, Value>,
}

impl Event {
    /// The `event_type` as sent, or `None` for an identity integration body.
    pub fn event_type(&self) -> Option<&str> {
        Some(match self {
            Event::FlagUpdated(_) => event_types::FLAG_UPDATED,
            Event::FlagDeleted(_) => event_types::FLAG_DELETED,
            Event::FlagCreated(_) => event_types::FLAG_CREATED,
            Event::NewVersionPublished(_) => event_types::NEW_VERSION_PUBLISHED,
            Event::AuditLogCreated(_) => event_types::AUDIT_LOG_CREATED,
            Event::Identity(_) => return None,
            Event::Unknown(unknown) => &unknown.event_type,
        })
    }

    /// For FLAG_UPDATED, FLAG_CREATED and FLAG_DELETED, their data.
    pub fn flag_change(&self) -> Option<&FlagChange> {
        match self {
            Event::FlagUpdated(envelope)
            | Event::FlagCreated(envelope)
            | Event::FlagDeleted(envelope) => Some(&envelope.data),
            _ => None,
        }
    }

    /// For any flag event, the state it is about, without matching on the type or unwrapping
    /// an `Option`: the new state of FLAG_UPDATED and FLAG_CREATED, the deleted state of
    /// FLAG_DELETED. `None` for other events (and for a flag event built by hand without that
    /// state: [`parse`] never gives one).
    ///
    /// ```
    /// let body = std::fs::read("tests/fixtures/07_flag_deleted.json")?;
    /// let event = flagsmith_webhooks::parse(&body)?;
    /// let flag = event.flag().expect("a flag event");
    /// assert!(flag.deleted);
    /// println!("{} in {}", flag.state.feature.name, flag.state.environment.name);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn flag(&self) -> Option<FlagView<'_>> {
        let (change, deleted) = match self {
            Event::FlagUpdated(envelope) | Event::FlagCreated(envelope) => (&envelope.data, false),
            Event::FlagDeleted(envelope) => (&envelope.data, true),
            _ => return None,
        };
        let state = if deleted {
            change.previous()?
        } else {
            change.new_state.as_ref()?
        };
        Some(FlagView {
            state,
            deleted,
            change,
        })
    }
}

impl FlagChange {
    /// The state before the change: `None` when Flagsmith sent none, whether the field was
    /// absent (FLAG_CREATED) or null (a state created by this change), which
    /// `previous_state: Option<Option<_>>` keeps apart for the byte-exact round trip.
    pub fn previous(&self) -> Option<&FeatureState> {
        self.previous_state.as_ref().and_then(Option::as_ref)
    }
}

/// What a flag event (FLAG_UPDATED, FLAG_CREATED, FLAG_DELETED) is about; see [`Event::flag`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct FlagView<'a> {
    /// The state the event is about: the new one, or for FLAG_DELETED the deleted one.
    pub state: &'a FeatureState,
    /// Whether the event is FLAG_DELETED.
    pub deleted: bool,
    /// The event's whole data (`changed_by`, `timestamp`, `previous_state`).
    pub change: &'a FlagChange,
}

impl ToJson for Event {
    /// The event as JSON with every field, known or not, in place.
    fn to_json(&self) -> Value {
        fn enveloped<T: ToJson>(event_type: &str, envelope: &Envelope<T>) -> Value {
            let mut value = envelope.to_json();
            if let Value::Object(object) = &mut value {
                object.insert("event_type".into(), Value::String(event_type.into()));
            }
            value
        }
        let event_type = self.event_type().unwrap_or_default();
        match self {
            Event::FlagUpdated(e) | Event::FlagCreated(e) | Event::FlagDeleted(e) => {
                enveloped(event_type, e)
            }
            Event::NewVersionPublished(e) => enveloped(event_type, e),
            Event::AuditLogCreated(e) => enveloped(event_type, e),
            Event::Identity(payload) => payload.to_json(),
            Event::Unknown(unknown) => Value::Object(unknown.body.clone()),
        }
    }
}

/// An envelope's JSON: `data` and the top-level fields beside it (`event_type` among them when
/// it was deserialized on its own; an [`Event`] writes its type itself).
impl<T: ToJson> ToJson for Envelope<T> {
    fn to_json(&self) -> Value {
        let mut object = self.extra.clone();
        object.insert("data".into(), self.data.to_json());
        Value::Object(object)
    }
}

impl<T: FromJson> FromJson for Envelope<T> {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        let mut object = expect_object(value, path)?;
        let data = object.remove("data").ok_or_else(missing_data)?;
        Ok(Envelope {
            data: T::from_json(data, &Path::Key(path, "data"))?,
            extra: object,
        })
    }
}

impl<T: ToJson> serde::Serialize for Envelope<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de, T: FromJson> serde::Deserialize<'de> for Envelope<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Self::from_json(value, &Path::Root).map_err(serde::de::Error::custom)
    }
}

impl serde::Serialize for UnknownEvent {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.body.serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for UnknownEvent {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let body = Map::deserialize(deserializer)?;
        let event_type = match body.get("event_type") {
            Some(Value::String(event_type)) => event_type.clone(),
            _ => {
                return Err(serde::de::Error::custom(
                    "an unknown event needs a string event_type",
                ))
            }
        };
        Ok(UnknownEvent { event_type, body })
    }
}

impl serde::Serialize for Event {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_json().serialize(serializer)
    }
}

impl<'de> serde::Deserialize<'de> for Event {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        from_value(value).map_err(serde::de::Error::custom)
    }
}

/// Parses a webhook body into a typed [`Event`].
///
/// Unknown `event_type`s become [`Event::Unknown`] and unknown fields are kept, so a newer
/// Flagsmith never breaks a receiver. Fails with `invalid_json` (with line and column) when
/// the body is not JSON, and `invalid_payload` (with the JSON path) when it is JSON of the
/// wrong shape, or holds a value that would not mean the same in JavaScript (an integer beyond
/// ±(2^53 − 1), a number beyond a 64-bit float, serde_json's reserved keys). This does **not**
/// check the signature: use [`verify_and_parse`](crate::verify_and_parse) on untrusted input.
///
/// ```
/// use flagsmith_webhooks::model::Event;
/// use flagsmith_webhooks::parse;
/// let body = br#"{"data": {"segment": "x"}, "event_type": "SEGMENT_ARCHIVED"}"#;
/// let Event::Unknown(event) = parse(body)? else { unreachable!() };
/// assert_eq!(event.event_type, "SEGMENT_ARCHIVED");
/// # Ok::<(), flagsmith_webhooks::Error>(())
/// ```
pub fn parse(body: &[u8]) -> Result<Event, Error> {
    // Checked first, in one streaming pass: a rejected body never becomes a tree, which takes
    // many times its size.
    let class = validate::strict(body)?;
    build(parse_json(body)?, class)
}

pub(crate) fn parse_json(body: &[u8]) -> Result<Value, Error> {
    exact::exact_value(body)
}

fn missing_data() -> Error {
    invalid(&Path::Key(&Path::Root, "data"), "the field is missing")
}

/// Builds a typed [`Event`] from a JSON value (for example one you built or deserialized
/// yourself); the same rules as [`parse`].
pub fn from_value(value: Value) -> Result<Event, Error> {
    let class = validate::strict(&value)?;
    build(value, class)
}

/// The typed event of a value that [`validate::strict`] accepted as `class`. The conversions still
/// return errors rather than assume the check, so that nothing here can panic.
pub(crate) fn build(value: Value, class: Class) -> Result<Event, Error> {
    let object = expect_object(value, &Path::Root)?;
    fn envelope<T: FromJson>(mut object: Extra) -> Result<Envelope<T>, Error> {
        object.remove("event_type");
        Envelope::from_json(Value::Object(object), &Path::Root)
    }
    Ok(match class {
        Class::Known(event_types::FLAG_UPDATED) => Event::FlagUpdated(envelope(object)?),
        Class::Known(event_types::FLAG_DELETED) => Event::FlagDeleted(envelope(object)?),
        Class::Known(event_types::FLAG_CREATED) => Event::FlagCreated(envelope(object)?),
        Class::Known(event_types::NEW_VERSION_PUBLISHED) => {
            Event::NewVersionPublished(envelope(object)?)
        }
        Class::Known(_) => Event::AuditLogCreated(envelope(object)?),
        Class::Identity => {
            IdentityPayload::from_json(Value::Object(object), &Path::Root).map(Event::Identity)?
        }
        Class::Unknown => Event::Unknown(UnknownEvent {
            event_type: match object.get("event_type") {
                Some(Value::String(event_type)) => event_type.clone(),
                _ => String::new(),
            },
            body: object,
        }),
    })
}

/// Checks that `body` is a payload [`parse`] accepts, without building the event: the same
/// answer and the same error as `parse`, faster when the body is valid (the case that matters on
/// every request). For callers that read the event some other way, such as `JSON.parse` in
/// JavaScript.
pub fn validate(body: &[u8]) -> Result<(), Error> {
    validate::strict(body).map(drop)
}
