//! What changed in a flag event, and one-line summaries of every event.
//!
//! Flagsmith's `previous_state` is often inaccurate on real servers (a toggle can report the
//! old value as null; a first multivariate edit reports no allocations), so a diff shows what
//! the payload *says* changed, not an authoritative history.

use serde_json::{Number, Value};

use crate::text::escape_controls;

use crate::payload::{Event, FeatureState, FlagChange, IdentityRef, MultivariateValue, ToJson};
use crate::wire::{python_float_repr, value_to_display_json};

/// One field that differs between `previous_state` and `new_state`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// The field as one string, for display: `enabled`, `feature_state_value`,
    /// `feature_segment.priority`, or for a multivariate allocation
    /// `multivariate[<option id>].percentage_allocation` and `multivariate[<option id>].value`.
    pub path: String,
    /// The field alone: `enabled`, `feature_state_value`, `feature_segment.priority`, or for an
    /// allocation `percentage_allocation` or `value` (with its option in `option`), so that no
    /// one needs to parse `path`.
    pub field: String,
    /// For a multivariate allocation, its option's id.
    pub option: Option<i64>,
    /// The value before; `None` when there was no previous state (or no such allocation).
    pub before: Option<Value>,
    /// The value after; `None` when there is no new state (a deleted flag).
    pub after: Option<Value>,
}

/// Which state a flag event is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Scope {
    /// The environment default.
    Environment,
    /// A segment override.
    Segment {
        /// The segment's id.
        id: i64,
        /// The segment's name.
        name: String,
        /// The override's priority (0 is the highest).
        priority: i64,
    },
    /// An identity override.
    Identity {
        /// The identity's id (an int, or a UUID for edge identities).
        id: IdentityRef,
        /// The identity's identifier.
        identifier: String,
    },
}

/// The changes a FLAG_UPDATED or FLAG_DELETED event reports, with its context.
#[derive(Debug, Clone, PartialEq)]
pub struct FlagDiff {
    /// The feature's name.
    pub feature: String,
    /// The environment's name.
    pub environment: String,
    /// Environment default, segment override or identity override.
    pub scope: Scope,
    /// Who made the change (`""` when Flagsmith did not say).
    pub changed_by: String,
    /// What differs; empty when the payload shows no difference.
    pub changes: Vec<Change>,
}

/// The changes of a FLAG_UPDATED, FLAG_CREATED or FLAG_DELETED event; `None` for other events.
pub fn diff(event: &Event) -> Option<FlagDiff> {
    diff_change(event.flag_change()?)
}

fn diff_change(change: &FlagChange) -> Option<FlagDiff> {
    let previous = change.previous_state.as_ref().and_then(Option::as_ref);
    let state = change.new_state.as_ref().or(previous)?;
    let mut changes = Vec::new();
    compare(
        &mut changes,
        "enabled",
        previous,
        change.new_state.as_ref(),
        |s| Value::Bool(s.enabled),
    );
    compare(
        &mut changes,
        "feature_state_value",
        previous,
        change.new_state.as_ref(),
        |s| s.feature_state_value.to_json(),
    );
    if let (Some(before), Some(after)) = (previous, change.new_state.as_ref()) {
        let priority = |s: &FeatureState| s.feature_segment.as_ref().map(|f| f.priority);
        if priority(before) != priority(after) {
            changes.push(Change {
                path: "feature_segment.priority".into(),
                field: "feature_segment.priority".into(),
                option: None,
                before: priority(before).map(|p| p.to_json()),
                after: priority(after).map(|p| p.to_json()),
            });
        }
    }
    compare_allocations(&mut changes, previous, change.new_state.as_ref());
    Some(FlagDiff {
        feature: state.feature.name.clone(),
        environment: state.environment.name.clone(),
        scope: scope_of(state),
        changed_by: change.changed_by.clone(),
        changes,
    })
}

