// Whether the wasm module has been initialised: set by the entry files, read by the API.
// Kept out of api.js so that `export * from './api.js'` does not publish the setter.
let ready = false;
let unavailable;

export function markReady() {
  ready = true;
}

export function isReady() {
  return ready;
}

/**
 * For an entry that could not load the module where it was imported (Next.js evaluates edge
 * routes while building, without the .wasm its runtime provides): why, for the error of the
 * first call that needs it.
 */
export function markUnavailable(reason) {
  unavailable = reason;
}

export function unavailableReason() {
  return unavailable;
}
