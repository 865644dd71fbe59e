/**
 * Counting a range in steps inside an invocation's deadline. After each step, the measured
 * rate predicts how long the next one takes. When it would end past the deadline, counting
 * stops there and the caller hands the rest over. Each step is a range of its own, and the
 * ownership rule makes the steps' counts add up to those of the whole range.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { countRange, type ByteSource } from '../counting/count-range.js';
import type { ByteRange } from '../counting/ranges.js';
import { WordTable } from '../counting/word-table.js';
import type { Deadline } from '../lib/deadline.js';

/** First step when no rate is known yet: 256 KiB, short even for a slow instance. */
const FIRST_STEP_BYTES = 256 * 1024;
const MIN_STEP_BYTES = 64 * 1024;
const MAX_STEP_BYTES = 8 * 1024 * 1024;
/** A step takes about this long at the measured rate, so a stop comes at most this late. */
const STEP_TARGET_MS = 500;
/** A step starts only when 1.5 times its predicted duration fits: rates vary between steps. */
const STEP_MARGIN = 1.5;

/**
 * The rate the last invocation in this process measured over at least 1 MiB. A new
 * invocation sizes its first step with it, so a small range is counted in one step instead
 * of several small ones. Rates of tiny ranges are mostly request latency and are not kept.
 */
let lastBytesPerSecond: number | undefined;
const MIN_REMEMBERED_BYTES = 1024 * 1024;

export interface CountInStepsOptions {
  /** Bytes per ranged read inside a step. */
  windowBytes: number;
  /** Rate of earlier invocations of the task, bytes per second, for the first step's size. */
  knownBytesPerSecond?: number;
  /** Test only: never count faster than this, to make an instance slow on purpose. */
  maxBytesPerSecond?: number;
  /**
   * Expected milliseconds of the work after counting (encoding and storing the output or a
   * checkpoint) for the distinct words counted so far. Counting leaves that time free.
   */
  finishMs: (distinctWords: number) => number;
}

export interface SteppedCount {
  table: WordTable;
  /** Offset at which counting stopped: the range's end when it finished. */
  next: number;
  /** Milliseconds spent counting. */
  elapsedMs: number;
}

/** Counts the words that start in `[from, range.end)` while the deadline allows. */
export async function countInSteps(
  source: ByteSource,
  range: ByteRange,
  from: number,
  deadline: Deadline,
  options: CountInStepsOptions,
): Promise<SteppedCount> {
  const table = new WordTable();
  const started = Date.now();
  let rate = options.knownBytesPerSecond ?? lastBytesPerSecond;
  let next = from;

  while (next < range.end) {
    // Time left for counting once the work after it is set aside.
    const availableMs = deadline.remainingMs() - options.finishMs(table.size);
    if (availableMs <= 0) break;
    let step = Math.min(range.end - next, stepBytes(rate));
    if (rate !== undefined) {
      const fitting = Math.floor((availableMs / 1000 / STEP_MARGIN) * rate);
      // A later step must fit. The first one counts at least MIN_STEP_BYTES, so a wrong
      // remembered rate cannot stop an invocation before it measures one of its own.
      if (next > from && fitting < MIN_STEP_BYTES) break;
      step = Math.min(step, Math.max(fitting, MIN_STEP_BYTES));
    }

    await countRange(
      source,
      { start: next, end: next + step },
      { table, windowBytes: options.windowBytes },
    );
    next += step;
    if (options.maxBytesPerSecond !== undefined) {
      const earliestMs = started + ((next - from) / options.maxBytesPerSecond) * 1000;
      if (earliestMs > Date.now()) await sleep(earliestMs - Date.now());
    }
    rate = (next - from) / (Math.max(Date.now() - started, 1) / 1000);
  }
  if (next - from >= MIN_REMEMBERED_BYTES) lastBytesPerSecond = rate;
  return { table, next, elapsedMs: Date.now() - started };
}

function stepBytes(rate: number | undefined): number {
  if (rate === undefined) return FIRST_STEP_BYTES;
  const target = Math.floor((rate * STEP_TARGET_MS) / 1000);
  return Math.min(MAX_STEP_BYTES, Math.max(MIN_STEP_BYTES, target));
}
