/** Hash partitioning of normalized words: the same word lands in the same partition in every map task. */
import { FNV_OFFSET_BASIS, hashByte } from '../counting/word-table.js';

/** Largest number of partitions a job may have. */
export const MAX_PARTITIONS = 65_536;

const encoder = new TextEncoder();

/** Returns the partition of `word` among `partitions`, from the FNV-1a hash of its UTF-8 bytes. */
export function partitionOf(word: string, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(word)) hash = hashByte(hash, byte);
  return (hash >>> 0) % partitions;
}
