// FlagMirror: the current state of every flag a stream of webhooks has told it about, the same
// whatever order the deliveries arrive in.
//
// What holds for any arrival order (and any number of byte-identical copies):
//   - per environment, feature and scope (the environment default, a segment override, an
//     identity override), the state with the latest `timestamp` wins; equal timestamps are
//     settled by comparing the states' JSON, so the winner never depends on arrival order;
//   - a FLAG_DELETED removes the feature from its environment for good, whatever the
//     timestamps: its `timestamp` is the deleted state's own last edit, which can be earlier
//     than a FLAG_UPDATED for the same state (Flagsmith never reuses a feature id);
//   - a state with `timestamp: ""` loses to any dated one, and wins only over nothing;
//   - only `new_state` is trusted: `previous_state` is often inaccurate on real servers;
//   - the dashboard's "Test webhook" sample is ignored: its made-up ids (environment 1,
//     feature 1, identity 1) collide with real ones.
// What webhooks never say (segment rules, a removed segment or identity override, a reset of
// identity overrides) cannot be mirrored: `replaceAll` takes a full state loaded from
// Flagsmith's API, and webhooks keep applying on top of it.

import { canonicalJson } from './canonical.js';
import { FlagsmithWebhookError } from './errors.js';
import { isConforming } from './api.js';
import { nodeFs } from './node-fs.js';

const FORMAT = 'flagsmith-webhooks/flag-mirror@1';

/**
 * True for the sample Flagsmith's "Test webhook" button sends (tests/fixtures/real/069), whose
 * made-up ids (environment 1, feature 1, identity 1) collide with real ones: recognised by its
 * fixed time and feature, which no real event has together.
 */
export function isTestWebhookSample(event) {
  const state = event.data?.new_state;
  return event.data?.timestamp === '2021-06-18T07:50:26.595298Z' && state?.feature?.name === 'test_feature' && state?.feature?.created_date === '2021-02-10T20:03:43.348556Z';
}

/** The scope of a feature state: `default`, `segment:<id>` or `identity:<id>`. */
function scopeOf(state) {
  if (state.identity !== null && state.identity !== undefined) return `identity:${state.identity}`;
  if (state.feature_segment) return `segment:${state.feature_segment.segment.id}`;
  return 'default';
}


/** True when state `a` (with its timestamp) should replace `b`. */
function newer(a, b) {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  return a.json > b.json;
}

/** What a mirror keeps of a state: what a flag read needs, and where it came from. */
function entryOf(state, timestamp) {
  const entry = {
    environment: { id: state.environment.id, name: state.environment.name },
    feature: { id: state.feature.id, name: state.feature.name, type: state.feature.type },
    scope: scopeOf(state),
    enabled: state.enabled,
    value: state.feature_state_value,
    multivariate: (state.multivariate_feature_state_values ?? [])
      .map((mv) => ({ id: mv.multivariate_feature_option.id, value: mv.multivariate_feature_option.value, percentage_allocation: mv.percentage_allocation }))
      .sort((a, b) => a.id - b.id),
    timestamp,
  };
  if (state.feature_segment) entry.segment = { id: state.feature_segment.segment.id, name: state.feature_segment.segment.name, priority: state.feature_segment.priority };
  if (entry.scope.startsWith('identity:')) entry.identity = { id: state.identity, identifier: state.identity_identifier };
  return { ...entry, json: canonicalJson(entry) };
}

const publicEntry = ({ json, ...entry }) => structuredClone(entry);

function invalid(message) {
  return new FlagsmithWebhookError('invalid_option', message);
}

export class FlagMirror {
  /** environment id → feature id → scope → entry */
  #states = new Map();
  /** `${environment id}:${feature id}` of every deleted feature */
  #deleted = new Set();
  #listeners = new Set();

