/**
 * The data of a run: a chunk of a real text stored as back-to-back copies, one map task per
 * copy, and the whole text for workflow jobs. Their word counts, which the checks compare
 * with, come from the same kernel that the map function runs.
 */
import { readFileSync } from 'node:fs';

import { countRange, type ByteSource } from '../functions/counting/count-range.js';
import { UsageError } from '../functions/lib/errors.js';
import type { WorkloadOptions } from './options.js';
import type { Target } from './target.js';

export interface StoredText {
  key: string;
  bytes: number;
  /** Words in the text, by the project's word rule. */
  words: number;
}

export interface Workload {
  /** Prefix of every job id of this run. */
  runId: string;
  /** The chunk's copies: a job over it with SafeSize `chunk.bytes` has one range per copy. */
  copies: StoredText & { copies: number };
  /** One chunk; the `copies` object contains `copies.copies` of it. */
  chunk: { bytes: number; words: number };
  text: StoredText;
}

/**
 * Reads `textFile`, cuts the chunk at the last line end within `chunkBytes`, so a word never
 * spans two copies, and stores both objects in the target's state bucket.
 *
 * @throws UsageError when the text cannot be read or has no line end.
 */
export async function prepareWorkload(
  target: Target,
  options: WorkloadOptions,
  textFile: string,
  runId: string,
): Promise<Workload> {
  const text = readText(textFile);
  const cut = text.lastIndexOf(0x0a, Math.min(options.chunkBytes, text.length) - 1) + 1;
  if (cut === 0) {
    throw new UsageError(
      `${textFile} has no line end in its first ${options.chunkBytes} bytes; pick a text with lines`,
    );
  }
  const chunk = text.subarray(0, cut);
  const copies = Buffer.concat(Array<Buffer>(options.chunkCopies).fill(chunk));

  const copiesKey = `loadtest/${runId}/chunk-x${options.chunkCopies}.txt`;
  const textKey = `loadtest/${runId}/text.txt`;
  await target.store.put(target.bucket, copiesKey, copies);
  await target.store.put(target.bucket, textKey, text);

  const chunkWords = await countWords(chunk);
  return {
    runId,
    copies: {
      key: copiesKey,
      bytes: copies.length,
      words: chunkWords * options.chunkCopies,
      copies: options.chunkCopies,
    },
    chunk: { bytes: chunk.length, words: chunkWords },
    text: { key: textKey, bytes: text.length, words: await countWords(text) },
  };
}

function readText(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new UsageError(
      `cannot read the load test's text ${file} (${(error as Error).message}); ` +
        'set LOADTEST_TEXT to a UTF-8 text file of a few MB',
    );
  }
}

async function countWords(bytes: Uint8Array): Promise<number> {
  const source: ByteSource = {
    size: bytes.length,
    read: async (offset, length) => bytes.subarray(offset, offset + length),
  };
  return (await countRange(source, { start: 0, end: bytes.length })).total;
}
