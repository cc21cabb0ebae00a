// The payload model, exactly as Flagsmith sends it (snake_case field names, nullability as on
// the wire; unknown fields are kept at run time but not declared, so that a typo is still a type
// error), and what reads it: narrowing, Flagsmith's serializer, diff and describe.
//
// Narrowing: `event.event_type === 'FLAG_UPDATED'` (or any other known type) narrows to
// that event's `data`. Unknown event types stay in the union without defeating this, because
// their `event_type` is a branded string (`UnknownEventType`) that no known literal matches;
// an identity integration body has no `event_type` at all (use `isIdentityPayload`).

import type { SecretInput } from './core.js';

/** True for the event types this version models, when the event conforms (narrows to KnownEvent). */
export declare function isKnownEvent(event: WebhookEvent): event is KnownEvent;
/** True for an identity integration body (no envelope, no event_type). */
export declare function isIdentityPayload(event: WebhookEvent): event is IdentityPayload;

/**
 * Serializes a value exactly as Flagsmith's server would send it: keys sorted at every level,
 * `", "` and `": "` separators, ASCII only with `\uXXXX` escapes, Python's float format. Fields
 * Flagsmith stores as floats (`percentage_allocation`) print as floats (`50.0`).
 */
export declare function toFlagsmithJson(value: unknown): string;

/** Serializes an event in Flagsmith's wire format and signs it. */
export declare function signEvent(secret: SecretInput, event: WebhookEvent): { body: string; signature: string };

/** One field that differs; a missing `before` (`after`) means that side did not exist. */
export interface Change {
  /** For display: `enabled`, `feature_state_value`, `feature_segment.priority`, `multivariate[<option id>].percentage_allocation`, `multivariate[<option id>].value` */
  path: string;
  /** The field alone, so that nothing needs to parse `path`. */
  field: 'enabled' | 'feature_state_value' | 'feature_segment.priority' | 'percentage_allocation' | 'value';
  /** For a multivariate allocation (`percentage_allocation`, `value`): its option's id. */
  option?: number;
  before?: FlagValue;
  after?: FlagValue;
}

/** Which state a flag event is about. */
export type Scope =
  | { type: 'environment' }
  | { type: 'segment'; id: number; name: string; priority: number }
  | { type: 'identity'; id: number | string; identifier: string };

/** What a flag event reports as changed. `previous_state` is often inaccurate: not authoritative. */
export interface FlagDiff {
  feature: string;
  environment: string;
  scope: Scope;
  changed_by: string;
  changes: Change[];
}

/** The changes of a FLAG_UPDATED, FLAG_CREATED or FLAG_DELETED event; null for any other event. */
export declare function diff(event: FlagUpdatedEvent | FlagCreatedEvent | FlagDeletedEvent): FlagDiff;
export declare function diff(event: WebhookEvent): FlagDiff | null;

/** A one-line human summary of any event. */
export declare function describe(event: WebhookEvent): string;


/** Any parsed body. */
export type WebhookEvent = KnownEvent | UnknownEvent | IdentityPayload;

/** The enveloped event types this version models. */
export type KnownEvent = FlagUpdatedEvent | FlagCreatedEvent | FlagDeletedEvent | NewVersionPublishedEvent | AuditLogCreatedEvent;

export type KnownEventType = KnownEvent['event_type'];

declare const unknownEventType: unique symbol;
/**
 * An event type this version does not know (e.g. a future `SEGMENT_UPDATED`). It is a plain string
 * at runtime; the type is a branded `String` so that no known literal matches it, which is what
 * lets `event.event_type === 'FLAG_UPDATED'` narrow. Read it with `String(event.event_type)`.
 */
export type UnknownEventType = String & { readonly [unknownEventType]: true };

/** An envelope with an event type this version does not know, kept whole. */
export interface UnknownEvent {
  event_type: UnknownEventType;
  data?: unknown;
  [field: string]: unknown;
}

export interface FlagUpdatedEvent {
  event_type: 'FLAG_UPDATED';
  data: FlagChange & { new_state: FeatureState };
}

/**
 * Planned upstream (Flagsmith PR #7900): a feature's creation, with FLAG_UPDATED's data and no
 * `previous_state`. Once it ships, creations stop arriving as FLAG_UPDATED.
 */
export interface FlagCreatedEvent {
  event_type: 'FLAG_CREATED';
  data: FlagChange & { new_state: FeatureState };
}

export interface FlagDeletedEvent {
  event_type: 'FLAG_DELETED';
  /** `changed_by` and `timestamp` describe the last edit before the deletion. */
  data: FlagChange & { new_state: null; previous_state: FeatureState };
}

export interface NewVersionPublishedEvent {
  event_type: 'NEW_VERSION_PUBLISHED';
  data: VersionPublished;
}

export interface AuditLogCreatedEvent {
  event_type: 'AUDIT_LOG_CREATED';
  data: AuditLog;
}

