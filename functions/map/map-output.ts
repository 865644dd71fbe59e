/**
 * The map output object: the counts split into hash partitions, each partition one
 * WordBlock protobuf in word order, the blocks concatenated in partition order. An empty
 * partition takes no bytes. The receipt records where each block ends and its CRC-32, so a
 * reducer reads only its own blocks with one ranged GET per map output and checks them.
 */
import { crc32 } from 'node:zlib';

import { compareCodePoints, type WordCount } from '../counting/order.js';
import { CorruptObjectError, MessageFormatError } from '../lib/errors.js';
import { decodeMessage, encodeMessage } from '../state/codec.js';
import { partitionOf } from '../state/partition.js';
import { decodeWordBlock, encodeWordBlock } from '../state/word-block.js';

export interface EncodedMapOutput {
  bytes: Uint8Array;
  partitionEnds: number[];
  partitionCrc32: number[];
}

export function encodeMapOutput(
  counts: Iterable<[string, number]>,
  partitions: number,
): EncodedMapOutput {
  const buckets: WordCount[][] = Array.from({ length: partitions }, () => []);
  for (const [word, count] of counts) buckets[partitionOf(word, partitions)].push([word, count]);

  const blocks: Uint8Array[] = [];
  const partitionEnds: number[] = [];
  const partitionCrc32: number[] = [];
  let end = 0;
  for (let partition = 0; partition < partitions; partition++) {
    const entries = buckets[partition];
    let block: Uint8Array = new Uint8Array(0);
    if (entries.length > 0) {
      entries.sort((a, b) => compareCodePoints(a[0], b[0]));
      block = encodeMessage('WordBlock', encodeWordBlock(entries, { partition }));
    }
    blocks.push(block);
    end += block.length;
    partitionEnds.push(end);
    partitionCrc32.push(crc32(block));
  }

  const bytes = new Uint8Array(end);
  let offset = 0;
  for (const block of blocks) {
    bytes.set(block, offset);
    offset += block.length;
  }
  return { bytes, partitionEnds, partitionCrc32 };
}

/**
 * Decodes one partition's block after checking its CRC-32 and partition number.
 *
 * @throws CorruptObjectError naming the object and partition.
 */
export function decodePartitionBlock(
  block: Uint8Array,
  partition: number,
  expectedCrc32: number,
  source: string,
): WordCount[] {
  const location = `partition ${partition} of ${source}`;
  if (crc32(block) !== expectedCrc32) {
    throw new CorruptObjectError(
      `${location} fails its CRC-32 check; the map output was changed or damaged`,
    );
  }
  if (block.length === 0) return [];
  try {
    const message = decodeMessage('WordBlock', block);
    if (message.partition !== partition) {
      throw new MessageFormatError(`block is labeled partition ${message.partition}`);
    }
    return decodeWordBlock(message, location);
  } catch (error) {
    if (error instanceof MessageFormatError)
      throw new CorruptObjectError(`${location} is invalid: ${error.message}`, { cause: error });
    throw error;
  }
}
