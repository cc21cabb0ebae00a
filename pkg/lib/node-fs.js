// node:fs for the stores that need a file system (fileAuditStore, fileMirror), looked up at run
// time so that the package's universal entries never import it: Workers and browsers bundle
// them without it, and get a clear error only if they call one.
import { FlagsmithWebhookError } from './errors.js';

/** node:fs, or an `invalid_option` error naming `what` and what to do instead. */
export function nodeFs(what, instead) {
  const fs = globalThis.process?.getBuiltinModule?.('node:fs');
  if (!fs) throw new FlagsmithWebhookError('invalid_option', `${what} needs Node 20.16+ (node:fs); elsewhere, ${instead}.`);
  return fs;
}
