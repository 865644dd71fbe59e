/**
 * Checks that a task matches the committed state of its job, read from the store: a map task
 * must be one of the job's planned ranges, a reduce task one of its reduce plan's groups.
 * Anything in the cluster can call a function, and a task that does not match the plan could
 * otherwise commit output that the job then counts.
 */
import { InvalidRequestError, JobNotFoundError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { keys } from './keys.js';
import type { JobRecord, MapTask, ReducePlan, ReduceTask } from './messages.js';
import { readStored } from './stored.js';

/** Plans kept in memory per process; written once, so they never go stale. */
const MAX_CACHED_PLANS = 64;

const jobs = new Map<string, JobRecord>();
const reducePlans = new Map<string, ReducePlan>();

async function cached<T>(
  cache: Map<string, T>,
  key: string,
  read: () => Promise<T | undefined>,
): Promise<T | undefined> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = await read();
  if (value === undefined) return undefined;
  if (cache.size >= MAX_CACHED_PLANS) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

/** @throws JobNotFoundError or InvalidRequestError when the task is not part of the job's plan. */
export async function checkMapTaskAgainstPlan(
  store: ObjectStore,
  bucket: string,
  task: MapTask,
): Promise<void> {
  const job = await cached(jobs, `${bucket}/${task.jobId}`, () =>
    readStored(store, bucket, keys.job(task.jobId), 'JobRecord'),
  );
  if (job === undefined) throw new JobNotFoundError(task.jobId);

  const where = `map task for job ${task.jobId} chunk ${task.chunk}`;
  const range = job.ranges[task.chunk];
  if (range === undefined) {
    throw new InvalidRequestError(
      `${where} does not match the job's plan: the job has ${job.ranges.length} chunks`,
    );
  }
  if (task.range.start !== range.start || task.range.end !== range.end) {
    throw new InvalidRequestError(
      `${where} does not match the job's plan: range [${task.range.start}, ${task.range.end}), planned [${range.start}, ${range.end})`,
    );
  }
  const { input } = job;
  if (
    task.input.bucket !== input.bucket ||
    task.input.key !== input.key ||
    task.input.etag !== input.etag ||
    task.input.size !== input.size
  ) {
    throw new InvalidRequestError(
      `${where} does not match the job's plan: input differs from ${input.bucket}/${input.key}`,
    );
  }
  if (task.partitions !== job.partitions) {
    throw new InvalidRequestError(
      `${where} does not match the job's plan: ${task.partitions} partitions, planned ${job.partitions}`,
    );
  }
}

/**
 * Returns the job's reduce plan after checking that the task is one of its groups.
 *
 * @throws JobNotFoundError or InvalidRequestError when the task is not part of the plan.
 */
export async function checkReduceTaskAgainstPlan(
  store: ObjectStore,
  bucket: string,
  task: ReduceTask,
): Promise<ReducePlan> {
  const plan = await cached(reducePlans, `${bucket}/${task.jobId}`, () =>
    readStored(store, bucket, keys.reducePlan(task.jobId), 'ReducePlan'),
  );
  if (plan === undefined) throw new JobNotFoundError(task.jobId);

  const group = plan.groups[task.task];
  if (
    group === undefined ||
    group.firstPartition !== task.firstPartition ||
    group.endPartition !== task.endPartition
  ) {
    throw new InvalidRequestError(
      `reduce task ${task.task} of job ${task.jobId} does not match the job's reduce plan of ${plan.groups.length} groups`,
    );
  }
  return plan;
}
