/**
 * HTTP routes of the coordinator. A job advances only inside POST requests, because Knative
 * may throttle an instance that has no request in flight; GET requests read stored progress.
 *
 *   POST /jobs                   submit a job and advance it (?wait=false: only submit)
 *   POST /jobs/{jobId}/advance   advance a job
 *   GET  /jobs/{jobId}           the job's status
 *   GET  /jobs/{jobId}/result    the result: ?format=tsv (default) or json, ?top=N
 *   POST /cleanup                remove what ended and abandoned jobs no longer need
 *                                (?retentionSeconds=N overrides the configured retention)
 */
import { Router, type Request, type Response } from 'express';

import { decodeWordBlock } from '../state/word-block.js';
import { InvalidRequestError, JobFailedError, JobNotDoneError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { readMessage, sendMessage } from '../lib/http/body.js';
import { keys } from '../state/keys.js';
import { Phase, type JobStatus } from '../state/messages.js';
import { validateJobId } from '../state/validate.js';
import { advanceJob } from './advance.js';
import { cleanUp, cleanupPolicy } from './cleanup.js';
import { COORDINATOR_RESERVE_SECONDS, type CoordinatorConfig } from './config.js';
import { Deadline } from '../lib/deadline.js';
import type { FunctionClient } from './function-client.js';
import type { JobState } from './job-state.js';
import type { RetryPolicy } from './run-task.js';
import type { StageContext } from './stage-context.js';
import { readStatus } from './status.js';
import { submitJob } from './submit.js';

export interface CoordinatorServices {
  config: CoordinatorConfig;
  state: JobState;
  map: FunctionClient;
  reduce: FunctionClient;
  retry: RetryPolicy;
}

const PHASE_NAMES: Record<number, string> = {
  [Phase.MAPPING]: 'mapping',
  [Phase.REDUCING]: 'reducing',
  [Phase.DONE]: 'done',
  [Phase.FAILED]: 'failed',
};

export function coordinatorRoutes(services: CoordinatorServices): Router {
  const router = Router();

  router.post('/jobs', async (request, response) => {
    const deadline = requestDeadline(request, services.config);
    const job = await submitJob(
      services.state,
      services.config,
      readMessage(request, 'JobRequest'),
    );
    const log = jobLog(response, job.jobId);

    const wait = request.query.wait !== 'false';
    const status = wait
      ? await advanceJob(stageContext(services, log), job.jobId, deadline)
      : await readStatus(services.state, job.jobId);
    sendStatus(request, response, status);
  });

  router.post('/jobs/:jobId/advance', async (request, response) => {
    const deadline = requestDeadline(request, services.config);
    const jobId = jobIdParam(request);
    const status = await advanceJob(
      stageContext(services, jobLog(response, jobId)),
      jobId,
      deadline,
    );
    sendStatus(request, response, status);
  });

  router.get('/jobs/:jobId', async (request, response) => {
    const jobId = jobIdParam(request);
    jobLog(response, jobId);
    sendStatus(request, response, await readStatus(services.state, jobId));
  });

  router.get('/jobs/:jobId/result', async (request, response) => {
    const jobId = jobIdParam(request);
    jobLog(response, jobId);
    const top = topParam(request);
    const format = formatParam(request);
    const status = await readStatus(services.state, jobId);
    if (status.phase === Phase.FAILED) {
      throw new JobFailedError(jobId, status.failure?.message ?? 'no reason stored');
    }
    if (status.phase !== Phase.DONE) {
      throw new JobNotDoneError(jobId, PHASE_NAMES[status.phase] ?? 'unknown');
    }

    if (format === 'json') {
      const result = await services.state.result(jobId);
      if (result === undefined) throw new JobNotDoneError(jobId, 'done without a result');
      const words = decodeWordBlock(result.words, `result of job ${jobId}`);
      response.json({
        totalWords: result.totalWords,
        distinctWords: result.distinctWords,
        words: top === undefined ? words : words.slice(0, top),
      });
      return;
    }
    const tsv = Buffer.from(
      await services.state.store.get(services.state.bucket, keys.resultTsv(jobId)),
    );
    response
      .type('text/tab-separated-values; charset=utf-8')
      .send(top === undefined ? tsv : firstLines(tsv, top));
  });

  router.post('/cleanup', async (request, response) => {
    const retention = secondsParam(request, 'retentionSeconds');
    const report = await cleanUp(
      services.state,
      cleanupPolicy(services.config, retention),
      Date.now(),
      response.locals.log,
    );
    response.json(report);
  });

  return router;
}

function secondsParam(request: Request, name: string): number | undefined {
  const text = request.query[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || !/^\d+(\.\d+)?$/.test(text) || !Number.isFinite(value)) {
    throw new InvalidRequestError(
      `invalid ${name} ${JSON.stringify(text)}: expected a number of seconds, 0 or more`,
    );
  }
  return value;
}

function stageContext(services: CoordinatorServices, log: Logger): StageContext {
  return { ...services, log };
}

function jobLog(response: Response, jobId: string): Logger {
  response.locals.log = response.locals.log.child({ job: jobId });
  return response.locals.log;
}

/**
 * Returns the deadline of this request: the coordinator's timeout minus a reserve, or a
 * shorter budget in seconds that the client asks for with ?budget=.
 */
function requestDeadline(request: Request, config: CoordinatorConfig): Deadline {
  let seconds = config.timeoutSeconds - COORDINATOR_RESERVE_SECONDS;
  const budget = request.query.budget;
  if (budget !== undefined) {
    const requested = Number(budget);
    if (typeof budget !== 'string' || !Number.isFinite(requested) || requested <= 0) {
      throw new InvalidRequestError(
        `invalid budget ${JSON.stringify(budget)}: expected seconds above 0`,
      );
    }
    seconds = Math.min(seconds, requested);
  }
  return new Deadline(Date.now() + seconds * 1000);
}

function jobIdParam(request: Request): string {
  const jobId = String(request.params.jobId);
  validateJobId(jobId);
  return jobId;
}

function formatParam(request: Request): 'tsv' | 'json' {
  const format = request.query.format ?? 'tsv';
  if (format !== 'tsv' && format !== 'json') {
    throw new InvalidRequestError(`invalid format ${JSON.stringify(format)}: expected tsv or json`);
  }
  return format;
}

function topParam(request: Request): number | undefined {
  const top = request.query.top;
  if (top === undefined) return undefined;
  if (typeof top !== 'string' || !/^\d+$/.test(top)) {
    throw new InvalidRequestError(`invalid top ${JSON.stringify(top)}: expected a whole number`);
  }
  return Number(top);
}

/** Responds 200 for a finished job (done or failed) and 202 for one still in progress. */
function sendStatus(request: Request, response: Response, status: JobStatus): void {
  const finished = status.phase === Phase.DONE || status.phase === Phase.FAILED;
  sendMessage(request, response, 'JobStatus', status, finished ? 200 : 202);
}

function firstLines(text: Buffer, lines: number): Buffer {
  let end = 0;
  for (let i = 0; i < lines; i++) {
    const newline = text.indexOf(0x0a, end);
    if (newline === -1) return text;
    end = newline + 1;
  }
  return text.subarray(0, end);
}
