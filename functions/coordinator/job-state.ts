/**
 * The coordinator's view of a job's stored state. Progress is the set of write-once objects
 * under the job's prefix (see state/keys.ts), never one record that instances overwrite, so
 * two coordinator instances cannot lose each other's updates. Objects written once never
 * change, so this process caches them by key.
 */
import { CorruptObjectError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import {
  checkpointPosition,
  keys,
  receiptNumber,
  reduceCheckpointPosition,
} from '../state/keys.js';
import type {
  JobFailure,
  JobRecord,
  JobResult,
  JobStatus,
  MapReceipt,
  MessageName,
  Messages,
  ObjectRef,
  ReducePlan,
  ReduceReceipt,
} from '../state/messages.js';
import { messageToJson } from '../state/codec.js';
import { readStored, writeOnce, writeStored } from '../state/stored.js';

/** Cached objects at most; the cache starts over beyond this. */
const MAX_CACHED = 20_000;

export class JobState {
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly store: ObjectStore,
    readonly bucket: string,
  ) {}

  job(jobId: string): Promise<JobRecord | undefined> {
    return this.readOnce(keys.job(jobId), 'JobRecord');
  }

  /** Stores a new job record unless one exists; returns the stored record either way. */
  async createJob(record: JobRecord): Promise<{ record: JobRecord; created: boolean }> {
    const { value, created } = await writeOnce(
      this.store,
      this.bucket,
      keys.job(record.jobId),
      'JobRecord',
      record,
    );
    this.remember(keys.job(record.jobId), value);
    return { record: value, created };
  }

  /**
   * Returns the committed map receipts of the job's planned chunks, by chunk. Keys of other
   * chunks are ignored.
   *
   * @throws CorruptObjectError for a receipt that does not describe its planned range.
   */
  async mapReceipts(job: JobRecord): Promise<Map<number, MapReceipt>> {
    const receipts = await this.receipts(keys.mapPrefix(job.jobId), 'MapReceipt');
    for (const [chunk, receipt] of receipts) {
      const range = job.ranges[chunk];
      if (range === undefined) {
        receipts.delete(chunk);
        continue;
      }
      if (
        receipt.bytes !== range.end - range.start ||
        receipt.partitionEnds.length !== job.partitions
      ) {
        throw new CorruptObjectError(
          `map receipt of job ${job.jobId} chunk ${chunk} does not describe its planned range ` +
            `[${range.start}, ${range.end}) with ${job.partitions} partitions`,
        );
      }
    }
    return receipts;
  }

  /**
   * Returns the furthest checkpoint of each chunk that has one: where a map task that handed
   * over, possibly under an earlier coordinator request, continues.
   */
  latestCheckpoints(jobId: string): Promise<Map<number, ObjectRef>> {
    return this.furthestCheckpoints(jobId, (key) => {
      const position = checkpointPosition(key);
      return position && { id: position.chunk, progress: position.offset };
    });
  }

  /**
   * Returns the furthest checkpoint of each reduce task that has one: where a reduce task
   * that handed over, possibly under an earlier coordinator request, continues.
   */
  latestReduceCheckpoints(jobId: string): Promise<Map<number, ObjectRef>> {
    return this.furthestCheckpoints(jobId, (key) => {
      const position = reduceCheckpointPosition(key);
      return position && { id: position.task, progress: position.nextInput };
    });
  }

  /** Returns the committed reduce receipts of the plan's groups, by task. */
  async reduceReceipts(plan: ReducePlan): Promise<Map<number, ReduceReceipt>> {
    const receipts = await this.receipts(keys.reducePrefix(plan.jobId), 'ReduceReceipt');
    for (const task of receipts.keys()) {
      if (task >= plan.groups.length) receipts.delete(task);
    }
    return receipts;
  }

  reducePlan(jobId: string): Promise<ReducePlan | undefined> {
    return this.readOnce(keys.reducePlan(jobId), 'ReducePlan');
  }

  async createReducePlan(plan: ReducePlan): Promise<ReducePlan> {
    const key = keys.reducePlan(plan.jobId);
    const { value } = await writeOnce(this.store, this.bucket, key, 'ReducePlan', plan);
    this.remember(key, value);
    return value;
  }

  result(jobId: string): Promise<JobResult | undefined> {
    return readStored(this.store, this.bucket, keys.result(jobId), 'JobResult');
  }

  failure(jobId: string): Promise<JobFailure | undefined> {
    return this.readOnce(keys.failure(jobId), 'JobFailure');
  }

  /** Marks the job failed for good; the first failure recorded is the one kept. */
  async fail(jobId: string, failure: JobFailure): Promise<JobFailure> {
    const { value } = await writeOnce(
      this.store,
      this.bucket,
      keys.failure(jobId),
      'JobFailure',
      failure,
    );
    return value;
  }

  /** Returns the status written after the job finished, if any. */
  finalStatus(jobId: string): Promise<JobStatus | undefined> {
    return this.readOnce(keys.status(jobId), 'JobStatus');
  }

  /** Writes the finished job's status as protobuf, and as JSON for people (summary.json). */
  async writeFinalStatus(status: JobStatus): Promise<void> {
    const json = JSON.stringify(messageToJson('JobStatus', status), null, 2);
    await this.store.put(this.bucket, keys.summary(status.jobId), Buffer.from(`${json}\n`), {
      contentType: 'application/json',
    });
    await writeStored(this.store, this.bucket, keys.status(status.jobId), 'JobStatus', status);
  }

  /** Lists the job's checkpoints and keeps, per task id, the key with the most progress. */
  private async furthestCheckpoints(
    jobId: string,
    position: (key: string) => { id: number; progress: number } | undefined,
  ): Promise<Map<number, ObjectRef>> {
    const furthest = new Map<number, { progress: number; key: string }>();
    for await (const item of this.store.list(this.bucket, keys.checkpointPrefix(jobId))) {
      const found = position(item.key);
      if (found === undefined) continue;
      const known = furthest.get(found.id);
      if (known === undefined || found.progress > known.progress)
        furthest.set(found.id, { progress: found.progress, key: item.key });
    }
    const refs = new Map<number, ObjectRef>();
    for (const [id, { key }] of furthest)
      refs.set(id, { bucket: this.bucket, key, etag: '', size: 0 });
    return refs;
  }

  private async receipts<N extends 'MapReceipt' | 'ReduceReceipt'>(
    prefix: string,
    name: N,
  ): Promise<Map<number, Messages[N]>> {
    const found = new Map<number, Messages[N]>();
    const pending: Promise<void>[] = [];
    for await (const item of this.store.list(this.bucket, prefix)) {
      const number = receiptNumber(item.key);
      if (number === undefined) continue;
      pending.push(
        this.readOnce(item.key, name).then((receipt) => {
          if (receipt !== undefined) found.set(number, receipt);
        }),
      );
    }
    await Promise.all(pending);
    return found;
  }

  /** Reads an object that is written once; found objects are cached, missing ones are not. */
  private async readOnce<N extends MessageName>(
    key: string,
    name: N,
  ): Promise<Messages[N] | undefined> {
    const cached = this.cache.get(key) as Messages[N] | undefined;
    if (cached !== undefined) return cached;

    const value = await readStored(this.store, this.bucket, key, name);
    if (value !== undefined) this.remember(key, value);
    return value;
  }

  private remember(key: string, value: unknown): void {
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(key, value);
  }
}
