/** Creating the state bucket when the coordinator starts, so a fresh MinIO needs no setup step. */
import { setTimeout as sleep } from 'node:timers/promises';

import { StoreUnavailableError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { OpenedStore } from '../store/open-store.js';

/**
 * Creates the state bucket unless it exists. While the store is unavailable (a MinIO pod
 * that starts at the same time), retries every `delayMs` up to `attempts` times, then
 * rethrows. Other errors, such as rejected credentials, are logged and left to the requests,
 * which respond with the error's code.
 */
export async function ensureStateBucket(
  state: OpenedStore,
  log: Logger,
  attempts = 30,
  delayMs = 2000,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await state.store.makeBucket(state.bucket);
      return;
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) {
        log.error(
          { err: error, bucket: state.bucket },
          'cannot create the state bucket; requests will fail until this is fixed',
        );
        return;
      }
      if (attempt >= attempts) throw error;
      log.warn(
        { attempt, bucket: state.bucket, err: error.message },
        'store unavailable; retrying to create the state bucket',
      );
      await sleep(delayMs);
    }
  }
}
