/**
 * Driving a job to its end from the client side: submit it, then send advance requests until
 * it is done or failed, each one a request that the coordinator works inside. While a
 * request is open, the job's status is polled for progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Phase, type JobRequest, type JobStatus } from '../state/messages.js';
import { CoordinatorError, type CoordinatorClient } from './coordinator-client.js';

/** Interval between status polls while an advance request is open, in ms. */
const POLL_MS = 500;

export function isFinished(status: JobStatus): boolean {
  return status.phase === Phase.DONE || status.phase === Phase.FAILED;
}

/** Error codes of an advance request that a later request may get past. */
const RETRYABLE_CODES = new Set([
  'TASK_FAILED',
  'STORE_UNAVAILABLE',
  'DRAINING',
  'INTERNAL',
  'HTTP_502',
  'HTTP_503',
  'HTTP_504',
  'COORDINATOR_UNREACHABLE',
]);

/** Advance requests retried in a row before the job is given up: backoffs of 1, 2, 4, 8 and 16 s. */
const MAX_ADVANCE_RETRIES = 5;

/**
 * Submits the job, then advances it until it is done or failed. The job keeps its progress in
 * the store, so an advance request that fails with a retryable error is sent again after a
 * backoff, up to 5 times in a row. `onRetry` is called before each retry.
 */
export async function runJob(
  client: CoordinatorClient,
  job: JobRequest,
  onProgress: (status: JobStatus) => void,
  onRetry: (error: CoordinatorError, delayMs: number) => void = () => undefined,
): Promise<JobStatus> {
  let status = await client.submit(job, false);
  onProgress(status);

  while (!isFinished(status)) {
    const jobId = status.jobId;
    let open = true;
    const poller = (async () => {
      while (open) {
        await sleep(POLL_MS);
        if (!open) break;
        const polled = await client.status(jobId).catch(() => undefined);
        if (polled !== undefined && open) onProgress(polled);
      }
    })();
    try {
      status = await advanceWithRetries(client, jobId, onRetry);
    } finally {
      open = false;
      await poller;
    }
    onProgress(status);
  }
  return status;
}

async function advanceWithRetries(
  client: CoordinatorClient,
  jobId: string,
  onRetry: (error: CoordinatorError, delayMs: number) => void,
): Promise<JobStatus> {
  for (let retry = 0; ; retry++) {
    try {
      return await client.advance(jobId);
    } catch (error) {
      if (
        !(error instanceof CoordinatorError) ||
        !RETRYABLE_CODES.has(error.code) ||
        retry >= MAX_ADVANCE_RETRIES
      ) {
        throw error;
      }
      const delayMs = 1000 * 2 ** retry;
      onRetry(error, delayMs);
      await sleep(delayMs);
    }
  }
}
