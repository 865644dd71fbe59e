/** Submitting a job: check the request, find or plan the job, and store its record once. */
import { InvalidRequestError, JobConflictError } from '../lib/errors.js';
import { INSTANCE_ID } from '../lib/log.js';
import type { JobOptions, JobRecord, JobRequest } from '../state/messages.js';
import { validateInputRef, validateJobId } from '../state/validate.js';
import type { CoordinatorConfig } from './config.js';
import { deriveJobId } from './job-id.js';
import type { JobState } from './job-state.js';
import { planJobRanges, planSafeSize } from './planner.js';
import { readRates } from './rates.js';

/** Version of the stored job layout, so a later format can tell old records apart. */
const FORMAT_VERSION = 1;

/**
 * Returns the job for `request`: the stored one when the job exists, so a resubmission
 * continues with the same plan, or a newly planned one.
 *
 * @throws InvalidRequestError, BucketNotAllowedError, ObjectNotFoundError or JobConflictError.
 */
export async function submitJob(
  state: JobState,
  config: CoordinatorConfig,
  request: JobRequest,
): Promise<JobRecord> {
  const input = validateInputRef(request.input, {
    stateBucket: state.bucket,
    inputBuckets: config.inputBuckets,
  });
  const options: JobOptions = request.options ?? { safeSize: 0, partitions: 0, concurrency: 0 };
  if (options.partitions > 65_536) {
    throw new InvalidRequestError(
      `invalid options.partitions ${options.partitions}: expected 0 (default) to 65536`,
    );
  }
  if (request.jobId !== '') {
    validateJobId(request.jobId);
    const existing = await state.job(request.jobId);
    if (existing !== undefined) {
      if (existing.input.bucket !== input.bucket || existing.input.key !== input.key) {
        throw new JobConflictError(
          request.jobId,
          `${existing.input.bucket}/${existing.input.key}`,
          `${input.bucket}/${input.key}`,
        );
      }
      return existing;
    }
  }

  const info = await state.store.stat(input.bucket, input.key);
  const identified = { bucket: input.bucket, key: input.key, etag: info.etag, size: info.size };
  const jobId = request.jobId !== '' ? request.jobId : deriveJobId(identified, options);
  const existing = await state.job(jobId);
  if (existing !== undefined) return existing;

  const plan = planSafeSize(config, options, await readRates(state.store, state.bucket));
  const partitions = options.partitions > 0 ? options.partitions : config.partitions;
  checkPlanSize(info.size, plan.safeSize, partitions);
  const record: JobRecord = {
    formatVersion: FORMAT_VERSION,
    jobId,
    input: identified,
    options,
    plan,
    ranges: planJobRanges(info.size, plan),
    partitions,
    createdMs: Date.now(),
    createdBy: INSTANCE_ID,
  };
  return (await state.createJob(record)).record;
}

/** Most ranges one job may have: every range is a task, a receipt and an entry in the plans. */
export const MAX_RANGES = 100_000;

/**
 * Most partition blocks one job may have (ranges × partitions): each map receipt lists the
 * end and CRC-32 of every block, and the reduce plan holds all receipts in memory.
 */
export const MAX_BLOCKS = 16_777_216;

/** @throws InvalidRequestError when the plan would have more ranges or blocks than a job may. */
function checkPlanSize(size: number, safeSize: number, partitions: number): void {
  const ranges = Math.ceil(size / safeSize);
  if (ranges > MAX_RANGES) {
    throw new InvalidRequestError(
      `SafeSize ${safeSize} makes ${ranges} ranges of this ${size}-byte input, more than the maximum ` +
        `${MAX_RANGES} per job; set options.safeSize to at least ${Math.ceil(size / MAX_RANGES)}`,
    );
  }
  if (ranges * partitions > MAX_BLOCKS) {
    throw new InvalidRequestError(
      `${ranges} ranges × ${partitions} partitions make ${ranges * partitions} blocks, more than the maximum ` +
        `${MAX_BLOCKS} per job; use fewer partitions or a larger options.safeSize`,
    );
  }
}
