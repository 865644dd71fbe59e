#!/usr/bin/env node
/** Entry point of the `wordcount` command. */
import { run } from './run.js';

// A reader that stops early (`wordcount FILE | head`) is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await run(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
