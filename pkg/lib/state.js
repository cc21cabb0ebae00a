// Whether the wasm module has been initialised: set by the entry files, read by the API.
// Kept out of api.js so that `export * from './api.js'` does not publish the setter.
let ready = false;

export function markReady() {
  ready = true;
}

export function isReady() {
  return ready;
}
