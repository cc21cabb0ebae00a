// The event types this version models, in one place for the API, the receivers, the model
// twins and the inspector. They translate the Rust core's list (`MODELLED` in
// src/payload/validate.rs), to which tests/js/twins.test.mjs holds them.

/** Every modelled event type, in Flagsmith's spelling. */
export const KNOWN_EVENT_TYPES = Object.freeze(['FLAG_UPDATED', 'FLAG_CREATED', 'FLAG_DELETED', 'NEW_VERSION_PUBLISHED', 'AUDIT_LOG_CREATED']);

/** The types whose data is a flag change (`diff` and `describe` read a feature state). */
export const FLAG_EVENT_TYPES = Object.freeze(['FLAG_UPDATED', 'FLAG_CREATED', 'FLAG_DELETED']);

const known = new Set(KNOWN_EVENT_TYPES);
const flags = new Set(FLAG_EVENT_TYPES);

/** True when `type` is one of KNOWN_EVENT_TYPES. */
export const isKnownType = (type) => known.has(type);

/** True when `type` is one of FLAG_EVENT_TYPES. */
export const isFlagType = (type) => flags.has(type);
