/**
 * Next.js compiles the .wasm outside the sandbox that runs the route, so the module it hands
 * over is a WebAssembly.Module of another realm: it instantiates as well, but fails an
 * `instanceof WebAssembly.Module` check (wasm-bindgen's glue would then try to compile it as
 * bytes: "Argument 0 must be a buffer source"). This gives it this realm's prototype.
 */
export function sameRealm(module) {
  if (module instanceof WebAssembly.Module || Object.prototype.toString.call(module) !== '[object WebAssembly.Module]') return module;
  return Object.setPrototypeOf(module, WebAssembly.Module.prototype);
}
