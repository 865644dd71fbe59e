/**
 * The running estimate of map and reduce throughput, kept in the store so the next job
 * plans with what instances measured. Each finished job moves the estimate halfway towards
 * its own throughput. Concurrent jobs may overwrite each other's update; the estimate is a
 * planning input, not job state, so the last writer winning is acceptable.
 */
import type { ObjectStore } from '../store/object-store.js';
import { keys } from '../state/keys.js';
import type { MapReceipt, RateEstimate, ReduceReceipt } from '../state/messages.js';
import { readStored, writeStored } from '../state/stored.js';

/** Tasks smaller than this are dominated by fixed per-call costs and do not teach the rate: 1 MiB. */
export const MIN_RATE_SAMPLE_BYTES = 1024 * 1024;

/** Weight of the newest job in the estimate. */
const NEW_JOB_WEIGHT = 0.5;

export async function readRates(
  store: ObjectStore,
  bucket: string,
): Promise<RateEstimate | undefined> {
  return readStored(store, bucket, keys.rates(), 'RateEstimate');
}

/**
 * Returns the estimate after a job: each rate is the bytes of the job's large enough tasks
 * divided by their summed wall time, folded into the previous estimate. A job without such
 * tasks leaves that rate unchanged.
 */
export function foldRates(
  previous: RateEstimate | undefined,
  maps: readonly MapReceipt[],
  reduces: readonly ReduceReceipt[],
  nowMs: number,
): RateEstimate {
  const mapRate = throughput(maps.map((receipt) => [receipt.bytes, receipt.durationSeconds]));
  const reduceRate = throughput(
    reduces.map((receipt) => [receipt.inputBytes, receipt.durationSeconds]),
  );
  return {
    mapBytesPerSecond: fold(previous?.mapBytesPerSecond, mapRate),
    reduceBytesPerSecond: fold(previous?.reduceBytesPerSecond, reduceRate),
    jobs: (previous?.jobs ?? 0) + 1,
    updatedMs: nowMs,
  };
}

export async function writeRates(
  store: ObjectStore,
  bucket: string,
  estimate: RateEstimate,
): Promise<void> {
  await writeStored(store, bucket, keys.rates(), 'RateEstimate', estimate);
}

function throughput(samples: [bytes: number, seconds: number][]): number | undefined {
  let bytes = 0;
  let seconds = 0;
  for (const [sampleBytes, sampleSeconds] of samples) {
    if (sampleBytes < MIN_RATE_SAMPLE_BYTES || sampleSeconds <= 0) continue;
    bytes += sampleBytes;
    seconds += sampleSeconds;
  }
  return seconds > 0 ? bytes / seconds : undefined;
}

function fold(previous: number | undefined, measured: number | undefined): number {
  if (measured === undefined) return previous ?? 0;
  if (previous === undefined || previous <= 0) return measured;
  return previous + NEW_JOB_WEIGHT * (measured - previous);
}
