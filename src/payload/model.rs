//! The structs and value types of every Flagsmith payload.
//!
//! Field names are Flagsmith's own, so the types read like the payload. A field that may be
//! null is an `Option`; a field that may be *absent* is marked `@optional` and is an `Option`
//! whose `None` means absent, so one that may be absent or null (`previous_state`) is an
//! `Option<Option<T>>`: `None` absent, `Some(None)` null. Every struct keeps the fields it does
//! not know in `extra`.

use serde_json::{Number, Value};

use super::convert::{invalid, json_serde, record, type_name, FromJson, Path, ToJson};
use super::schema::{Kind, Shape};
use crate::error::Error;

record! {
    /// `data` of FLAG_UPDATED and FLAG_DELETED.
    pub struct FlagChange {
        /// An e-mail address, a master API key's name, or `""`. For FLAG_DELETED, the author
        /// of the last edit before the deletion.
        pub changed_by: String,
        /// The state after the change; `None` (null) for FLAG_DELETED.
        pub new_state: Option<FeatureState>,
        /// The state before the change: `None` when the key is absent (a new feature or a
        /// first override), `Some(None)` when it is null. Often inaccurate on real servers:
        /// never treat it as authoritative.
        @optional pub previous_state: Option<Option<FeatureState>>,
        /// `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `""`. For FLAG_DELETED, the time of the last
        /// edit before the deletion.
        pub timestamp: String,
    }
}

record! {
    /// A feature state: the environment default, a segment override or an identity override.
    pub struct FeatureState {
        /// Whether the feature is on in this state.
        pub enabled: bool,
        /// The environment the state belongs to.
        pub environment: NamedRef,
        /// The feature.
        pub feature: Feature,
        /// Set for a segment override; never together with `identity`.
        pub feature_segment: Option<FeatureSegment>,
        /// The value (for a multivariate feature, the control value).
        pub feature_state_value: FlagValue,
        /// Set for an identity override: an int for core identities, a UUID string for edge
        /// identities.
        pub identity: Option<IdentityRef>,
        /// The identity's identifier, set exactly when `identity` is.
        pub identity_identifier: Option<String>,
        /// Absent on servers older than 2.214; otherwise an array, possibly empty, in no
        /// guaranteed order.
        @optional pub multivariate_feature_state_values: Option<Vec<MultivariateValue>>,
    }
}

record! {
    /// `{id, name}` of an environment, a project or a feature.
    pub struct NamedRef {
        /// Numeric id.
        pub id: i64,
        /// Display name.
        pub name: String,
    }
}

record! {
    /// The feature a state belongs to.
    pub struct Feature {
        /// Numeric id.
        pub id: i64,
        /// The feature's name (its key in SDKs).
        pub name: String,
        /// RFC 3339 with six fractional digits and `Z`.
        pub created_date: String,
        /// Whether new environments get it enabled.
        pub default_enabled: bool,
        /// Free text, or null.
        pub description: Option<String>,
        /// Always a string (even for the integer 42), or null.
        pub initial_value: Option<String>,
        /// The project.
        pub project: NamedRef,
        /// `STANDARD` or `MULTIVARIATE` today; `CONFIG` and `FLAG` in older data and the test
        /// button's sample; an open set.
        pub r#type: String,
    }
}

record! {
    /// A segment override's segment and priority.
    pub struct FeatureSegment {
        /// 0 is the highest priority.
        pub priority: i64,
        /// The segment.
        pub segment: Segment,
    }
}

record! {
    /// A segment.
    pub struct Segment {
        /// Numeric id.
        pub id: i64,
        /// Display name.
        pub name: String,
        /// Free text, or null.
        pub description: Option<String>,
    }
}

record! {
    /// One weighted variant of a multivariate feature state.
    pub struct MultivariateValue {
        /// Id of this allocation.
        pub id: i64,
        /// The option it allocates.
        pub multivariate_feature_option: MultivariateOption,
        /// Percentage as written: usually a float (`30.0`), an integer in the test button's
        /// sample (`50`).
        pub percentage_allocation: Number,
    }
}

record! {
    /// A multivariate option.
    pub struct MultivariateOption {
        /// The option's id, which identifies it across states.
        pub id: i64,
        /// Its value.
        pub value: FlagValue,
    }
}