  /**
   * Applies one event (as parsed, or a receiver's). Returns `{ changed, reason? }`: changed is
   * true when the mirror's state changed; `reason` says why an event was ignored.
   */
  apply(event) {
    if (event === null || typeof event !== 'object') throw invalid('FlagMirror.apply takes a parsed webhook event.');
    if (!isConforming(event)) return { changed: false, reason: 'the event does not fit the model; nothing in it can be trusted as a flag state' };
    switch (event.event_type) {
      case 'FLAG_UPDATED':
      case 'FLAG_CREATED':
        if (isTestWebhookSample(event)) return { changed: false, reason: "Flagsmith's Test webhook sample, whose made-up ids would collide with real ones" };
        return this.#update(event.data.new_state, event.data.timestamp ?? '');
      case 'FLAG_DELETED':
        return this.#delete(event.data.previous_state);
      case 'NEW_VERSION_PUBLISHED':
        return { changed: false, reason: 'NEW_VERSION_PUBLISHED names no environment and no scope; the FLAG_UPDATED events sent with it carry each state' };
      default:
        return { changed: false, reason: 'not a flag event' };
    }
  }

  #update(state, timestamp) {
    const environmentId = state.environment.id;
    const featureId = state.feature.id;
    if (this.#deleted.has(`${environmentId}:${featureId}`)) return { changed: false, reason: 'the feature was deleted from this environment' };
    const entry = entryOf(state, timestamp);
    let features = this.#states.get(environmentId);
    if (!features) this.#states.set(environmentId, (features = new Map()));
    let scopes = features.get(featureId);
    if (!scopes) features.set(featureId, (scopes = new Map()));
    const before = scopes.get(entry.scope);
    if (before && !newer(entry, before)) return { changed: false, reason: before.json === entry.json ? 'already applied' : 'an equal or later state is already applied' };
    scopes.set(entry.scope, entry);
    this.#emit({ environment: entry.environment, feature: entry.feature, scope: entry.scope, before: before ? publicEntry(before) : undefined, after: publicEntry(entry) });
    return { changed: true };
  }

  #delete(state) {
    const key = `${state.environment.id}:${state.feature.id}`;
    if (this.#deleted.has(key)) return { changed: false, reason: 'already deleted' };
    this.#deleted.add(key);
    const features = this.#states.get(state.environment.id);
    const scopes = features?.get(state.feature.id);
    features?.delete(state.feature.id);
    if (features?.size === 0) this.#states.delete(state.environment.id);
    for (const [scope, before] of scopes ?? []) {
      this.#emit({ environment: before.environment, feature: before.feature, scope, before: publicEntry(before), after: undefined });
    }
    return { changed: true };
  }

  /**
   * The state of a flag: `{ enabled, value, multivariate, timestamp, … }` for the environment
   * default, or with `segment` (id or name) or `identity` (id or identifier) an override;
   * undefined when unknown or deleted. Environment and feature by id or by name.
   */
  get({ environment, feature, segment, identity } = {}) {
    const features = this.#environment(environment);
    const scopes = features && this.#feature(features, feature);
    if (!scopes) return undefined;
    for (const entry of scopes.values()) {
      if (segment !== undefined) {
        if (entry.segment && (entry.segment.id === segment || entry.segment.name === segment)) return publicEntry(entry);
      } else if (identity !== undefined) {
        if (entry.identity && (entry.identity.id === identity || entry.identity.identifier === identity)) return publicEntry(entry);
      } else if (entry.scope === 'default') {
        return publicEntry(entry);
      }
    }
    return undefined;
  }

  /** Every state of an environment (id or name), features by id, then scopes. */
  list(environment) {
    const features = this.#environment(environment);
    if (!features) return [];
    return [...features.keys()].sort((a, b) => a - b).flatMap((id) => [...features.get(id).values()].sort((a, b) => (a.scope < b.scope ? -1 : 1)).map(publicEntry));
  }

  /** Whether the feature (id or name) was deleted from the environment (id). */
  isDeleted({ environment, feature }) {
    return this.#deleted.has(`${environment}:${feature}`);
  }

