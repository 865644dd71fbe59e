/** `wordcount serve`: the three functions on 127.0.0.1 until SIGINT or SIGTERM, for load tests and clients. */
import { availableParallelism } from 'node:os';

import { SAFE_SIZE_DEFAULTS } from '../counting/safe-size.js';
import { WordcountError } from '../lib/errors.js';
import type { ServeCommand } from './args.js';
import type { Io } from './io.js';
import { startLocalDeployment } from './local-deployment.js';
import { resolveStore } from './store-options.js';

/** Thrown when a function of `serve` exited on its own; the message was written already. */
class ServeError extends WordcountError {
  constructor() {
    super('FUNCTION_EXITED', 'a function exited; see its log lines above');
  }
}

export async function serve(command: ServeCommand, io: Io): Promise<void> {
  let exitCode = 0;
  const target = resolveStore(command, io.env);
  await target.store.makeBucket(target.bucket);

  const deployment = await startLocalDeployment({
    storeUrl: target.url,
    s3: target.s3,
    functionTimeoutSeconds: command.functionTimeoutSeconds ?? SAFE_SIZE_DEFAULTS.timeoutSeconds,
    concurrency: command.concurrency ?? availableParallelism(),
    partitions: command.partitions,
    port: command.port,
    logs: 'inherit',
    onExit: (name, code) => {
      io.stderr.write(`wordcount: the ${name} function exited with code ${code}; stopping\n`);
      exitCode = 1;
      process.emit('SIGTERM', 'SIGTERM');
    },
  });
  io.stderr.write(
    `wordcount: serving on 127.0.0.1 with store ${target.url}\n` +
      `  coordinator  ${deployment.coordinatorUrl}\n  map          ${deployment.mapUrl}\n` +
      `  reduce       ${deployment.reduceUrl}\n` +
      `wordcount: submit with: wordcount submit s3://${target.bucket}/KEY --coordinator ${deployment.coordinatorUrl} --wait\n`,
  );

  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  if (exitCode === 0) io.stderr.write('wordcount: stopping\n');
  await deployment.stop();
  if (exitCode !== 0) throw new ServeError();
}
