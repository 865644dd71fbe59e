/**
 * The last step of a job: the reduce outputs, each already in result order, are merged into
 * the final result. result.tsv is written before result.pb, and result.pb marks the job done.
 */
import { compareWordCounts, type WordCount } from '../counting/order.js';
import { CorruptObjectError, MessageFormatError } from '../lib/errors.js';
import { decodeMessage, encodeMessage } from '../state/codec.js';
import { keys } from '../state/keys.js';
import { WordOrder, type JobResult, type ReduceReceipt } from '../state/messages.js';
import { decodeWordBlock, encodeWordBlock } from '../state/word-block.js';
import type { JobState } from './job-state.js';

export async function finalizeJob(
  state: JobState,
  jobId: string,
  receipts: readonly ReduceReceipt[],
  nowMs: number,
): Promise<JobResult> {
  const runs = await Promise.all(
    [...receipts]
      .sort((a, b) => a.task - b.task)
      .map(async (receipt) => readReduceOutput(state, receipt)),
  );
  // Each run is sorted and their words are disjoint; sort() merges the runs.
  const words: WordCount[] = runs.flat().sort(compareWordCounts);
  let totalWords = 0;
  for (const [, count] of words) totalWords += count;

  await state.store.put(state.bucket, keys.resultTsv(jobId), Buffer.from(formatTsv(words)), {
    contentType: 'text/tab-separated-values; charset=utf-8',
  });
  const result: JobResult = {
    jobId,
    totalWords,
    distinctWords: words.length,
    words: encodeWordBlock(words, { order: WordOrder.RESULT }),
    createdMs: nowMs,
  };
  await state.store.put(state.bucket, keys.result(jobId), encodeMessage('JobResult', result));
  return result;
}

/** Returns `word<TAB>count` lines, the format of the command's standard output. */
export function formatTsv(words: readonly WordCount[]): string {
  const lines: string[] = [];
  for (const [word, count] of words) lines.push(`${word}\t${count}\n`);
  return lines.join('');
}

async function readReduceOutput(state: JobState, receipt: ReduceReceipt): Promise<WordCount[]> {
  const { bucket, key } = receipt.output;
  const bytes = await state.store.get(bucket, key);
  try {
    return decodeWordBlock(decodeMessage('WordBlock', bytes), `${bucket}/${key}`);
  } catch (error) {
    if (error instanceof MessageFormatError) {
      throw new CorruptObjectError(`reduce output ${bucket}/${key} is invalid: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}
