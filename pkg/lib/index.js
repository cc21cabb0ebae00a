// Everything the package exports, whatever the runtime; the entry files add initialisation.
export * from './api.js';
export * from './receiver.js';
export * from './samples.js';
export * from './testing.js';