record! {
    /// `data` of NEW_VERSION_PUBLISHED. It has no timestamp, author name or environment.
    pub struct VersionPublished {
        /// The version's UUID.
        pub uuid: String,
        /// `{id, name}` of the feature.
        pub feature: NamedRef,
        /// Null when an API key published the version.
        pub published_by: Option<Publisher>,
        /// Every state in the version (environment default and segment overrides,
        /// indistinguishable).
        pub feature_states: Vec<VersionedState>,
    }
}

record! {
    /// The user who published a version.
    pub struct Publisher {
        /// User id.
        pub id: i64,
        /// E-mail address.
        pub email: String,
    }
}

record! {
    /// One state of a published version.
    pub struct VersionedState {
        /// Whether the feature is on in this state.
        pub enabled: bool,
        /// The value.
        pub value: FlagValue,
        /// Absent on servers older than 2.234.
        @optional pub multivariate_feature_state_values: Option<Vec<MultivariateValue>>,
    }
}

record! {
    /// `data` of AUDIT_LOG_CREATED.
    pub struct AuditLog {
        /// The record's id (absent in the test button's sample).
        @optional pub id: Option<i64>,
        /// RFC 3339 with `Z`; the fraction is omitted when it is zero.
        pub created_date: String,
        /// The log line, for example `New Flag / Remote Config created: my_feature`.
        pub log: String,
        /// Null for changes made with an API key or by the system.
        pub author: Option<Author>,
        /// Usually null for project-level records.
        pub environment: Option<AuditEnvironment>,
        /// The project, with its settings.
        pub project: Option<AuditProject>,
        /// Id of the object the record is about.
        pub related_object_id: Option<i64>,
        /// UUID of the object the record is about; absent in the test button's sample.
        @optional pub related_object_uuid: Option<Option<String>>,
        /// `FEATURE`, `FEATURE_STATE`, `SEGMENT`, `ENVIRONMENT`, `CHANGE_REQUEST`,
        /// `EDGE_IDENTITY`, … an open set.
        pub related_object_type: Option<String>,
        /// Absent in the test button's sample.
        @optional pub is_system_event: Option<bool>,
    }
}

record! {
    /// The author of an audit record.
    pub struct Author {
        /// User id.
        pub id: i64,
        /// E-mail address.
        pub email: String,
        /// First name.
        pub first_name: String,
        /// Last name.
        pub last_name: String,
        /// Absent in the test button's sample; null when the user never logged in.
        @optional pub last_login: Option<Option<String>>,
        /// Absent in the test button's sample.
        @optional pub uuid: Option<String>,
    }
}

record! {
    /// The environment of an audit record: a large settings object that grows between
    /// releases; the settings not named here are in `extra`.
    pub struct AuditEnvironment {
        /// Numeric id.
        pub id: i64,
        /// Display name.
        pub name: String,
        /// UUID.
        @optional pub uuid: Option<String>,
        /// The client-side environment key.
        @optional pub api_key: Option<String>,
        /// The project's id.
        @optional pub project: Option<i64>,
    }
}

record! {
    /// The project of an audit record, with its settings (those not named here are in
    /// `extra`).
    pub struct AuditProject {
        /// Numeric id.
        pub id: i64,
        /// Display name.
        pub name: String,
        /// UUID (absent in the test button's sample).
        @optional pub uuid: Option<String>,
        /// The organisation's id.
        @optional pub organisation: Option<i64>,
    }
}

record! {
    /// The identity integration body: no envelope, recognised by its keys.
    pub struct IdentityPayload {
        /// The identity's identifier.
        pub identity: String,
        /// Its traits.
        pub traits: Vec<Trait>,
        /// Its flags.
        pub flags: Vec<IdentityFlag>,
        /// The segments evaluated for it.
        pub segments: Vec<SegmentMembership>,
    }
}

record! {
    /// A trait of an identity.
    pub struct Trait {
        /// Numeric id (null for transient traits).
        pub id: Option<i64>,
        /// The trait's key.
        pub trait_key: String,
        /// Its value.
        pub trait_value: TraitValue,
        /// Whether the trait is transient (not stored).
        @optional pub transient: Option<bool>,
    }
}

record! {
    /// A flag of an identity.
    pub struct IdentityFlag {
        /// Numeric id of the feature state.
        pub id: i64,
        /// The feature.
        pub feature: IdentityFeature,
        /// The value.
        pub feature_state_value: FlagValue,
        /// The environment's id.
        pub environment: i64,
        /// The identity's id, when the state is an identity override.
        pub identity: Option<i64>,
        /// The feature segment's id, when the state is a segment override.
        pub feature_segment: Option<i64>,
        /// Whether the flag is on.
        pub enabled: bool,
        /// Present only when truthy: a float for a multivariate option, else null.
        @optional pub percentage_allocation: Option<Option<Number>>,
    }
}

