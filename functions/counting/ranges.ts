/** Byte-range plans: how an input is split into ranges that map tasks count one by one. */
import { UsageError } from '../lib/errors.js';

/** The bytes `[start, end)` of an input. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface PlanOptions {
  /** Largest range in bytes (SafeSize). */
  maxRangeBytes: number;
  /** Minimum number of ranges, for example to keep every worker busy; default 1. */
  minRanges?: number;
  /** Smallest range worth a task of its own, in bytes; `minRanges` yields to it; default 1. */
  minRangeBytes?: number;
}

/**
 * Splits `size` bytes into contiguous ranges of nearly equal size, none larger than
 * `maxRangeBytes`. Makes at least `minRanges` ranges as long as each stays at least
 * `minRangeBytes` long. An empty input has no ranges.
 *
 * @throws UsageError when a size or option is not a positive safe integer.
 */
export function planRanges(size: number, options: PlanOptions): ByteRange[] {
  const { maxRangeBytes, minRanges = 1, minRangeBytes = 1 } = options;
  requirePositiveInteger('maxRangeBytes', maxRangeBytes);
  requirePositiveInteger('minRanges', minRanges);
  requirePositiveInteger('minRangeBytes', minRangeBytes);
  if (!Number.isSafeInteger(size) || size < 0) {
    throw new UsageError(`input size must be a whole number of bytes, got ${size}`);
  }
  if (size === 0) return [];

  const bySafeSize = Math.ceil(size / maxRangeBytes);
  const byFanOut = Math.min(minRanges, Math.max(1, Math.floor(size / minRangeBytes)));
  const count = Math.max(bySafeSize, byFanOut);

  const ranges: ByteRange[] = [];
  const base = Math.floor(size / count);
  const remainder = size % count;
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < remainder ? 1 : 0);
    ranges.push({ start, end });
    start = end;
  }
  return ranges;
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${name} must be a whole number of at least 1, got ${value}`);
  }
}
