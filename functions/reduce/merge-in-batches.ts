/**
 * Merging a reduce task's input slices in batches inside an invocation's deadline. Slices are
 * taken in order, a batch at a time. After each batch the measured rate predicts how long the
 * next one takes. Storing the counts afterwards (a checkpoint or the output) takes time too,
 * in proportion to the distinct words, so a batch starts only when both fit before the
 * deadline. Otherwise merging stops, the counts so far are those of the slices before one
 * index, and the caller hands the rest over.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { CountMap } from '../counting/count-map.js';
import { forEachConcurrent } from '../lib/concurrency.js';
import type { Deadline } from '../lib/deadline.js';
import { decodePartitionBlock } from '../map/map-output.js';
import type { ObjectStore } from '../store/object-store.js';
import type { MapSlice } from '../state/messages.js';

/** Ranged GETs in flight at once while a reducer reads map outputs. */
const READ_CONCURRENCY = 8;
/** First batch when no rate is known yet: 256 KiB, short even for a slow instance. */
const FIRST_BATCH_BYTES = 256 * 1024;
const MIN_BATCH_BYTES = 64 * 1024;
const MAX_BATCH_BYTES = 64 * 1024 * 1024;
/** A batch takes about this long at the measured rate, so a stop comes at most this late. */
const BATCH_TARGET_MS = 500;
/** A batch starts only when 1.5 times its predicted duration fits: rates vary between batches. */
const BATCH_MARGIN = 1.5;

export interface MergeInBatchesOptions {
  /** Rate of earlier invocations of the task, input bytes per second, for the first batch. */
  knownBytesPerSecond?: number;
  /** Distinct words that earlier invocations found per input byte, for the first batch. */
  knownEntriesPerByte?: number;
  /** Predicted milliseconds, per distinct word, to store the counts after merging. */
  storeMsPerEntry: number;
  /** Test only: never merge faster than this many input bytes per second. */
  maxBytesPerSecond?: number;
}

export interface BatchedMerge {
  /** Index of the first slice not merged: the number of inputs when merging finished. */
  next: number;
  /** Input bytes merged by this call. */
  inputBytes: number;
  /** Milliseconds spent merging. */
  elapsedMs: number;
}

/** Adds the counts of `inputs[from..]` to `counts`, a batch at a time, while the deadline allows. */
export async function mergeInBatches(
  store: ObjectStore,
  inputs: readonly MapSlice[],
  from: number,
  firstPartition: number,
  counts: CountMap,
  deadline: Deadline,
  options: MergeInBatchesOptions,
): Promise<BatchedMerge> {
  const started = Date.now();
  const startEntries = counts.size;
  let rate = options.knownBytesPerSecond;
  let entriesPerByte = options.knownEntriesPerByte ?? 0;
  let next = from;
  let inputBytes = 0;

  while (next < inputs.length) {
    const { end, bytes } = nextBatch(inputs, next, batchBytes(rate));
    if (rate === undefined && deadline.remainingMs() <= 0) break;
    if (rate !== undefined) {
      const mergeMs = (bytes / rate) * 1000 * BATCH_MARGIN;
      const storeMs = (counts.size + entriesPerByte * bytes) * options.storeMsPerEntry;
      if (!deadline.allows(Math.ceil(mergeMs + storeMs))) break;
    }

    await forEachConcurrent(inputs.slice(next, end), READ_CONCURRENCY, async (slice) => {
      await mergeSlice(store, slice, firstPartition, counts);
    });
    next = end;
    inputBytes += bytes;
    if (options.maxBytesPerSecond !== undefined) {
      const earliestMs = started + (inputBytes / options.maxBytesPerSecond) * 1000;
      if (earliestMs > Date.now()) await sleep(earliestMs - Date.now());
    }
    rate = inputBytes / (Math.max(Date.now() - started, 1) / 1000);
    entriesPerByte = (counts.size - startEntries) / inputBytes;
  }
  return { next, inputBytes, elapsedMs: Date.now() - started };
}

/** Map output bytes of a slice: its blocks, read with one ranged GET. */
export function sliceBytes(slice: MapSlice): number {
  return slice.blockLengths.reduce((sum, blockLength) => sum + blockLength, 0);
}

/** Returns the end and the bytes of the batch at `start`: about `target` bytes, at least one slice. */
function nextBatch(
  inputs: readonly MapSlice[],
  start: number,
  target: number,
): { end: number; bytes: number } {
  let end = start;
  let bytes = 0;
  while (end < inputs.length && (end === start || bytes + sliceBytes(inputs[end]) <= target)) {
    bytes += sliceBytes(inputs[end]);
    end++;
  }
  return { end, bytes };
}

function batchBytes(rate: number | undefined): number {
  if (rate === undefined) return FIRST_BATCH_BYTES;
  const target = Math.floor((rate * BATCH_TARGET_MS) / 1000);
  return Math.min(MAX_BATCH_BYTES, Math.max(MIN_BATCH_BYTES, target));
}

/** Reads this task's blocks of one map output with one ranged GET and adds them to `counts`. */
async function mergeSlice(
  store: ObjectStore,
  slice: MapSlice,
  firstPartition: number,
  counts: CountMap,
): Promise<void> {
  const length = sliceBytes(slice);
  if (length === 0) return;

  const { bucket, key } = slice.output;
  const { bytes } = await store.getRange(bucket, key, slice.offset, length);
  let offset = 0;
  slice.blockLengths.forEach((blockLength, i) => {
    const block = bytes.subarray(offset, offset + blockLength);
    offset += blockLength;
    for (const [word, count] of decodePartitionBlock(
      block,
      firstPartition + i,
      slice.blockCrc32[i],
      `${bucket}/${key}`,
    )) {
      counts.set(word, (counts.get(word) ?? 0) + count);
    }
  });
}
