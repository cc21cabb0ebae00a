//! Problems and deviations: what the check reports, and how a kind and a scalar are named in
//! its messages.

use std::borrow::Cow;

use super::convert::Path;
use super::schema::Kind;
use crate::error::Error;

/// One way a body departs from the model: where, what the model expects there, and what was
/// found (a type name, `nothing` for a missing field, or a short excerpt). Receivers hand an
/// authentic body with deviations to user code whole, with this list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deviation {
    /// JSON path, as in error messages: `data.new_state.enabled`, `(the top level)`.
    pub path: String,
    /// What the model expects there: `a boolean`, `an integer`, `null`.
    pub expected: String,
    /// What the body has there: `a string`, `nothing`, or an excerpt of the value.
    pub found: String,
}

/// A problem found in a value: the deviation, and the message it gets as an error when that
/// message is not "expected …, found …" (boxed: results travel up every level of the walk).
pub(crate) struct Found {
    pub(super) deviation: Deviation,
    pub(super) reason: Option<String>,
}

impl Found {
    pub(crate) fn into_error(self) -> Error {
        let Deviation {
            path,
            expected,
            found,
        } = self.deviation;
        Error::InvalidPayload {
            path,
            reason: self
                .reason
                .unwrap_or_else(|| format!("expected {expected}, found {found}")),
        }
    }
}

pub(crate) type Problem = Option<Box<Found>>;

/// The most deviations a tolerant check lists: a body that departs further is described by the
/// first ones (and is most likely not meant for this endpoint at all).
pub(crate) const MAX_DEVIATIONS: usize = 50;

/// Where a tolerant check collects every deviation (a strict one keeps only the first).
pub(crate) type Sink = std::cell::RefCell<Vec<Deviation>>;

/// A problem at `path`, recorded in `sink` when one is collecting.
pub(super) fn problem(
    sink: Option<&Sink>,
    path: &Path<'_>,
    expected: impl Into<String>,
    found: impl Into<String>,
    reason: Option<String>,
) -> Problem {
    let shown = path.to_string();
    let deviation = Deviation {
        path: if shown.is_empty() {
            "(the top level)".into()
        } else {
            shown
        },
        expected: expected.into(),
        found: found.into(),
    };
    if let Some(sink) = sink {
        let mut list = sink.borrow_mut();
        if list.len() < MAX_DEVIATIONS {
            list.push(deviation.clone());
        }
    }
    Some(Box::new(Found { deviation, reason }))
}

/// What a kind expects, as error messages say it.
pub(super) fn expected(kind: &Kind) -> Cow<'static, str> {
    Cow::Borrowed(match kind {
        Kind::Any => "any value",
        Kind::Bool => "a boolean",
        Kind::Int => "an integer",
        Kind::Str => "a string",
        Kind::Num => "a number",
        Kind::Null => "null",
        Kind::FlagValue => "a string, a number, a boolean or null",
        Kind::IdentityRef => "an integer or a string",
        Kind::TraitValue => "a string, a number, a boolean or null",
        Kind::Literal(text) => return Cow::Owned(format!("the string \"{text}\"")),
        Kind::Nullable(inner) => return expected(inner),
        Kind::Array(_) => "an array",
        Kind::Object(_) => "an object",
    })
}

/// A scalar seen on the wire, as error messages name it.
#[derive(Clone, Copy)]
pub(super) enum Scalar {
    Null,
    Bool,
    Str,
}

impl Scalar {
    pub(super) fn name(self) -> &'static str {
        match self {
            Scalar::Null => "null",
            Scalar::Bool => "a boolean",
            Scalar::Str => "a string",
        }
    }
}

#[inline]
pub(super) fn accepts(kind: &Kind, scalar: Scalar) -> bool {
    match (kind, scalar) {
        (Kind::Any, _) | (Kind::Nullable(_) | Kind::Null, Scalar::Null) => true,
        (Kind::Nullable(inner), other) => accepts(inner, other),
        (Kind::Bool, Scalar::Bool) | (Kind::Str, Scalar::Str) => true,
        (Kind::FlagValue | Kind::TraitValue, _) => true,
        (Kind::IdentityRef, Scalar::Str) => true,
        _ => false,
    }
}

/// Which kinds take a number, and whether it must be an integer.
#[inline]
pub(super) fn number_wanted(kind: &Kind) -> Option<bool> {
    match kind {
        Kind::Any | Kind::Num | Kind::TraitValue | Kind::FlagValue => Some(false),
        Kind::Int | Kind::IdentityRef => Some(true),
        Kind::Nullable(inner) => number_wanted(inner),
        _ => None,
    }
}
