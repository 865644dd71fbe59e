/**
 * Driving a job to its end from the client side: submit it, then send advance requests until
 * it is done or failed, each one a request that the coordinator works inside. While a
 * request is open, the job's status is polled for progress.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { Phase, type JobRequest, type JobStatus } from '../state/messages.js';
import type { CoordinatorClient } from './coordinator-client.js';

/** Interval between status polls while an advance request is open, in ms. */
const POLL_MS = 500;

export function isFinished(status: JobStatus): boolean {
  return status.phase === Phase.DONE || status.phase === Phase.FAILED;
}

export async function runJob(
  client: CoordinatorClient,
  job: JobRequest,
  onProgress: (status: JobStatus) => void,
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
      status = await client.advance(jobId);
    } finally {
      open = false;
      await poller;
    }
    onProgress(status);
  }
  return status;
}
