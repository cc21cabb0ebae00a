//! A local flag-state mirror: the state of every flag a stream of webhooks has told it about,
//! the same whatever order the deliveries arrive in. The twin of the npm package's
//! `FlagMirror`; both are held to `tests/mirror-vectors.json` and to each other over generated
//! streams.
//!
//! What holds for any arrival order (and any number of byte-identical copies):
//!
//! - per environment, feature and scope (the environment default, a segment override, an
//!   identity override), the state with the latest `timestamp` wins; equal timestamps are
//!   settled by comparing the states' canonical JSON, so the winner never depends on arrival
//!   order;
//! - a FLAG_DELETED removes the feature from its environment for good, whatever the timestamps
//!   (its `timestamp` is the deleted state's own last edit; feature ids are never reused);
//! - a state with `timestamp: ""` loses to any dated one;
//! - only `new_state` is trusted; NEW_VERSION_PUBLISHED (no environment, no scope), non-flag
//!   events and the dashboard's Test webhook sample (made-up ids that collide with real ones)
//!   change nothing.
//!
//! Segment rules, removed overrides and identity resets never arrive as flag events: load the
//! full state from Flagsmith's API with [`FlagMirror::from_snapshot`] and keep applying
//! webhooks on top.
//!
//! ```
//! use flagsmith_webhooks::mirror::{FlagMirror, Lookup};
//! use flagsmith_webhooks::parse;
//!
//! let mut mirror = FlagMirror::new();
//! # let body = br#"{"data": {"changed_by": "jane.doe@example.com", "new_state": {"enabled": true, "environment": {"id": 22, "name": "Development"}, "feature": {"created_date": "2025-11-30T22:10:00.450000Z", "default_enabled": false, "description": null, "id": 7400, "initial_value": null, "name": "dark_mode", "project": {"id": 12, "name": "Web Shop"}, "type": "STANDARD"}, "feature_segment": null, "feature_state_value": true, "identity": null, "identity_identifier": null, "multivariate_feature_state_values": []}, "timestamp": "2026-08-21T12:00:00.000000Z"}, "event_type": "FLAG_UPDATED"}"#;
//! let event = parse(body)?;
//! assert!(mirror.apply(&event).changed());
//! let state = mirror.get(Lookup::Name("Development"), Lookup::Name("dark_mode"));
//! assert_eq!(state.map(|s| s.enabled), Some(true));
//! # Ok::<(), flagsmith_webhooks::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::error::Error;
use crate::payload::{Event, FeatureState, FlagValue, IdentityRef, ToJson};

/// The snapshot format's name, the same in both languages.
pub const SNAPSHOT_FORMAT: &str = "flagsmith-webhooks/flag-mirror@1";

/// What [`FlagMirror::apply`] did with an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The mirror's state changed.
    Changed,
    /// Nothing changed, and why.
    Unchanged(&'static str),
}

impl Applied {
    /// Whether the state changed.
    pub fn changed(self) -> bool {
        self == Applied::Changed
    }
}

/// An environment, feature, segment or identity, by id or by name.
#[derive(Debug, Clone, Copy)]
pub enum Lookup<'a> {
    /// By id.
    Id(i64),
    /// By name (for an identity, its identifier).
    Name(&'a str),
}

/// One flag state in a mirror.
#[derive(Debug, Clone, PartialEq)]
pub struct MirroredState {
    /// The environment's id and name.
    pub environment: (i64, String),
    /// The feature's id and name.
    pub feature: (i64, String),
    /// `default`, `segment:<id>` or `identity:<id>`.
    pub scope: String,
    /// Whether the flag is on.
    pub enabled: bool,
    /// The value (for a multivariate feature, the control value).
    pub value: FlagValue,
    /// The state's `timestamp` as sent (`""` when Flagsmith sent none).
    pub timestamp: String,
    /// The whole entry as both languages write it (and compare it on equal timestamps).
    snapshot: Value,
    canonical: String,
}

