#!/usr/bin/env node
/** Entry point of the `wordcount` command. */
import { run } from './run.js';

// A reader that stops early (`wordcount FILE | head`) is not an error. Any other write
// failure (a full disk) ends the command with one line instead of a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') return;
  process.stderr.write(`wordcount: cannot write the output: ${error.message}\n`);
  process.exit(1);
});
process.stderr.on('error', () => undefined);

// In a container the command may run as process 1, which ignores signals without a handler.
// Subcommands that stop gracefully (serve) add their own handlers, which then take over.
const exitCodes = { SIGTERM: 143, SIGINT: 130 } as const;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (process.listenerCount(signal) === 0) process.exit(exitCodes[signal]);
  });
}

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
