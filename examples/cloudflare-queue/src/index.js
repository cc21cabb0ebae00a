// A Worker that receives Flagsmith webhooks through a Cloudflare Queue (see worker.js);
// tests/js/queue.test.mjs runs it under workerd, and its recipe with handlers that fail.
import { handlers } from './handlers.js';
import { queueWorker } from './worker.js';

export default queueWorker(handlers);
