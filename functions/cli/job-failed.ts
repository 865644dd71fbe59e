import { WordcountError } from '../lib/errors.js';
import type { JobStatus } from '../state/messages.js';

/** Thrown when a job ends in the failed phase; the message is the failure the coordinator stored. */
export class JobFailedError extends WordcountError {
  constructor(status: JobStatus) {
    const failure = status.failure;
    super(
      failure?.code ?? 'JOB_FAILED',
      `job ${status.jobId} failed: ${failure?.message ?? 'no reason stored'}`,
    );
  }
}
