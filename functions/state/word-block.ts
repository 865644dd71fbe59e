/**
 * WordBlock encoding: words front-coded on their UTF-8 bytes (length of the prefix shared
 * with the previous word, then the rest), counts as varints, and optionally raw DEFLATE on
 * both. Sorted words share long prefixes, which is where most of the saving comes from.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

import { compareCodePoints, compareWordCounts, type WordCount } from '../counting/order.js';
import { MessageFormatError } from '../lib/errors.js';
import { Codec, WordOrder, type WordBlock } from './messages.js';
import { ByteReader, ByteWriter } from './varint.js';

/** Blocks whose encoded fields are smaller than this stay uncompressed: DEFLATE would not pay. */
const MIN_COMPRESSED_BYTES = 256;

/** Largest inflated field accepted, so a corrupt or hostile block cannot exhaust memory: 1 GiB. */
const MAX_INFLATED_BYTES = 1024 ** 3;

const encoder = new TextEncoder();
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export interface WordBlockOptions {
  partition?: number;
  order?: WordOrder;
  /** Compress with raw DEFLATE when the block is large enough; default true. */
  compress?: boolean;
}

/** Encodes entries that are already in `options.order` (default: word order). */
export function encodeWordBlock(
  entries: readonly WordCount[],
  options: WordBlockOptions = {},
): WordBlock {
  const words = new ByteWriter(entries.length * 6 + 16);
  const counts = new ByteWriter(entries.length * 2 + 16);
  let previous = new Uint8Array(0);

  for (const [word, count] of entries) {
    const bytes = encoder.encode(word);
    const limit = Math.min(previous.length, bytes.length);
    let shared = 0;
    while (shared < limit && previous[shared] === bytes[shared]) shared++;

    words.writeVarint(shared);
    words.writeVarint(bytes.length - shared);
    words.writeBytes(bytes, shared);
    counts.writeVarint(count);
    previous = bytes;
  }

  let codec: Codec = Codec.NONE;
  let wordBytes: Uint8Array = words.view().slice();
  let countBytes: Uint8Array = counts.view().slice();
  if ((options.compress ?? true) && wordBytes.length + countBytes.length >= MIN_COMPRESSED_BYTES) {
    codec = Codec.DEFLATE;
    wordBytes = deflateRawSync(wordBytes);
    countBytes = deflateRawSync(countBytes);
  }
  return {
    partition: options.partition ?? 0,
    entries: entries.length,
    codec,
    order: options.order ?? WordOrder.WORD,
    words: wordBytes,
    counts: countBytes,
  };
}

/**
 * Decodes a block and checks it: valid UTF-8 words, counts of at least 1, the entry count,
 * and the declared order without repeated words.
 *
 * @throws MessageFormatError naming what is wrong.
 */
export function decodeWordBlock(block: WordBlock, what = 'word block'): WordCount[] {
  const words = new ByteReader(inflate(block.words, block.codec, what), `${what} words`);
  const counts = new ByteReader(inflate(block.counts, block.codec, what), `${what} counts`);
  const entries: WordCount[] = [];
  let previous = new Uint8Array(0);

  for (let i = 0; i < block.entries; i++) {
    const shared = words.readVarint();
    const restLength = words.readVarint();
    if (shared > previous.length) {
      throw new MessageFormatError(
        `${what} entry ${i} shares ${shared} bytes with a word of ${previous.length}`,
      );
    }
    const bytes = new Uint8Array(shared + restLength);
    bytes.set(previous.subarray(0, shared));
    bytes.set(words.readBytes(restLength), shared);

    let word: string;
    try {
      word = strictUtf8.decode(bytes);
    } catch (error) {
      throw new MessageFormatError(`${what} entry ${i} is not valid UTF-8`, { cause: error });
    }
    const count = counts.readVarint();
    if (count < 1) throw new MessageFormatError(`${what} entry ${i} (${word}) has count 0`);

    const entry: WordCount = [word, count];
    if (i > 0) checkOrder(entries[i - 1], entry, block.order, `${what} entry ${i}`);
    entries.push(entry);
    previous = bytes;
  }
  if (!words.done || !counts.done) {
    throw new MessageFormatError(`${what} has bytes after its ${block.entries} entries`);
  }
  return entries;
}

function checkOrder(before: WordCount, entry: WordCount, order: WordOrder, where: string): void {
  const sign =
    order === WordOrder.RESULT
      ? compareWordCounts(before, entry)
      : compareCodePoints(before[0], entry[0]);
  if (sign >= 0) throw new MessageFormatError(`${where} (${entry[0]}) is out of order or repeated`);
}

function inflate(bytes: Uint8Array, codec: Codec, what: string): Uint8Array {
  if (codec === Codec.NONE) return bytes;
  if (codec !== Codec.DEFLATE) throw new MessageFormatError(`${what} has unknown codec ${codec}`);
  try {
    return inflateRawSync(bytes, { maxOutputLength: MAX_INFLATED_BYTES });
  } catch (error) {
    throw new MessageFormatError(`${what} is not valid DEFLATE data: ${(error as Error).message}`, {
      cause: error,
    });
  }
}
