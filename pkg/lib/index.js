// Everything the package exports, whatever the runtime; the entry files add initialisation.
export * from './api.js';
export * from './receiver.js';
export { DEFAULT_DEDUPE_TTL_SECONDS, DEFAULT_REPLAY_WINDOW, kvDeliveryStore, memoryDeliveryStore, signedTimeOf } from './delivery.js';
export { createQueueConsumer } from './queue.js';
export * from './samples.js';
export * from './testing.js';
export * from './mirror.js';
export { AuditSink, fileAuditStore, memoryAuditStore, verifyChain, verifyStoredRecord } from './audit.js';
export { AuditLogObject, FlagMirrorObject, durableAudit, durableMirror } from './durable.js';
