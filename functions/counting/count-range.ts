/** Counting one byte range of an input, read window by window from any byte source. */
import {
  DEFAULT_WINDOW_BYTES,
  LOOKAHEAD_SLACK_BYTES,
  LOOKBEHIND_BYTES,
  MAX_WORD_BYTES,
} from './limits.js';
import type { ByteRange } from './ranges.js';
import { scanWindow } from './scanner.js';
import { WordTable } from './word-table.js';

/** Random access to the bytes of one input. */
export interface ByteSource {
  /** Input length in bytes. */
  readonly size: number;
  /** Reads `[offset, offset + length)`, which lies inside the input. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export interface CountRangeOptions {
  /** Bytes read per window; default 4 MiB. Grows while a word does not fit. */
  windowBytes?: number;
  /** Adds words to this table instead of a new one. */
  table?: WordTable;
  /** Called after each window with the input offset reached. */
  onProgress?: (offset: number) => void;
}

/** Bytes read past a range's end at first; a longer last word makes the window grow. */
const RANGE_END_SLACK_BYTES = 64;

/** Largest window ever needed: the lookbehind, one maximal word and what follows it. */
const MAX_WINDOW_BYTES = LOOKBEHIND_BYTES + MAX_WORD_BYTES + LOOKAHEAD_SLACK_BYTES;

/**
 * Counts the words that start in `range`, reading as far past its end as its last word
 * needs, and returns the table of raw word keys.
 *
 * @throws WordTooLongError when a word starting in the range is longer than MAX_WORD_BYTES.
 */
export async function countRange(
  source: ByteSource,
  range: ByteRange,
  options: CountRangeOptions = {},
): Promise<WordTable> {
  const table = options.table ?? new WordTable();
  const end = Math.min(range.end, source.size);
  const windowBytes = options.windowBytes ?? DEFAULT_WINDOW_BYTES;
  let grownBytes = 0;
  let next = range.start;

  while (next < end) {
    // Read the rest of the range and a little more for its last word, up to a window, or
    // more when a word did not fit in the last read.
    const readBytes = Math.max(
      grownBytes,
      Math.min(windowBytes, end - next + RANGE_END_SLACK_BYTES),
    );
    const readStart = Math.max(0, next - LOOKBEHIND_BYTES);
    const readEnd = Math.min(source.size, next + readBytes);
    const bytes = await source.read(readStart, readEnd - readStart);
    const reached = scanWindow(
      { bytes, offset: readStart, atEnd: readEnd === source.size },
      next,
      end,
      table,
    );

    if (reached <= next) {
      // A word does not fit in the window: read a larger one from the same place.
      if (readBytes >= MAX_WINDOW_BYTES) {
        throw new Error(`BUG: no progress at byte ${next} with a window of ${readBytes} bytes`);
      }
      grownBytes = Math.min(readBytes * 2, MAX_WINDOW_BYTES);
      continue;
    }
    grownBytes = 0;
    next = reached;
    options.onProgress?.(Math.min(next, end));
  }
  return table;
}
