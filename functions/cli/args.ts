/** Command-line parsing of `wordcount`. */
import { parseArgs } from 'node:util';

import { UsageError } from '../lib/errors.js';
import { parseByteSize } from './byte-size.js';

export const USAGE = `Usage: wordcount FILE [options]

Counts the words of FILE range by range and prints one "word<TAB>count" line per word,
most frequent first, then in Unicode code point order.

Options:
  --safe-size BYTES  largest range one map task counts, in bytes (4096, 64KiB, 2GiB);
                     default: SafeSize from the default timeout and map rate
  --top N            print only the first N words
  --json             print one JSON object: {"totalWords", "distinctWords", "words"}
  -h, --help         print this help
  -V, --version      print the version

Exit codes: 0 success, 2 usage error or unusable input file, 1 any other failure.`;

export interface CountCommand {
  kind: 'count';
  file: string;
  safeSize?: number;
  top?: number;
  json: boolean;
}

export type Command = CountCommand | { kind: 'help' } | { kind: 'version' };

/**
 * Parses the arguments after the program name.
 *
 * @throws UsageError naming the bad argument.
 */
export function parseCommand(argv: readonly string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        'safe-size': { type: 'string' },
        top: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', short: 'V', default: false },
      },
    });
  } catch (error) {
    // parseArgs messages may span lines; the command reports errors on one line.
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
    throw new UsageError(`${message}; see wordcount --help`);
  }

  const { values, positionals } = parsed;
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  if (positionals.length === 0) throw new UsageError('missing FILE; see wordcount --help');
  if (positionals.length > 1) {
    throw new UsageError(
      `expected one FILE, got ${positionals.length}: ${positionals.join(' ')}; see wordcount --help`,
    );
  }

  const command: CountCommand = { kind: 'count', file: positionals[0], json: values.json };
  if (values['safe-size'] !== undefined) {
    const safeSize = parseByteSize(values['safe-size']);
    if (safeSize === undefined || safeSize < 1) {
      throw new UsageError(
        `invalid --safe-size '${values['safe-size']}': expected a positive number of bytes such as 4096 or 64MiB`,
      );
    }
    command.safeSize = safeSize;
  }
  if (values.top !== undefined) {
    if (!/^\d+$/.test(values.top) || !Number.isSafeInteger(Number(values.top))) {
      throw new UsageError(`invalid --top '${values.top}': expected a whole number such as 10`);
    }
    command.top = Number(values.top);
  }
  return command;
}
