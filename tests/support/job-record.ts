import { encodeMessage } from '../../functions/state/codec.js';
import { keys } from '../../functions/state/keys.js';
import type { ObjectRef } from '../../functions/state/messages.js';
import type { ObjectStore } from '../../functions/store/object-store.js';

/** Stores the record of a one-range job, so map tasks for it pass the plan check. */
export async function storeOneRangeJob(
  store: ObjectStore,
  bucket: string,
  jobId: string,
  input: ObjectRef,
  partitions: number,
): Promise<void> {
  const plan = {
    timeoutSeconds: 300,
    reserveSeconds: 10,
    safetyFactor: 0.5,
    bytesPerSecond: 1,
    rateSource: 'override',
    safeSize: input.size,
    minRangeBytes: 1,
    concurrency: 1,
  };
  const record = {
    formatVersion: 1,
    jobId,
    input,
    options: { safeSize: input.size, partitions, concurrency: 1 },
    plan,
    ranges: [{ start: 0, end: input.size }],
    partitions,
    createdMs: Date.now(),
    createdBy: 'test',
  };
  await store.put(bucket, keys.job(jobId), encodeMessage('JobRecord', record));
}
