// Type declarations for flagsmith-webhooks, one file per seam of the package (each says what
// it holds): types/core.d.ts (sign, verify, parse, errors, the Verifier), types/model.d.ts (the
// payload model and what reads it), types/receivers.d.ts, types/stores.d.ts (audit sink, flag
// mirror), types/testing.d.ts. The build writes a CommonJS twin of each under dist/.

export * from './types/core.js';
export { default } from './types/core.js';
export * from './types/model.js';
export * from './types/receivers.js';
export * from './types/stores.js';
export * from './types/testing.js';