fn scope_of(state: &FeatureState) -> Scope {
    if let Some(segment) = &state.feature_segment {
        return Scope::Segment {
            id: segment.segment.id,
            name: segment.segment.name.clone(),
            priority: segment.priority,
        };
    }
    match (&state.identity, &state.identity_identifier) {
        (Some(id), identifier) => Scope::Identity {
            id: id.clone(),
            identifier: identifier.clone().unwrap_or_default(),
        },
        _ => Scope::Environment,
    }
}

fn compare(
    changes: &mut Vec<Change>,
    path: &str,
    before: Option<&FeatureState>,
    after: Option<&FeatureState>,
    field: impl Fn(&FeatureState) -> Value,
) {
    let before = before.map(&field);
    let after = after.map(&field);
    if before != after {
        changes.push(Change {
            path: path.into(),
            field: path.into(),
            option: None,
            before,
            after,
        });
    }
}

/// Allocations are matched by their option's id, since Flagsmith lists them in no fixed order.
fn compare_allocations(
    changes: &mut Vec<Change>,
    before: Option<&FeatureState>,
    after: Option<&FeatureState>,
) {
    let list = |state: Option<&FeatureState>| -> Vec<MultivariateValue> {
        state
            .and_then(|s| s.multivariate_feature_state_values.clone())
            .unwrap_or_default()
    };
    let (before, after) = (list(before), list(after));
    let find = |list: &[MultivariateValue], option: i64| {
        list.iter()
            .find(|mv| mv.multivariate_feature_option.id == option)
            .cloned()
    };
    let mut options: Vec<i64> = before
        .iter()
        .chain(after.iter())
        .map(|mv| mv.multivariate_feature_option.id)
        .collect();
    options.sort_unstable();
    options.dedup();
    for option in options {
        let (old, new) = (find(&before, option), find(&after, option));
        let percentage = |mv: &Option<MultivariateValue>| {
            mv.as_ref()
                .map(|mv| Value::Number(percentage_value(&mv.percentage_allocation)))
        };
        let value = |mv: &Option<MultivariateValue>| {
            mv.as_ref()
                .map(|mv| mv.multivariate_feature_option.value.to_json())
        };
        // An allocation that exists on one side only is one change (its percentage); its
        // option's value counts as a change only when both sides have the allocation.
        let both = old.is_some() && new.is_some();
        let mut fields = vec![("percentage_allocation", percentage(&old), percentage(&new))];
        if both {
            fields.push(("value", value(&old), value(&new)));
        }
        for (field, before, after) in fields {
            if before != after {
                changes.push(Change {
                    path: format!("multivariate[{option}].{field}"),
                    field: field.into(),
                    option: Some(option),
                    before,
                    after,
                });
            }
        }
    }
}

/// `50` and `50.0` are the same allocation; compare and show them as one number, spelled as
/// Flagsmith spells the float.
fn percentage_value(number: &Number) -> Number {
    number
        .as_f64()
        .and_then(Number::from_f64)
        .unwrap_or_else(|| number.clone())
}

/// One change in words. Values print as compact JSON (strings quoted, newlines escaped, one
/// line); allocations are named by their option's value and shown as percentages.
fn describe_change(c: &Change, change: &FlagChange, created: bool) -> String {
    let (label, percent) = match (c.field.as_str(), c.option) {
        ("feature_state_value", _) => ("value".to_string(), false),
        ("feature_segment.priority", _) => ("priority".to_string(), false),
        ("percentage_allocation", Some(option)) => {
            (format!("allocation {}", option_value(change, option)), true)
        }
        (_, Some(option)) => (format!("option {option} value"), false),
        (field, None) => (field.to_string(), false),
    };
    let show = |value: &Value| match (percent, value) {
        (true, Value::Number(n)) => match n.as_f64() {
            Some(float) => format!("{}%", python_float_repr(float).trim_end_matches(".0")),
            None => format!("{n}%"),
        },
        _ => value_to_display_json(value),
    };
    match (created, &c.before, &c.after) {
        (true, _, Some(after)) | (_, None, Some(after)) => format!("{label} {}", show(after)),
        (_, Some(before), None) => format!("{label} {} removed", show(before)),
        (_, Some(before), Some(after)) => format!("{label} {} → {}", show(before), show(after)),
        (_, None, None) => label,
    }
}