/// The mirror.
#[derive(Debug, Clone, Default)]
pub struct FlagMirror {
    states: BTreeMap<(i64, i64), BTreeMap<String, MirroredState>>,
    deleted: BTreeSet<(i64, i64)>,
}

/// The dashboard's Test webhook sample: a fixed time and feature no real event has together.
fn is_test_button_sample(timestamp: &str, state: &FeatureState) -> bool {
    timestamp == "2021-06-18T07:50:26.595298Z"
        && state.feature.name == "test_feature"
        && state.feature.created_date == "2021-02-10T20:03:43.348556Z"
}

fn scope_of(state: &FeatureState) -> String {
    match (&state.identity, &state.feature_segment) {
        (Some(IdentityRef::Id(id)), _) => format!("identity:{id}"),
        (Some(IdentityRef::Uuid(id)), _) => format!("identity:{id}"),
        (None, Some(segment)) => format!("segment:{}", segment.segment.id),
        (None, None) => "default".to_owned(),
    }
}

/// JSON text with sorted keys and numbers written as JavaScript writes them, so that the two
/// languages compare entries the same way: serde_json writes the float 50.0 as `50.0`,
/// JavaScript as `50`, and `50.0` sorts after `50.5` where `50` sorts before it.
fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let fields: Vec<String> = keys
                .into_iter()
                .map(|key| {
                    let value = map.get(key).map_or_else(String::new, canonical);
                    format!("{}:{value}", Value::String(key.clone()))
                })
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        Value::Number(number) => match (number.as_i64(), number.as_u64(), number.as_f64()) {
            (Some(integer), _, _) => integer.to_string(),
            (None, Some(integer), _) => integer.to_string(),
            // Rust's shortest round-trip form is JavaScript's for every finite float a payload
            // holds in practice (it differs only past 1e21 and below 1e-7).
            (None, None, Some(float)) => float.to_string(),
            _ => number.to_string(),
        },
        other => other.to_string(),
    }
}

