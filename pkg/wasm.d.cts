// CommonJS typing of `flagsmith-webhooks/wasm` and `flagsmith-webhooks/verify/wasm` (see wasm.d.ts): a file loader's require() gives
// the .wasm file's URL.
declare const wasmUrl: string;
export = wasmUrl;
