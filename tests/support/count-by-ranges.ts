import { countRange } from '../../functions/counting/count-range.js';
import { compareCodePoints } from '../../functions/counting/order.js';
import { addTableTo, mergeCounts } from '../../functions/counting/normalize.js';
import { planRanges } from '../../functions/counting/ranges.js';
import { MemorySource } from './memory-source.js';

export interface RangeCount {
  counts: Map<string, number>;
  totalWords: number;
  ranges: number;
}

/** Counts `bytes` with ranges of at most `safeSize` bytes, each counted on its own, then merged. */
export async function countByRanges(
  bytes: Uint8Array,
  safeSize: number,
  windowBytes?: number,
): Promise<RangeCount> {
  const source = new MemorySource(bytes);
  const ranges = planRanges(bytes.length, { maxRangeBytes: safeSize });
  const counts = new Map<string, number>();
  let totalWords = 0;
  for (const range of ranges) {
    const table = await countRange(source, range, windowBytes === undefined ? {} : { windowBytes });
    totalWords += table.total;
    mergeCounts(counts, addTableTo(new Map(), table));
  }
  return { counts, totalWords, ranges: ranges.length };
}

/** Returns the map's entries sorted by word, for equality checks with readable diffs. */
export function entries(counts: Map<string, number>): [string, number][] {
  return [...counts].sort(([a], [b]) => compareCodePoints(a, b));
}
