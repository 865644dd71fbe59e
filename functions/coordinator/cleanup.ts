/**
 * Removing the intermediate objects that jobs no longer need: map and reduce outputs,
 * receipts, checkpoints and the reduce plan. The job record, the result, the status and the
 * failure marker stay, so a finished job still returns its status and result.
 *
 * An object goes only when no live task can still be writing it: its job ended (or was
 * abandoned) long enough ago, and the object itself is older than the longest a task can
 * still run. A late duplicate that writes after a sweep leaves an object the next sweep finds.
 */
import type { Logger } from '../lib/log.js';
import type { ListedObject } from '../store/object-store.js';
import { callMs } from './call-time.js';
import type { CoordinatorConfig } from './config.js';
import type { JobState } from './job-state.js';
import { readStatus } from './status.js';

export interface CleanupPolicy {
  /** Seconds after a job ended before its intermediate objects go. */
  retentionSeconds: number;
  /**
   * Seconds without a new object after which an unfinished job counts as abandoned: what
   * killed instances left in it goes, its committed work stays.
   */
  abandonSeconds: number;
  /** Seconds a task call can still write after it started: its timeout and margin. */
  liveTaskSeconds: number;
  /** Objects listed at most in one sweep; the rest waits for the next. */
  maxListed?: number;
}

export interface CleanupReport {
  jobsScanned: number;
  jobsCleaned: number;
  objectsRemoved: number;
  bytesRemoved: number;
  /** True when the sweep stopped at `maxListed` objects. */
  truncated: boolean;
}

/**
 * Returns the configured policy. A task can write for as long as its call may last: the platform
 * ends it at its timeout, and the coordinator stops waiting at the timeout plus a margin.
 *
 * NOTE: the local deployment's servers do not end a request at the timeout. Map and reduce
 * stop on their own before it, but one stuck in the store past the margin could still write.
 */
export function cleanupPolicy(
  config: CoordinatorConfig,
  retentionSeconds = config.cleanupRetentionSeconds,
): CleanupPolicy {
  const longestTask = Math.max(config.mapTimeoutSeconds, config.reduceTimeoutSeconds);
  return {
    retentionSeconds,
    abandonSeconds: config.cleanupAbandonSeconds,
    liveTaskSeconds: callMs(longestTask) / 1000,
  };
}

/** Names under `jobs/{id}/` that a sweep keeps. */
const KEPT = new Set([
  'job.pb',
  'result.tsv',
  'result.pb',
  'summary.json',
  'status.pb',
  'failed.pb',
]);
/** Names whose presence means the job ended, one way or the other. */
const END_MARKERS = ['status.pb', 'failed.pb', 'result.pb'];

const REMOVE_BATCH = 1000;

/** Sweeps all jobs of the state bucket, or only `jobId`. */
export async function cleanUp(
  state: JobState,
  policy: CleanupPolicy,
  nowMs: number,
  log: Logger,
  jobId?: string,
): Promise<CleanupReport> {
  const report: CleanupReport = {
    jobsScanned: 0,
    jobsCleaned: 0,
    objectsRemoved: 0,
    bytesRemoved: 0,
    truncated: false,
  };
  const prefix = jobId === undefined ? 'jobs/' : `jobs/${jobId}/`;
  let current: string | undefined;
  let objects: ListedObject[] = [];
  let listed = 0;

  const finish = async (): Promise<void> => {
    if (current === undefined) return;
    report.jobsScanned++;
    await cleanJob(state, current, objects, policy, nowMs, log, report);
  };
  for await (const item of state.store.list(state.bucket, prefix)) {
    if (policy.maxListed !== undefined && listed++ >= policy.maxListed) {
      report.truncated = true;
      // The last job may be listed only in part: leave it to the next sweep.
      current = undefined;
      break;
    }
    const id = item.key.split('/')[1];
    if (id !== current) {
      await finish();
      current = id;
      objects = [];
    }
    objects.push(item);
  }
  await finish();
  return report;
}

async function cleanJob(
  state: JobState,
  jobId: string,
  objects: readonly ListedObject[],
  policy: CleanupPolicy,
  nowMs: number,
  log: Logger,
  report: CleanupReport,
): Promise<void> {
  const named = new Map(objects.map((item) => [item.key.slice(`jobs/${jobId}/`.length), item]));
  const ageSeconds = (item: ListedObject): number => (nowMs - item.lastModified.getTime()) / 1000;
  const markers = END_MARKERS.flatMap((name) => named.get(name) ?? []);

  let removable: ListedObject[];
  if (markers.length > 0) {
    const endedSeconds = Math.min(...markers.map(ageSeconds));
    if (endedSeconds < policy.retentionSeconds) return;
    // Freeze the status before the receipts it is assembled from go.
    if (!named.has('status.pb') && named.has('job.pb'))
      await state.writeFinalStatus(await readStatus(state, jobId));
    removable = [...named].filter(([name]) => !KEPT.has(name)).map(([, item]) => item);
  } else {
    const idleSeconds = Math.min(...objects.map(ageSeconds));
    if (idleSeconds < Math.max(policy.abandonSeconds, policy.liveTaskSeconds)) return;
    removable = leftovers(named);
  }
  removable = removable.filter((item) => ageSeconds(item) >= policy.liveTaskSeconds);
  if (removable.length === 0) return;

  // Commit records first, then what they commit: a job that is continued later never finds
  // a receipt or a reduce plan whose objects are gone.
  removable.sort((a, b) => removalRank(a.key) - removalRank(b.key));
  for (let i = 0; i < removable.length; i += REMOVE_BATCH) {
    const batch = removable.slice(i, i + REMOVE_BATCH);
    await state.store.remove(
      state.bucket,
      batch.map((item) => item.key),
    );
  }
  const bytes = removable.reduce((sum, item) => sum + item.size, 0);
  report.jobsCleaned++;
  report.objectsRemoved += removable.length;
  report.bytesRemoved += bytes;
  log.info(
    { job: jobId, objects: removable.length, bytes, ended: markers.length > 0 },
    markers.length > 0
      ? 'cleanup: removed the intermediate objects of an ended job'
      : 'cleanup: removed the intermediate objects of an abandoned job',
  );
}

/**
 * Returns what killed instances left in a job that is not over: outputs that no receipt
 * commits, and checkpoints of tasks that were committed after all. Committed work and the checkpoints of
 * unfinished tasks stay, so the job can still be continued.
 */
function leftovers(named: ReadonlyMap<string, ListedObject>): ListedObject[] {
  const found: ListedObject[] = [];
  for (const [name, item] of named) {
    const output = /^(map|reduce)\/(\d+)\.out$/.exec(name);
    if (output !== null && !named.has(`${output[1]}/${output[2]}.receipt`)) found.push(item);
    const checkpoint = /^checkpoint\/(r?)(\d+)-\d+\.pb$/.exec(name);
    if (checkpoint !== null) {
      const stage = checkpoint[1] === 'r' ? 'reduce' : 'map';
      const width = stage === 'reduce' ? 4 : 6;
      const receipt = `${stage}/${checkpoint[2].padStart(width, '0')}.receipt`;
      if (named.has(receipt)) found.push(item);
    }
  }
  return found;
}

function removalRank(key: string): number {
  if (key.endsWith('.receipt') && key.includes('/reduce/')) return 0;
  if (key.endsWith('/reduce-plan.pb')) return 1;
  if (key.endsWith('.receipt')) return 2;
  return 3;
}
