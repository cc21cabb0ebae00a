// `flagsmith-webhooks/verify/wasm` for TypeScript's node10 resolution, which ignores the exports
// map and looks for this file: the same declaration as `flagsmith-webhooks/wasm` (../wasm.d.ts).
export { default } from '../wasm.js';
