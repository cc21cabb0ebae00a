//! The schema vocabulary: what a JSON value must be (`Kind`), the known fields of an object,
//! and `Shape`, which every model type implements through `record!`. The model and the check
//! both read it; it reads neither, so the two do not depend on each other through it.

/// What a JSON value must be.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// Any JSON value (unknown fields).
    Any,
    Bool,
    /// An integer that fits `i64`.
    Int,
    Str,
    /// Any number.
    Num,
    /// Exactly null.
    Null,
    /// A string, a number, a boolean or null.
    FlagValue,
    /// An integer or a string.
    IdentityRef,
    /// A string, a number, a boolean or null.
    TraitValue,
    /// Exactly this string.
    Literal(&'static str),
    Nullable(&'static Kind),
    Array(&'static Kind),
    Object(&'static [Field]),
}

/// A known field of an object.
#[derive(Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    /// May be absent.
    pub(crate) optional: bool,
    pub(crate) kind: &'static Kind,
}

/// The schema of a model type.
pub(crate) trait Shape {
    const KIND: Kind;
}

/// For `@optional` fields, whose type is `Option<T>`: the schema of `T`.
pub(crate) trait OptionalShape {
    const INNER: Kind;
}

impl<T: Shape> OptionalShape for Option<T> {
    const INNER: Kind = T::KIND;
}

impl Shape for bool {
    const KIND: Kind = Kind::Bool;
}
impl Shape for i64 {
    const KIND: Kind = Kind::Int;
}
impl Shape for String {
    const KIND: Kind = Kind::Str;
}
impl Shape for serde_json::Number {
    const KIND: Kind = Kind::Num;
}
impl<T: Shape> Shape for Option<T> {
    const KIND: Kind = Kind::Nullable(&T::KIND);
}
impl<T: Shape> Shape for Vec<T> {
    const KIND: Kind = Kind::Array(&T::KIND);
}

pub(super) const ANY: Kind = Kind::Any;
pub(super) const STR: Kind = Kind::Str;

/// The key through which serde_json (with `arbitrary_precision`) hands a number to
/// `deserialize_any`: a one-entry map whose value is the number's text.
pub(crate) const NUMBER_TOKEN: &str = "$serde_json::private::Number";
/// The key through which serde_json (with `raw_value`) hands over a raw value.
pub(super) const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// The largest integer JavaScript holds exactly (`Number.MAX_SAFE_INTEGER`).
pub(crate) const MAX_SAFE_INTEGER: i64 = (1 << 53) - 1;
