/** The single-process path: every range of a local file counted one after another. */
import { CountMap } from '../counting/count-map.js';
import { countRange, type ByteSource } from '../counting/count-range.js';
import { addTableTo, mergeCounts } from '../counting/normalize.js';
import type { ByteRange } from '../counting/ranges.js';

export interface CountResult {
  counts: CountMap;
  totalWords: number;
}

/**
 * Counts each range on its own, as a map task would, and merges the results.
 * `onProgress` receives the number of input bytes done so far.
 */
export async function countInProcess(
  source: ByteSource,
  ranges: readonly ByteRange[],
  onProgress?: (bytesDone: number) => void,
): Promise<CountResult> {
  const counts = new CountMap();
  let totalWords = 0;

  for (const range of ranges) {
    const table = await countRange(source, range, {
      onProgress: (offset) => onProgress?.(offset),
    });
    totalWords += table.total;
    mergeCounts(counts, addTableTo(new CountMap(), table));
  }
  return { counts, totalWords };
}
