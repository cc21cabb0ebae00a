// `flagsmith-webhooks/wasm` is the package's .wasm file itself (and `flagsmith-webhooks/verify/wasm`
// the verify-only one), for bundlers that need to be told where it is (esbuild's
// `--loader:.wasm=file` makes the default export its URL): pass it to
// `init(new URL(wasmUrl, import.meta.url))`.
declare const wasmUrl: string;
export default wasmUrl;
