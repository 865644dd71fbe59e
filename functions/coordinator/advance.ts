/**
 * Advancing a job inside one request: map stage, reduce plan, reduce stage, result. Each
 * step starts only work that ends before the request's deadline, and stores what it
 * finished, so the next request (on this instance or another) continues where it stopped.
 */
import { JobNotFoundError } from '../lib/errors.js';
import type { JobStatus } from '../state/messages.js';
import type { Deadline } from '../lib/deadline.js';
import { cleanUp, cleanupPolicy } from './cleanup.js';
import { finalizeJob } from './finalize.js';
import { runMapStage } from './map-stage.js';
import { foldRates, readRates, writeRates } from './rates.js';
import { buildReducePlan } from './reduce-plan.js';
import { runReduceStage } from './reduce-stage.js';
import { JobFatalError } from './run-task.js';
import type { StageContext } from './stage-context.js';
import { readStatus } from './status.js';

// NOTE: two requests that advance the same job at once both call its missing tasks. The
// results stay exact, because outputs are idempotent, but the work is done twice: no lease
// keeps a second coordinator instance out yet.
export async function advanceJob(
  context: StageContext,
  jobId: string,
  deadline: Deadline,
): Promise<JobStatus> {
  const { state, config, log } = context;
  const job = await state.job(jobId);
  if (job === undefined) throw new JobNotFoundError(jobId);
  if (
    (await state.failure(jobId)) !== undefined ||
    (await state.finalStatus(jobId)) !== undefined
  ) {
    return readStatus(state, jobId);
  }

  try {
    const maps = await runMapStage(context, job, deadline);
    if (maps.size < job.ranges.length) return await readStatus(state, jobId);

    const rates = await readRates(state.store, state.bucket);
    const plan =
      (await state.reducePlan(jobId)) ??
      (await state.createReducePlan(
        buildReducePlan(
          job,
          [...maps.values()],
          {
            reduceTimeoutSeconds: config.reduceTimeoutSeconds,
            reserveSeconds: config.reserveSeconds,
            safetyFactor: config.safetyFactor,
            bytesPerSecond: rates?.reduceBytesPerSecond || config.initialReduceBytesPerSecond,
          },
          Date.now(),
        ),
      ));
    const reduces = await runReduceStage(context, plan, job.plan.concurrency, deadline);
    if (reduces.size < plan.groups.length) return await readStatus(state, jobId);

    const result = await finalizeJob(state, jobId, [...reduces.values()], Date.now());
    await writeRates(
      state.store,
      state.bucket,
      foldRates(rates, [...maps.values()], [...reduces.values()], Date.now()),
    );
    const status = await readStatus(state, jobId);
    await state.writeFinalStatus(status);
    log.info({ words: result.totalWords, distinct: result.distinctWords }, 'job done');
    await sweepAfterJob(context);
    return status;
  } catch (error) {
    if (!(error instanceof JobFatalError)) throw error;
    log.error({ code: error.code, task: error.task, err: error.message }, 'job failed');
    await state.fail(jobId, {
      code: error.code,
      message: error.message,
      task: error.task,
      failedMs: Date.now(),
    });
    const status = await readStatus(state, jobId);
    await state.writeFinalStatus(status);
    await sweepAfterJob(context);
    return status;
  }
}

/** Objects listed at most by the sweep at the end of a job, so that it stays short. */
const SWEEP_AFTER_JOB_MAX_LISTED = 10_000;

/**
 * Sweeps the ended and abandoned jobs when a job ends. A failed sweep is logged and does not
 * fail the job that ended.
 *
 * NOTE: this sweep lists at most 10,000 objects, in key order. In a bucket with more, the
 * jobs later in that order are swept only by POST /cleanup.
 */
async function sweepAfterJob(context: StageContext): Promise<void> {
  const { state, config, log } = context;
  try {
    const report = await cleanUp(
      state,
      { ...cleanupPolicy(config), maxListed: SWEEP_AFTER_JOB_MAX_LISTED },
      Date.now(),
      log,
    );
    if (report.objectsRemoved > 0) log.info(report, 'cleanup after the job');
  } catch (error) {
    log.warn({ err: error }, 'cleanup after the job failed; POST /cleanup retries it');
  }
}