/** `data` of FLAG_UPDATED and FLAG_DELETED. */
export interface FlagChange {
  /** An e-mail address, a master API key's name, or `""`. */
  changed_by: string;
  new_state: FeatureState | null;
  /**
   * Absent (not null) when there was no previous state: a new feature, a first override.
   * Often inaccurate on real servers: never treat it as authoritative.
   */
  previous_state?: FeatureState | null;
  /** `YYYY-MM-DDTHH:MM:SS.ffffffZ`, or `""`. */
  timestamp: string;
}

/** A flag's value (a float is planned upstream; integers today). */
export type FlagValue = string | number | boolean | null;

/** Open set: `STANDARD` and `MULTIVARIATE` today, `CONFIG` and `FLAG` in older data. */
export type FeatureType = 'STANDARD' | 'MULTIVARIATE' | 'CONFIG' | 'FLAG' | (string & {});

export interface NamedRef {
  id: number;
  name: string;
}

export interface Feature {
  id: number;
  name: string;
  /** RFC 3339 with six fractional digits and `Z`. */
  created_date: string;
  default_enabled: boolean;
  description: string | null;
  /** Always a string (even for the integer 42), or null. */
  initial_value: string | null;
  project: NamedRef;
  type: FeatureType;
}

/** The environment default, a segment override or an identity override. */
export interface FeatureState {
  enabled: boolean;
  environment: NamedRef;
  feature: Feature;
  /** Set for a segment override; never together with `identity`. */
  feature_segment: FeatureSegment | null;
  /** For a multivariate feature, the control value. */
  feature_state_value: FlagValue;
  /** An int for core identities, a UUID string for edge identities. */
  identity: number | string | null;
  /** Set exactly when `identity` is. */
  identity_identifier: string | null;
  /** Absent on servers older than 2.214; in no guaranteed order. */
  multivariate_feature_state_values?: MultivariateValue[];
}

export interface FeatureSegment {
  /** 0 is the highest priority. */
  priority: number;
  segment: { id: number; name: string; description: string | null };
}

export interface MultivariateValue {
  id: number;
  multivariate_feature_option: { id: number; value: FlagValue };
  percentage_allocation: number;
}

/** `data` of NEW_VERSION_PUBLISHED: no timestamp, author name or environment. */
export interface VersionPublished {
  uuid: string;
  feature: NamedRef;
  /** Null when an API key published the version. */
  published_by: { id: number; email: string } | null;
  /** Every state in the version (environment default and segment overrides). */
  feature_states: Array<{
    enabled: boolean;
    value: FlagValue;
    /** Absent on servers older than 2.234. */
    multivariate_feature_state_values?: MultivariateValue[];
  }>;
}

/** Open set of audit record object types. */
export type RelatedObjectType =
  | 'FEATURE'
  | 'FEATURE_STATE'
  | 'SEGMENT'
  | 'ENVIRONMENT'
  | 'CHANGE_REQUEST'
  | 'EDGE_IDENTITY'
  | 'IMPORT_REQUEST'
  | 'EF_VERSION'
  | 'FEATURE_HEALTH'
  | 'RELEASE_PIPELINE'
  | 'WAREHOUSE_CONNECTION'
  | 'EXPERIMENT'
  | 'METRIC'
  | 'PROJECT'
  | (string & {});

/** `data` of AUDIT_LOG_CREATED (optional fields are absent in the test button's sample). */
export interface AuditLog {
  id?: number;
  /** RFC 3339 with `Z`; the fraction is omitted when it is zero. */
  created_date: string;
  log: string;
  /** Null for changes made with an API key or by the system. */
  author: AuditAuthor | null;
  /** Usually null for project-level records; a large settings object otherwise. */
  environment: AuditEnvironment | null;
  /** Null for organisation-level records (planned upstream, Flagsmith issue #2797). */
  project: AuditProject | null;
  related_object_id: number | null;
  related_object_uuid?: string | null;
  related_object_type: RelatedObjectType | null;
  is_system_event?: boolean;
}

export interface AuditAuthor {
  id: number;
  email: string;
  first_name: string;
  last_name: string;
  last_login?: string | null;
  uuid?: string;
}

/** The settings not declared here are present at runtime. */
export interface AuditEnvironment {
  id: number;
  name: string;
  uuid?: string;
  /** The client-side environment key. */
  api_key?: string;
  /** The project's id. */
  project?: number;
}

/** The settings not declared here are present at runtime. */
export interface AuditProject {
  id: number;
  name: string;
  uuid?: string;
  organisation?: number;
}

/** The identity integration body: no envelope, no event_type. */
export interface IdentityPayload {
  event_type?: undefined;
  identity: string;
  traits: Array<{
    id: number | null;
    trait_key: string;
    trait_value: string | number | boolean | null;
    transient?: boolean;
  }>;
  flags: Array<{
    id: number;
    feature: {
      id: number;
      name: string;
      created_date: string;
      description: string | null;
      initial_value: string | null;
      default_enabled: boolean;
      type: FeatureType;
    };
    feature_state_value: FlagValue;
    environment: number;
    identity: number | null;
    feature_segment: number | null;
    enabled: boolean;
    /** Present only when truthy. */
    percentage_allocation?: number | null;
  }>;
  segments: Array<{ id: number; name: string; member: boolean }>;
}
