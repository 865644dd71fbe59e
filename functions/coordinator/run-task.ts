/** One task call with retries: exponential backoff with full jitter, inside the request's deadline. */
import { setTimeout as sleep } from 'node:timers/promises';

import { TaskFailedError, WordcountError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { Deadline } from '../lib/deadline.js';
import { TaskCallError } from './function-client.js';

export interface RetryPolicy {
  maxAttempts: number;
  /** Backoff before the second attempt, in ms; it doubles with each further attempt. */
  baseMs: number;
  /** Maximum backoff, in ms. */
  capMs: number;
}

/** Error codes of a function that mean the job itself cannot succeed: retrying or resubmitting cannot help. */
const JOB_FATAL_CODES = new Set([
  'WORD_TOO_LONG',
  'TIMEOUT_TOO_SHORT',
  'INPUT_CHANGED',
  'OBJECT_NOT_FOUND',
  'BUCKET_NOT_FOUND',
  'BUCKET_NOT_ALLOWED',
  'CORRUPT_OBJECT',
  'INVALID_REQUEST',
  'INVALID_KEY',
  'MALFORMED_MESSAGE',
]);

/** Thrown when a task failed in a way that fails the whole job. */
export class JobFatalError extends WordcountError {
  constructor(
    readonly task: string,
    readonly callError: TaskCallError,
  ) {
    super(callError.code, `${task} failed: ${callError.detail}`, { cause: callError });
  }
}

/**
 * Calls `call(attempt)` until it succeeds, starting an attempt only when `callMs` still fits
 * before the deadline. Returns undefined when time ran out before the task succeeded, so a
 * later request can take it up.
 *
 * @throws JobFatalError for an error that fails the job, TaskFailedError after the last
 *   attempt, or the error itself when it is not retryable (for example rejected store
 *   credentials, which an operator can fix).
 */
export async function runTask<T>(
  task: string,
  call: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  deadline: Deadline,
  callMs: number,
  log: Logger,
): Promise<T | undefined> {
  for (let attempt = 1; ; attempt++) {
    if (!deadline.allows(callMs)) return undefined;
    try {
      return await call(attempt);
    } catch (error) {
      if (!(error instanceof TaskCallError)) throw error;
      if (JOB_FATAL_CODES.has(error.code)) throw new JobFatalError(task, error);
      if (!error.retryable) throw error;
      if (attempt >= policy.maxAttempts) throw new TaskFailedError(task, attempt, error.message);

      const backoffMs = Math.random() * Math.min(policy.capMs, policy.baseMs * 2 ** (attempt - 1));
      log.warn(
        { task, attempt, backoffMs: Math.round(backoffMs), err: error.message },
        'task failed; retrying',
      );
      if (!deadline.allows(backoffMs + callMs)) return undefined;
      await sleep(backoffMs);
    }
  }
}
