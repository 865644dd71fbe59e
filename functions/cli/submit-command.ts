/** `wordcount submit s3://BUCKET/KEY`: a job on a running coordinator, as the workflow Job runs it. */
import { performance } from 'node:perf_hooks';

import type { SubmitCommand } from './args.js';
import { CoordinatorClient } from './coordinator-client.js';
import type { Io } from './io.js';
import { JobFailedError } from './job-failed.js';
import { jobProgress, jobSummary, printJobResult } from './report.js';
import { runJob } from './run-job.js';

export async function submit(command: SubmitCommand, io: Io): Promise<void> {
  const started = performance.now();
  const client = new CoordinatorClient(command.coordinator);
  const job = {
    jobId: command.jobId ?? '',
    input: { bucket: command.bucket, key: command.key, etag: '', size: 0 },
    options: {
      safeSize: command.safeSize ?? 0,
      partitions: command.partitions ?? 0,
      concurrency: command.concurrency ?? 0,
    },
  };
  try {
    if (!command.wait) {
      const status = await client.submit(job, false);
      io.stdout.write(`${status.jobId}\n`);
      return;
    }

    const progress = jobProgress(io.stderr, true);
    let status;
    try {
      status = await runJob(
        client,
        job,
        (current) => progress.update(current),
        (error, delayMs) =>
          io.stderr.write(`wordcount: ${error.message}; retrying in ${delayMs / 1000} s\n`),
      );
    } finally {
      progress.stop();
    }
    if (status.failure !== undefined) throw new JobFailedError(status);
    await printJobResult(client, status, command, io.stdout);
    io.stderr.write(
      jobSummary(
        `s3://${command.bucket}/${command.key}`,
        status,
        (performance.now() - started) / 1000,
      ),
    );
  } finally {
    await client.close();
  }
}
