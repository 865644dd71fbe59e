/**
 * The counts inside map and reduce checkpoints: one WordBlock in word order, whose words
 * must add up to the total that the checkpoint declares.
 */
import { CountMap } from '../counting/count-map.js';
import { compareCodePoints, type WordCount } from '../counting/order.js';
import { CorruptObjectError, MessageFormatError } from '../lib/errors.js';
import type { WordBlock } from './messages.js';
import { decodeWordBlock, encodeWordBlock } from './word-block.js';

/** Encodes counts as a WordBlock in word order, the same bytes for the same counts. */
export function encodeCheckpointCounts(counts: Iterable<[string, number]>): WordBlock {
  const entries: WordCount[] = [...counts];
  entries.sort((a, b) => compareCodePoints(a[0], b[0]));
  return encodeWordBlock(entries);
}

/**
 * Decodes the counts of the checkpoint `where` and checks them against `declaredWords`.
 *
 * @throws CorruptObjectError when the block is invalid or its words do not add up.
 */
export function decodeCheckpointCounts(
  block: WordBlock,
  declaredWords: number,
  where: string,
): CountMap {
  const counts = new CountMap();
  let words = 0;
  try {
    for (const [word, count] of decodeWordBlock(block, where)) {
      counts.set(word, count);
      words += count;
    }
  } catch (error) {
    if (!(error instanceof MessageFormatError)) throw error;
    throw new CorruptObjectError(`${where} is invalid: ${error.message}`, { cause: error });
  }
  if (words !== declaredWords) {
    throw new CorruptObjectError(`${where} contains ${words} words but declares ${declaredWords}`);
  }
  return counts;
}