/// The value of a multivariate option, from whichever state lists it.
fn option_value(change: &FlagChange, option: i64) -> String {
    let previous = change.previous_state.as_ref().and_then(Option::as_ref);
    change
        .new_state
        .iter()
        .chain(previous)
        .filter_map(|state| state.multivariate_feature_state_values.as_ref())
        .flatten()
        .find(|mv| mv.multivariate_feature_option.id == option)
        .map_or_else(
            || option.to_string(),
            |mv| value_to_display_json(&mv.multivariate_feature_option.value.to_json()),
        )
}

/// A one-line human summary of any event, for logs and notifications.
///
/// ```
/// let body = std::fs::read("tests/fixtures/01_flag_updated_env_default.json")?;
/// let event = flagsmith_webhooks::parse(&body)?;
/// assert_eq!(
///     flagsmith_webhooks::describe(&event),
///     r#"butter_bar in Production: enabled false → true, value "<strong>\nAll systems go\n</strong>" → "<strong>\nMaintenance tonight\n</strong>" (by jane.doe@example.com)"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn describe(event: &Event) -> String {
    // Payload text reaches terminals and logs: control and bidirectional characters are
    // escaped visibly (pkg/lib/text.js does the same for JavaScript's twin).
    escape_controls(&summary(event)).into_owned()
}

fn summary(event: &Event) -> String {
    match event {
        Event::FlagUpdated(envelope) | Event::FlagCreated(envelope) => {
            describe_flag(&envelope.data, false)
        }
        Event::FlagDeleted(envelope) => describe_flag(&envelope.data, true),
        Event::AuditLogCreated(envelope) => {
            let log = &envelope.data;
            let mut out = format!("audit log: {}", log.log);
            let mut context = Vec::new();
            if let Some(author) = &log.author {
                context.push(format!("by {}", author.email));
            }
            if let Some(project) = &log.project {
                context.push(format!("project {}", project.name));
            }
            if let Some(environment) = &log.environment {
                context.push(format!("environment {}", environment.name));
            }
            out.push_str(&format!(" ({})", context.join(", ")));
            out
        }
        Event::NewVersionPublished(envelope) => {
            let version = &envelope.data;
            let states = version.feature_states.len();
            let by = version
                .published_by
                .as_ref()
                .map_or_else(|| "an API key".to_string(), |p| p.email.clone());
            format!(
                "{}: new version published with {states} feature state{} (by {by})",
                version.feature.name,
                if states == 1 { "" } else { "s" }
            )
        }
        Event::Identity(payload) => {
            let members = payload.segments.iter().filter(|s| s.member).count();
            format!(
                "identity {}: {} flag{}, {} trait{}, member of {members} of {} segment{}",
                payload.identity,
                payload.flags.len(),
                plural(payload.flags.len()),
                payload.traits.len(),
                plural(payload.traits.len()),
                payload.segments.len(),
                plural(payload.segments.len()),
            )
        }
        Event::Unknown(unknown) => format!(
            "{} event (a type this version of flagsmith-webhooks does not model; kept whole)",
            unknown.event_type
        ),
    }
}

fn plural(count: usize) -> &'static str {
    if count == 1 {
        ""
    } else {
        "s"
    }
}

