/** `wordcount FILE`: count a local file through local functions, or in this process with --in-process. */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';

import { sortWordCounts } from '../counting/order.js';
import { planRanges } from '../counting/ranges.js';
import { SAFE_SIZE_DEFAULTS, computeSafeSize } from '../counting/safe-size.js';
import { keys } from '../state/keys.js';
import type { CountCommand } from './args.js';
import { countInProcess } from './count-in-process.js';
import { CoordinatorClient } from './coordinator-client.js';
import { FileSource } from './file-source.js';
import { JobFailedError } from './job-failed.js';
import { startLocalDeployment, type LocalDeployment } from './local-deployment.js';
import { displayPath, openInput } from './open-input.js';
import { writeResult } from './output.js';
import { startProgress } from './progress.js';
import { jobProgress, jobSummary, plural, printJobResult } from './report.js';
import { runJob } from './run-job.js';
import { cacheDir, resolveStore } from './store-options.js';
import type { Io } from './io.js';

export async function countFile(command: CountCommand, io: Io): Promise<void> {
  if (command.inProcess) await countFileInProcess(command, io);
  else await countFileThroughFunctions(command, io);
}

async function countFileInProcess(command: CountCommand, io: Io): Promise<void> {
  const started = performance.now();
  const { handle, size } = await openInput(command.file);
  try {
    const safeSize = command.safeSize ?? computeSafeSize(SAFE_SIZE_DEFAULTS);
    const ranges = planRanges(size, { maxRangeBytes: safeSize });
    const progress = startProgress(size, io.stderr);
    let result;
    try {
      result = await countInProcess(
        new FileSource(handle, size, command.file),
        ranges,
        progress.update,
      );
    } finally {
      progress.stop();
    }

    const words = sortWordCounts(result.counts);
    const summary = { totalWords: result.totalWords, distinctWords: words.length };
    const printed = command.top === undefined ? words : words.slice(0, command.top);
    await writeResult(io.stdout, printed, summary, command.json);

    const seconds = (performance.now() - started) / 1000;
    io.stderr.write(
      `wordcount: ${displayPath(command.file)}: ${plural(size, 'byte')} in ${plural(ranges.length, 'range')}, ` +
        `${plural(summary.totalWords, 'word')}, ${summary.distinctWords.toLocaleString('en-US')} distinct, ` +
        `${seconds.toFixed(2)} s (in process)\n`,
    );
  } finally {
    await handle.close();
  }
}

/**
 * Stores the file, starts coordinator, map and reduce servers on 127.0.0.1, runs the job
 * through them over HTTP, prints the result, then stops the servers and removes the upload.
 */
async function countFileThroughFunctions(command: CountCommand, io: Io): Promise<void> {
  const started = performance.now();
  const { handle } = await openInput(command.file);
  await handle.close();

  const target = resolveStore(command, io.env);
  await target.store.makeBucket(target.bucket);
  // Object keys reject control characters and backslashes, which file names may contain.
  // eslint-disable-next-line no-control-regex
  const name = basename(command.file).replace(/[\u0000-\u001f\u007f\\]/g, '_');
  const uploadKey = keys.upload(randomUUID(), name);
  const removeUpload = () => target.store.remove(target.bucket, [uploadKey]).catch(() => undefined);
  await target.store.putFile(target.bucket, uploadKey, command.file);

  let deployment: LocalDeployment | undefined;
  // Ctrl-C stops the servers and removes the upload before the command exits.
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void Promise.all([deployment?.stop(), removeUpload()]).then(() =>
      process.exit(signal === 'SIGINT' ? 130 : 143),
    );
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    deployment = await startLocalDeployment({
      storeUrl: target.url,
      s3: target.s3,
      functionTimeoutSeconds: command.functionTimeoutSeconds ?? SAFE_SIZE_DEFAULTS.timeoutSeconds,
      concurrency: command.concurrency ?? availableParallelism(),
      partitions: command.partitions,
      port: 0,
      logs: { file: join(cacheDir(io.env), 'logs', 'functions.log') },
    });
  } catch (error) {
    await removeUpload();
    throw error;
  }
  const client = new CoordinatorClient(deployment.coordinatorUrl);
  const progress = jobProgress(io.stderr, false);
  try {
    const status = await runJob(
      client,
      {
        jobId: '',
        input: { bucket: target.bucket, key: uploadKey, etag: '', size: 0 },
        options: {
          safeSize: command.safeSize ?? 0,
          partitions: command.partitions ?? 0,
          concurrency: command.concurrency ?? 0,
        },
      },
      (current) => progress.update(current),
    );
    progress.stop();
    if (status.failure !== undefined) throw new JobFailedError(status);

    await printJobResult(client, status, command, io.stdout);
    io.stderr.write(jobSummary(command.file, status, (performance.now() - started) / 1000));
  } finally {
    progress.stop();
    process.off('SIGINT', stopOnSignal);
    process.off('SIGTERM', stopOnSignal);
    await client.close();
    await deployment.stop();
    await removeUpload();
  }
}
