// Test helpers: sample events and requests signed as Flagsmith signs them.

import type { SecretInput } from './core.js';
import type { KnownEvent, KnownEventType, WebhookEvent } from './model.js';

/** The event types sampleEvent knows. */
export declare const SAMPLE_EVENT_TYPES: readonly KnownEventType[];
/** A fresh copy of a realistic event of the given type. */
export declare function sampleEvent<T extends KnownEventType>(type: T): Extract<KnownEvent, { event_type: T }>;

/** `{ method, headers, body }` signed exactly as Flagsmith would send it (for fetch or node:http). */
export declare function signedRequestInit(
  secret: SecretInput,
  eventOrBody: WebhookEvent | string | Uint8Array,
): { method: 'POST'; headers: Record<string, string>; body: string | Uint8Array };

/** A Fetch Request signed exactly as Flagsmith would send it, for testing a handler. */
export declare function signedRequest(url: string | URL, secret: SecretInput, eventOrBody: WebhookEvent | string | Uint8Array): Request;
