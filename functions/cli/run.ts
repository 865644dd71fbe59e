/** The `wordcount` command: parses arguments, runs the subcommand, and maps errors to exit codes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { StoreAuthError, WordcountError } from '../lib/errors.js';
import { PACKAGE_ROOT } from '../lib/package-root.js';
import { USAGE, parseCommand } from './args.js';
import { CoordinatorError } from './coordinator-client.js';
import { countFile } from './count-command.js';
import type { Io } from './io.js';
import { planFile } from './plan-command.js';
import { serve } from './serve-command.js';
import { cleanup } from './cleanup-command.js';
import { submit } from './submit-command.js';
import { upload } from './upload-command.js';

export type { Io };

/** Exit codes of the command. */
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** Error codes that mean the request or its input cannot be used: exit code 2. */
const USAGE_CODES = new Set([
  'USAGE',
  'INPUT_UNUSABLE',
  'INVALID_KEY',
  'INVALID_REQUEST',
  'MALFORMED_MESSAGE',
  'OBJECT_NOT_FOUND',
  'BUCKET_NOT_FOUND',
  'BUCKET_NOT_ALLOWED',
  'JOB_CONFLICT',
  'STORE_AUTH_FAILED',
]);

/** Runs the command with the arguments after the program name and returns the exit code. */
export async function run(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseCommand(argv, io.env);
    switch (command.kind) {
      case 'help':
        io.stdout.write(`${USAGE}\n`);
        break;
      case 'version':
        io.stdout.write(`${packageVersion()}\n`);
        break;
      case 'count':
        await countFile(command, io);
        break;
      case 'plan':
        await planFile(command, io);
        break;
      case 'serve':
        await serve(command, io);
        break;
      case 'submit':
        await submit(command, io);
        break;
      case 'upload':
        await upload(command, io);
        break;
      case 'cleanup':
        await cleanup(command, io);
        break;
    }
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

function reportError(error: unknown, io: Io): number {
  if (
    error instanceof StoreAuthError ||
    (error instanceof WordcountError && USAGE_CODES.has(error.code))
  ) {
    io.stderr.write(`wordcount: ${error.message}\n`);
    return EXIT_USAGE;
  }
  if (error instanceof WordcountError || error instanceof CoordinatorError) {
    io.stderr.write(`wordcount: ${error.message}\n`);
    return EXIT_FAILURE;
  }
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  io.stderr.write(`wordcount: unexpected failure: ${message}\n`);
  return EXIT_FAILURE;
}

function packageVersion(): string {
  return (
    JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }
  ).version;
}