  /** Calls `listener({ environment, feature, scope, before, after })` on each change; returns an unsubscribe function. */
  subscribe(listener) {
    if (typeof listener !== 'function') throw invalid('FlagMirror.subscribe takes a function.');
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(change) {
    for (const listener of this.#listeners) {
      try {
        listener(change);
      } catch {
        // A failing subscriber must not stop the others or the mirror.
      }
    }
  }

  #environment(environment) {
    if (this.#states.has(environment)) return this.#states.get(environment);
    for (const features of this.#states.values()) {
      for (const scopes of features.values()) {
        for (const entry of scopes.values()) if (entry.environment.name === environment) return features;
      }
    }
    return undefined;
  }

  #feature(features, feature) {
    if (features.has(feature)) return features.get(feature);
    for (const scopes of features.values()) for (const entry of scopes.values()) if (entry.feature.name === feature) return scopes;
    return undefined;
  }

  /**
   * A canonical plain value: the same state gives the same JSON, whatever order the events
   * came in. `FlagMirror.fromJSON` restores it.
   */
  toJSON() {
    const states = [];
    for (const features of this.#states.values()) for (const scopes of features.values()) for (const entry of scopes.values()) states.push(publicEntry(entry));
    states.sort((a, b) => a.environment.id - b.environment.id || a.feature.id - b.feature.id || (a.scope < b.scope ? -1 : a.scope > b.scope ? 1 : 0));
    const deleted = [...this.#deleted]
      .map((key) => key.split(':').map(Number))
      .sort((a, b) => a[0] - b[0] || a[1] - b[1])
      .map(([environment, feature]) => ({ environment, feature }));
    return { format: FORMAT, states, deleted };
  }

  /** A mirror from what `toJSON` gave (or from a full state loaded from Flagsmith's API, in that shape). */
  static fromJSON(value) {
    const mirror = new FlagMirror();
    mirror.replaceAll(value);
    return mirror;
  }

  /**
   * Replaces everything with `value` (the shape `toJSON` gives): for a resynchronisation from
   * Flagsmith's API, after which webhooks keep applying on top.
   */
  replaceAll(value) {
    if (value?.format !== FORMAT || !Array.isArray(value.states) || !Array.isArray(value.deleted)) {
      throw invalid(`FlagMirror.fromJSON takes what toJSON gave ({ format: '${FORMAT}', states, deleted }).`);
    }
    this.#states.clear();
    this.#deleted.clear();
    for (const { environment, feature } of value.deleted) this.#deleted.add(`${environment}:${feature}`);
    for (const state of value.states) {
      const { json, ...plain } = state;
      const entry = { ...structuredClone(plain), json: canonicalJson(plain) };
      let features = this.#states.get(entry.environment.id);
      if (!features) this.#states.set(entry.environment.id, (features = new Map()));
      let scopes = features.get(entry.feature.id);
      if (!scopes) features.set(entry.feature.id, (scopes = new Map()));
      scopes.set(entry.scope, entry);
    }
  }
}

/**
 * A FlagMirror kept in a file (Node): restored from it when it exists, and written after every
 * change atomically (a temporary file, fsync, then rename), so a crash leaves the previous or
 * the new snapshot, never half of one.
 */
export function fileMirror(path) {
  const fs = nodeFs('fileMirror', 'store mirror.toJSON() yourself');
  let mirror;
  try {
    mirror = FlagMirror.fromJSON(JSON.parse(fs.readFileSync(path, 'utf8')));
  } catch (error) {
    if (error.code !== 'ENOENT') throw error;
    mirror = new FlagMirror();
  }
  mirror.subscribe(() => {
    const temporary = `${path}.${process.pid}.tmp`;
    const fd = fs.openSync(temporary, 'w');
    try {
      fs.writeSync(fd, JSON.stringify(mirror.toJSON()));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  });
  return mirror;
}
