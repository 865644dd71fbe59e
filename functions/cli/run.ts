/** The `wordcount` command: parses arguments, counts, prints, and maps errors to exit codes. */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

import { sortWordCounts } from '../counting/order.js';
import { planRanges } from '../counting/ranges.js';
import { SAFE_SIZE_DEFAULTS, computeSafeSize } from '../counting/safe-size.js';
import { InputError, UsageError, WordcountError } from '../lib/errors.js';
import { USAGE, parseCommand, type CountCommand } from './args.js';
import { countInProcess } from './count-in-process.js';
import { FileSource } from './file-source.js';
import { openInput } from './open-input.js';
import { writeResult } from './output.js';
import { startProgress } from './progress.js';

export interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

/** Exit codes of the command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Runs the command with the arguments after the program name and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseCommand(argv);
    if (command.kind === 'help') {
      io.stdout.write(`${USAGE}\n`);
      return EXIT_OK;
    }
    if (command.kind === 'version') {
      io.stdout.write(`${packageVersion()}\n`);
      return EXIT_OK;
    }
    await countFile(command, io);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

async function countFile(command: CountCommand, io: Io): Promise<void> {
  const started = performance.now();
  const { handle, size } = await openInput(command.file);
  try {
    const safeSize = command.safeSize ?? computeSafeSize(SAFE_SIZE_DEFAULTS);
    const ranges = planRanges(size, { maxRangeBytes: safeSize });
    const progress = startProgress(size, io.stderr);
    let result;
    try {
      result = await countInProcess(new FileSource(handle, size), ranges, progress.update);
    } finally {
      progress.stop();
    }

    const words = sortWordCounts(result.counts);
    const summary = { totalWords: result.totalWords, distinctWords: words.length };
    const printed = command.top === undefined ? words : words.slice(0, command.top);
    await writeResult(io.stdout, printed, summary, command.json);

    const seconds = (performance.now() - started) / 1000;
    io.stderr.write(
      `wordcount: ${command.file}: ${size.toLocaleString('en-US')} bytes in ` +
        `${ranges.length.toLocaleString('en-US')} ${ranges.length === 1 ? 'range' : 'ranges'}, ` +
        `${summary.totalWords.toLocaleString('en-US')} words, ` +
        `${summary.distinctWords.toLocaleString('en-US')} distinct, ${seconds.toFixed(2)} s\n`,
    );
  } finally {
    await handle.close();
  }
}

function reportError(error: unknown, io: Io): number {
  if (error instanceof UsageError || error instanceof InputError) {
    io.stderr.write(`wordcount: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof WordcountError) {
    io.stderr.write(`wordcount: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`wordcount: unexpected failure: ${message}\n`);
  return EXIT_FAILURE;
}

function packageVersion(): string {
  const url = new URL('../../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}