fn describe_flag(change: &FlagChange, deleted: bool) -> String {
    let Some(flag) = diff_change(change) else {
        return "flag event without a state".into();
    };
    let mut out = format!("{} in {}", flag.feature, flag.environment);
    match &flag.scope {
        Scope::Environment => {}
        Scope::Segment { name, .. } => out.push_str(&format!(" (segment {name})")),
        Scope::Identity { identifier, .. } => out.push_str(&format!(" (identity {identifier})")),
    }
    let created = change.new_state.is_some()
        && change
            .previous_state
            .as_ref()
            .and_then(Option::as_ref)
            .is_none();
    if deleted {
        out.push_str(": deleted");
        if !change.changed_by.is_empty() {
            out.push_str(&format!(" (last edited by {})", change.changed_by));
        }
        return out;
    }
    let parts: Vec<String> = flag
        .changes
        .iter()
        .map(|c| describe_change(c, change, created))
        .collect();
    out.push_str(": ");
    if created {
        out.push_str("created, ");
    }
    if parts.is_empty() {
        out.push_str("no visible change");
    } else {
        out.push_str(&parts.join(", "));
    }
    if !change.changed_by.is_empty() {
        out.push_str(&format!(" (by {})", change.changed_by));
    }
    out
}

impl ToJson for Scope {
    /// `{"type": "environment"}`, `{"type": "segment", id, name, priority}` or
    /// `{"type": "identity", id, identifier}`.
    fn to_json(&self) -> Value {
        let mut map = serde_json::Map::new();
        let kind = match self {
            Scope::Environment => "environment",
            Scope::Segment { id, name, priority } => {
                map.insert("id".into(), id.to_json());
                map.insert("name".into(), Value::String(name.clone()));
                map.insert("priority".into(), priority.to_json());
                "segment"
            }
            Scope::Identity { id, identifier } => {
                map.insert("id".into(), id.to_json());
                map.insert("identifier".into(), Value::String(identifier.clone()));
                "identity"
            }
        };
        map.insert("type".into(), Value::String(kind.into()));
        Value::Object(map)
    }
}

impl ToJson for FlagDiff {
    /// `{feature, environment, scope, changed_by, changes: [{path, field, option?, before?,
    /// after?}]}`, where
    /// a missing `before` or `after` means that side did not exist.
    fn to_json(&self) -> Value {
        let changes = self
            .changes
            .iter()
            .map(|change| {
                let mut map = serde_json::Map::new();
                map.insert("path".into(), Value::String(change.path.clone()));
                map.insert("field".into(), Value::String(change.field.clone()));
                if let Some(option) = change.option {
                    map.insert("option".into(), Value::from(option));
                }
                if let Some(before) = &change.before {
                    map.insert("before".into(), before.clone());
                }
                if let Some(after) = &change.after {
                    map.insert("after".into(), after.clone());
                }
                Value::Object(map)
            })
            .collect();
        let mut map = serde_json::Map::new();
        map.insert("feature".into(), Value::String(self.feature.clone()));
        map.insert(
            "environment".into(),
            Value::String(self.environment.clone()),
        );
        map.insert("scope".into(), self.scope.to_json());
        map.insert("changed_by".into(), Value::String(self.changed_by.clone()));
        map.insert("changes".into(), Value::Array(changes));
        Value::Object(map)
    }
}

#[cfg(test)]
mod tests {
    use super::describe;
    use crate::parse;

    /// Names, authors and identifiers reach terminals and logs through `describe`.
    #[test]
    fn describe_escapes_control_and_bidirectional_characters() {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/01_flag_updated_env_default.json"
        ))
        .unwrap_or_default();
        let hostile = r#"x\u001b[2J\r\nFAKE\u009b31m\u202eevil\u2028y"#;
        let body = body
            .replace("\"butter_bar\"", &format!("\"{hostile}\""))
            .replace("\"jane.doe@example.com\"", &format!("\"{hostile}\""));
        let line = describe(&parse(body.as_bytes()).expect("a valid body"));
        assert!(!line.chars().any(crate::text::is_unsafe_char), "{line:?}");
        assert!(
            line.starts_with(r"x\u001b[2J\r\nFAKE\u009b31m\u202eevil\u2028y in Production"),
            "{line}"
        );
    }
}
