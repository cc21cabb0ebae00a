//! The envelope schemas: what each modelled event type's body must be, stated as changes to the
//! model's own declarations (FLAG_UPDATED and FLAG_DELETED share one `data` struct), and the
//! guess of a body's event type from Flagsmith's byte layout that lets validation take one pass.

use super::event_types;
use super::model::{AuditLog, FeatureState, FlagChange, VersionPublished};
use super::schema::{Field, Kind, Shape, ANY, STR};

/// Byte equality, usable in constants.
const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut rest = (a, b);
    while let ([x, a_tail @ ..], [y, b_tail @ ..]) = rest {
        if *x != *y {
            return false;
        }
        rest = (a_tail, b_tail);
    }
    true
}

/// `fields` with the field called `name` made required and of `kind`: FLAG_UPDATED and
/// FLAG_DELETED share one `data` struct, and their differences are stated here once, as
/// changes to its declaration.
const fn require<const N: usize>(fields: &[Field], name: &str, kind: &'static Kind) -> [Field; N] {
    let mut out = [Field {
        name: "",
        optional: true,
        kind: &ANY,
    }; N];
    let mut rest = fields;
    let mut index = 0;
    while let [field, tail @ ..] = rest {
        let mut field = *field;
        if same_text(field.name, name) {
            field.optional = false;
            field.kind = kind;
        }
        // Evaluated at compile time only: an index past N fails the build, never a request.
        #[allow(clippy::indexing_slicing)]
        {
            out[index] = field;
        }
        index += 1;
        rest = tail;
    }
    out
}

const FLAG_CHANGE_FIELDS: &[Field] = match <FlagChange as Shape>::KIND {
    Kind::Object(fields) => fields,
    _ => &[],
};
const FLAG_CHANGE_COUNT: usize = FLAG_CHANGE_FIELDS.len();
const STATE: Kind = <FeatureState as Shape>::KIND;
/// FLAG_UPDATED (and FLAG_CREATED) always carries the new state.
const UPDATED_FIELDS: [Field; FLAG_CHANGE_COUNT] = require(FLAG_CHANGE_FIELDS, "new_state", &STATE);
/// FLAG_DELETED carries `new_state: null` and the state before the deletion.
const DELETED_FIELDS: [Field; FLAG_CHANGE_COUNT] = require(
    &require::<FLAG_CHANGE_COUNT>(FLAG_CHANGE_FIELDS, "new_state", &Kind::Null),
    "previous_state",
    &STATE,
);
const UPDATED_DATA: Kind = Kind::Object(&UPDATED_FIELDS);
const DELETED_DATA: Kind = Kind::Object(&DELETED_FIELDS);

/// The envelope schema of a modelled event type. With `exact`, `event_type` must be that type
/// (for a guessed type); otherwise any string (the first pass already read it).
pub(super) fn envelope_schema(event_type: &str, exact: bool) -> &'static Kind {
    macro_rules! envelope {
        ($data:expr, $event_type:expr) => {
            &Kind::Object(&[
                Field {
                    name: "data",
                    optional: false,
                    kind: $data,
                },
                Field {
                    name: "event_type",
                    optional: false,
                    kind: $event_type,
                },
            ])
        };
    }
    const UPDATED: Kind = Kind::Literal(event_types::FLAG_UPDATED);
    const CREATED: Kind = Kind::Literal(event_types::FLAG_CREATED);
    const DELETED: Kind = Kind::Literal(event_types::FLAG_DELETED);
    const VERSION: Kind = Kind::Literal(event_types::NEW_VERSION_PUBLISHED);
    const AUDIT: Kind = Kind::Literal(event_types::AUDIT_LOG_CREATED);
    const VERSION_DATA: Kind = <VersionPublished as Shape>::KIND;
    const AUDIT_DATA: Kind = <AuditLog as Shape>::KIND;
    match (event_type, exact) {
        (event_types::FLAG_UPDATED, true) => envelope!(&UPDATED_DATA, &UPDATED),
        (event_types::FLAG_CREATED, true) => envelope!(&UPDATED_DATA, &CREATED),
        (event_types::FLAG_DELETED, true) => envelope!(&DELETED_DATA, &DELETED),
        (event_types::NEW_VERSION_PUBLISHED, true) => envelope!(&VERSION_DATA, &VERSION),
        (_, true) => envelope!(&AUDIT_DATA, &AUDIT),
        (event_types::FLAG_UPDATED | event_types::FLAG_CREATED, false) => {
            envelope!(&UPDATED_DATA, &STR)
        }
        (event_types::FLAG_DELETED, false) => envelope!(&DELETED_DATA, &STR),
        (event_types::NEW_VERSION_PUBLISHED, false) => envelope!(&VERSION_DATA, &STR),
        (_, false) => envelope!(&AUDIT_DATA, &STR),
    }
}

/// The event type Flagsmith's bytes end with: keys are sorted, so `event_type` comes last and the
/// body ends `"event_type": "<TYPE>"}`. Only a guess, which the schema pass then confirms.
pub(super) fn guess_event_type(body: &[u8]) -> Option<&'static str> {
    const TAIL: &[u8] = b"\"event_type\": \"";
    let end = body.strip_suffix(b"\"}")?;
    event_types::ALL.into_iter().find(|known| {
        end.strip_suffix(known.as_bytes())
            .is_some_and(|rest| rest.ends_with(TAIL))
    })
}
