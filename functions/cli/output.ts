/** Writing the result to stdout as TSV lines or one JSON object. */
import type { Writable } from 'node:stream';

import type { WordCount } from '../counting/order.js';

/** Text handed to the stream per write, in characters. */
const CHUNK_CHARS = 64 * 1024;

export interface ResultSummary {
  totalWords: number;
  distinctWords: number;
}

/** Yields one `word<TAB>count` line per entry. */
function* tsvLines(words: readonly WordCount[]): Generator<string> {
  for (const [word, count] of words) yield `${word}\t${count}\n`;
}

/** Yields the JSON object `{"totalWords", "distinctWords", "words": [[word, count], …]}`. */
function* jsonParts(words: readonly WordCount[], summary: ResultSummary): Generator<string> {
  yield `{"totalWords":${summary.totalWords},"distinctWords":${summary.distinctWords},"words":[`;
  for (let i = 0; i < words.length; i++) {
    yield (i === 0 ? '' : ',') + JSON.stringify(words[i]);
  }
  yield ']}\n';
}

/**
 * Writes the result in the requested format. Resolves once everything is written, or early
 * when the reader has gone away (EPIPE, as in `wordcount FILE | head`).
 */
export async function writeResult(
  stream: Writable,
  words: readonly WordCount[],
  summary: ResultSummary,
  json: boolean,
): Promise<void> {
  const parts = json ? jsonParts(words, summary) : tsvLines(words);
  await writeChunked(stream, parts);
}

/** Writes text that is already formatted, such as a stored TSV result. */
export async function writeText(stream: Writable, text: Uint8Array): Promise<void> {
  const chunks: string[] = [];
  const decoder = new TextDecoder();
  for (let offset = 0; offset < text.length; offset += CHUNK_CHARS * 4) {
    chunks.push(decoder.decode(text.subarray(offset, offset + CHUNK_CHARS * 4), { stream: true }));
  }
  chunks.push(decoder.decode());
  await writeChunked(stream, chunks);
}

async function writeChunked(stream: Writable, parts: Iterable<string>): Promise<void> {
  let readerGone = false;
  let failure: Error | undefined;
  const onError = (error: NodeJS.ErrnoException): void => {
    if (error.code === 'EPIPE') readerGone = true;
    else failure = error;
  };
  stream.on('error', onError);

  const write = async (chunk: string): Promise<boolean> => {
    if (failure !== undefined) throw failure;
    if (readerGone) return false;
    if (!stream.write(chunk)) await drained(stream);
    return true;
  };

  try {
    let chunk = '';
    for (const part of parts) {
      chunk += part;
      if (chunk.length < CHUNK_CHARS) continue;
      if (!(await write(chunk))) return;
      chunk = '';
    }
    if (chunk.length > 0) await write(chunk);
    if (failure !== undefined) throw failure;
  } finally {
    stream.off('error', onError);
  }
}

function drained(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