record! {
    /// The feature of an identity's flag.
    pub struct IdentityFeature {
        /// Numeric id.
        pub id: i64,
        /// The feature's name.
        pub name: String,
        /// RFC 3339.
        pub created_date: String,
        /// Free text, or null.
        pub description: Option<String>,
        /// A string, or null.
        pub initial_value: Option<String>,
        /// Whether new environments get it enabled.
        pub default_enabled: bool,
        /// `STANDARD`, `MULTIVARIATE`, … an open set.
        pub r#type: String,
    }
}

record! {
    /// Whether an identity belongs to a segment.
    pub struct SegmentMembership {
        /// Numeric id.
        pub id: i64,
        /// Display name.
        pub name: String,
        /// Whether the identity is a member.
        pub member: bool,
    }
}

/// A flag's value: a string, an integer, a boolean, or null; a float too, which Flagsmith
/// does not send today but plans to (kept as written).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FlagValue {
    /// No value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// Text.
    String(String),
    /// A number with a fraction or an exponent.
    Float(Number),
}

impl FromJson for FlagValue {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(FlagValue::Null),
            Value::Bool(b) => Ok(FlagValue::Bool(b)),
            Value::String(s) => Ok(FlagValue::String(s)),
            Value::Number(number) => Ok(match number.as_i64() {
                Some(integer) => FlagValue::Integer(integer),
                None => FlagValue::Float(number),
            }),
            other => Err(invalid(
                path,
                format!(
                    "expected a string, a number, a boolean or null, found {}",
                    type_name(&other)
                ),
            )),
        }
    }
}

impl Shape for FlagValue {
    const KIND: Kind = Kind::FlagValue;
}

impl ToJson for FlagValue {
    fn to_json(&self) -> Value {
        match self {
            FlagValue::Null => Value::Null,
            FlagValue::Bool(b) => Value::Bool(*b),
            FlagValue::Integer(i) => i.to_json(),
            FlagValue::String(s) => Value::String(s.clone()),
            FlagValue::Float(number) => Value::Number(number.clone()),
        }
    }
}

/// The `identity` of an identity override: an int for core identities, a UUID string for
/// edge identities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentityRef {
    /// A core identity's id (or a migrated edge identity's).
    Id(i64),
    /// An edge identity's UUID.
    Uuid(String),
}

impl FromJson for IdentityRef {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::String(s) => Ok(IdentityRef::Uuid(s)),
            number @ Value::Number(_) => i64::from_json(number, path).map(IdentityRef::Id),
            other => Err(invalid(
                path,
                format!(
                    "expected an integer or a string, found {}",
                    type_name(&other)
                ),
            )),
        }
    }
}

impl Shape for IdentityRef {
    const KIND: Kind = Kind::IdentityRef;
}

impl ToJson for IdentityRef {
    fn to_json(&self) -> Value {
        match self {
            IdentityRef::Id(i) => i.to_json(),
            IdentityRef::Uuid(s) => Value::String(s.clone()),
        }
    }
}

/// A trait value: text, a number (integer or float, as written), a boolean, or null.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraitValue {
    /// No value.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number as written, for example `21` or `0.5`.
    Number(Number),
    /// Text.
    String(String),
}

impl FromJson for TraitValue {
    fn from_json(value: Value, path: &Path<'_>) -> Result<Self, Error> {
        match value {
            Value::Null => Ok(TraitValue::Null),
            Value::Bool(b) => Ok(TraitValue::Bool(b)),
            Value::Number(n) => Ok(TraitValue::Number(n)),
            Value::String(s) => Ok(TraitValue::String(s)),
            other => Err(invalid(
                path,
                format!(
                    "expected a string, a number, a boolean or null, found {}",
                    type_name(&other)
                ),
            )),
        }
    }
}

impl Shape for TraitValue {
    const KIND: Kind = Kind::TraitValue;
}

impl ToJson for TraitValue {
    fn to_json(&self) -> Value {
        match self {
            TraitValue::Null => Value::Null,
            TraitValue::Bool(b) => Value::Bool(*b),
            TraitValue::Number(n) => Value::Number(n.clone()),
            TraitValue::String(s) => Value::String(s.clone()),
        }
    }
}

json_serde!(FlagValue);
json_serde!(IdentityRef);
json_serde!(TraitValue);
