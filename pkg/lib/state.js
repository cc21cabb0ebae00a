// Whether a wasm module has been initialised: set by the entry files, read by the API. Kept
// out of api.js and verify.js so that their `export *` does not publish the setters.

import { FlagsmithWebhookError } from './errors.js';

/** The load state of one wasm module, named by the specifier its users import. */
class LoadState {
  #specifier;
  #ready = false;
  #unavailable;

  constructor(specifier) {
    this.#specifier = specifier;
  }

  markReady() {
    this.#ready = true;
  }

  isReady() {
    return this.#ready;
  }

  /**
   * For an entry that could not load the module where it was imported (Next.js evaluates edge
   * routes while building, without the .wasm its runtime provides): why, for the error of the
   * first call that needs it.
   */
  markUnavailable(reason) {
    this.#unavailable = reason;
  }

  /** Throws `not_initialised`, saying why and what to do, unless the module is ready. */
  ensureReady() {
    if (this.#ready) return;
    if (this.#unavailable !== undefined) {
      throw new FlagsmithWebhookError(
        'not_initialised',
        `the WebAssembly module could not be loaded where the package was imported (${String(this.#unavailable).slice(0, 200)}). ` +
          'In Next.js this happens while `next build` evaluates an edge route, and not at run time; elsewhere, check that ' +
          'the bundler emits the .wasm file.',
      );
    }
    throw new FlagsmithWebhookError(
      'not_initialised',
      'the WebAssembly module is not initialised yet: in a browser, `await init()` once ' +
        `(import init from '${this.#specifier}') before calling sign, verify or parse.`,
    );
  }
}

/** The full module's (`flagsmith-webhooks`). */
export const fullModule = new LoadState('flagsmith-webhooks');

/** The verify-only module's (`flagsmith-webhooks/verify`). */
export const verifyModule = new LoadState('flagsmith-webhooks/verify');