fn entry(state: &FeatureState, timestamp: &str) -> MirroredState {
    let scope = scope_of(state);
    let mut multivariate: Vec<Value> = state
        .multivariate_feature_state_values
        .iter()
        .flatten()
        .map(|mv| {
            json!({
                "id": mv.multivariate_feature_option.id,
                "value": mv.multivariate_feature_option.value.to_json(),
                "percentage_allocation": Value::Number(mv.percentage_allocation.clone()),
            })
        })
        .collect();
    multivariate.sort_by_key(|mv| mv.get("id").and_then(Value::as_i64).unwrap_or_default());
    let mut snapshot = json!({
        "environment": { "id": state.environment.id, "name": state.environment.name },
        "feature": { "id": state.feature.id, "name": state.feature.name, "type": state.feature.r#type },
        "scope": scope,
        "enabled": state.enabled,
        "value": state.feature_state_value.to_json(),
        "multivariate": multivariate,
        "timestamp": timestamp,
    });
    if let (Some(object), Some(segment)) = (snapshot.as_object_mut(), &state.feature_segment) {
        object.insert(
            "segment".into(),
            json!({ "id": segment.segment.id, "name": segment.segment.name, "priority": segment.priority }),
        );
    }
    if let (Some(object), Some(identity)) = (snapshot.as_object_mut(), &state.identity) {
        object.insert(
            "identity".into(),
            json!({ "id": identity.to_json(), "identifier": state.identity_identifier }),
        );
    }
    MirroredState {
        environment: (state.environment.id, state.environment.name.clone()),
        feature: (state.feature.id, state.feature.name.clone()),
        scope,
        enabled: state.enabled,
        value: state.feature_state_value.clone(),
        timestamp: timestamp.to_owned(),
        canonical: canonical(&snapshot),
        snapshot,
    }
}

impl MirroredState {
    /// The entry as the snapshot (and JavaScript's `toJSON`) writes it.
    pub fn to_json(&self) -> Value {
        self.snapshot.clone()
    }

    /// Whether this state replaces `held`: a later timestamp, or on equal ones the larger
    /// canonical JSON.
    fn replaces(&self, held: &MirroredState) -> bool {
        if self.timestamp != held.timestamp {
            return self.timestamp > held.timestamp;
        }
        self.canonical > held.canonical
    }

    fn matches(&self, scope: Option<(&str, Lookup<'_>)>) -> bool {
        let Some((kind, wanted)) = scope else {
            return self.scope == "default";
        };
        let Some(part) = self.snapshot.get(kind) else {
            return false;
        };
        let name_field = if kind == "identity" {
            "identifier"
        } else {
            "name"
        };
        match wanted {
            Lookup::Id(id) => part.get("id").and_then(Value::as_i64) == Some(id),
            Lookup::Name(name) => {
                part.get(name_field).and_then(Value::as_str) == Some(name)
                    || part.get("id").and_then(Value::as_str) == Some(name)
            }
        }
    }
}

impl FlagMirror {
    /// An empty mirror.
    pub fn new() -> Self {
        FlagMirror::default()
    }

    /// Applies one event; see the module's rules.
    pub fn apply(&mut self, event: &Event) -> Applied {
        match event {
            Event::FlagUpdated(envelope) | Event::FlagCreated(envelope) => {
                let Some(state) = &envelope.data.new_state else {
                    return Applied::Unchanged("no new state");
                };
                if is_test_button_sample(&envelope.data.timestamp, state) {
                    return Applied::Unchanged("Flagsmith's Test webhook sample");
                }
                self.update(state, &envelope.data.timestamp)
            }
            Event::FlagDeleted(envelope) => match envelope.data.previous() {
                Some(state) => self.delete(state),
                None => Applied::Unchanged("no deleted state"),
            },
            Event::NewVersionPublished(_) => {
                Applied::Unchanged("NEW_VERSION_PUBLISHED names no environment and no scope")
            }
            _ => Applied::Unchanged("not a flag event"),
        }
    }

    fn update(&mut self, state: &FeatureState, timestamp: &str) -> Applied {
        let key = (state.environment.id, state.feature.id);
        if self.deleted.contains(&key) {
            return Applied::Unchanged("the feature was deleted from this environment");
        }
        let incoming = entry(state, timestamp);
        let scopes = self.states.entry(key).or_default();
        if let Some(held) = scopes.get(&incoming.scope) {
            if !incoming.replaces(held) {
                return Applied::Unchanged("an equal or later state is already applied");
            }
        }
        scopes.insert(incoming.scope.clone(), incoming);
        Applied::Changed
    }

    fn delete(&mut self, state: &FeatureState) -> Applied {
        let key = (state.environment.id, state.feature.id);
        if !self.deleted.insert(key) {
            return Applied::Unchanged("already deleted");
        }
        self.states.remove(&key);
        Applied::Changed
    }

    /// The environment default of a feature; `None` when unknown or deleted.
    pub fn get(&self, environment: Lookup<'_>, feature: Lookup<'_>) -> Option<&MirroredState> {
        self.find(environment, feature, None)
    }

    /// A segment override (segment by id or name).
    pub fn get_segment(
        &self,
        environment: Lookup<'_>,
        feature: Lookup<'_>,
        segment: Lookup<'_>,
    ) -> Option<&MirroredState> {
        self.find(environment, feature, Some(("segment", segment)))
    }

    /// An identity override (identity by id or identifier).
    pub fn get_identity(
        &self,
        environment: Lookup<'_>,
        feature: Lookup<'_>,
        identity: Lookup<'_>,
    ) -> Option<&MirroredState> {
        self.find(environment, feature, Some(("identity", identity)))
    }

    fn find(
        &self,
        environment: Lookup<'_>,
        feature: Lookup<'_>,
        scope: Option<(&str, Lookup<'_>)>,
    ) -> Option<&MirroredState> {
        let is = |wanted: Lookup<'_>, (id, name): &(i64, String)| match wanted {
            Lookup::Id(wanted) => wanted == *id,
            Lookup::Name(wanted) => wanted == name,
        };
        self.states
            .values()
            .flat_map(BTreeMap::values)
            .find(|state| {
                is(environment, &state.environment)
                    && is(feature, &state.feature)
                    && state.matches(scope)
            })
    }

    /// Whether the feature was deleted from the environment.
    pub fn is_deleted(&self, environment: i64, feature: i64) -> bool {
        self.deleted.contains(&(environment, feature))
    }

    /// The canonical snapshot: the same state gives the same value whatever order the events
    /// came in, and JavaScript's `toJSON()` gives the same JSON.
    pub fn snapshot(&self) -> Value {
        let states: Vec<Value> = self
            .states
            .values()
            .flat_map(BTreeMap::values)
            .map(MirroredState::to_json)
            .collect();
        let deleted: Vec<Value> = self
            .deleted
            .iter()
            .map(|(environment, feature)| json!({ "environment": environment, "feature": feature }))
            .collect();
        json!({ "format": SNAPSHOT_FORMAT, "states": states, "deleted": deleted })
    }

    /// The snapshot as text, as JavaScript writes `JSON.stringify(mirror.toJSON())` with
    /// sorted keys: for comparing the two languages.
    pub fn canonical_snapshot(&self) -> String {
        canonical(&self.snapshot())
    }

    /// A mirror from a snapshot (this crate's or JavaScript's), for a restart or a
    /// resynchronisation from Flagsmith's API.
    pub fn from_snapshot(snapshot: &Value) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidPayload {
            path: "(the snapshot)".into(),
            reason: format!("{reason}; expected what FlagMirror::snapshot gives"),
        };
        if snapshot.get("format").and_then(Value::as_str) != Some(SNAPSHOT_FORMAT) {
            return Err(invalid("not a flag mirror snapshot"));
        }
        let mut mirror = FlagMirror::new();
        for item in snapshot
            .get("deleted")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("no deleted list"))?
        {
            let environment = item.get("environment").and_then(Value::as_i64);
            let feature = item.get("feature").and_then(Value::as_i64);
            let (Some(environment), Some(feature)) = (environment, feature) else {
                return Err(invalid("a deleted entry without ids"));
            };
            mirror.deleted.insert((environment, feature));
        }
        for state in snapshot
            .get("states")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid("no states list"))?
        {
            let restored = restore(state).ok_or_else(|| invalid("a state it cannot read"))?;
            mirror
                .states
                .entry((restored.environment.0, restored.feature.0))
                .or_default()
                .insert(restored.scope.clone(), restored);
        }
        Ok(mirror)
    }
}

fn restore(state: &Value) -> Option<MirroredState> {
    let text = |value: &Value, key: &str| value.get(key)?.as_str().map(str::to_owned);
    let environment = state.get("environment")?;
    let feature = state.get("feature")?;
    let value = match state.get("value")? {
        Value::Null => FlagValue::Null,
        Value::Bool(flag) => FlagValue::Bool(*flag),
        Value::String(text) => FlagValue::String(text.clone()),
        Value::Number(number) => number
            .as_i64()
            .map_or_else(|| FlagValue::Float(number.clone()), FlagValue::Integer),
        _ => return None,
    };
    let snapshot = Value::Object(
        state
            .as_object()?
            .clone()
            .into_iter()
            .collect::<Map<_, _>>(),
    );
    Some(MirroredState {
        environment: (environment.get("id")?.as_i64()?, text(environment, "name")?),
        feature: (feature.get("id")?.as_i64()?, text(feature, "name")?),
        scope: text(state, "scope")?,
        enabled: state.get("enabled")?.as_bool()?,
        value,
        timestamp: text(state, "timestamp")?,
        canonical: canonical(&snapshot),
        snapshot,
    })
}
