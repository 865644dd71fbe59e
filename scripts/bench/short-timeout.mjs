/**
 * Map durations against a short function timeout. With a timeout of a few seconds, SafeSize
 * (not the fan-out) sets the range size, and every map invocation must end well inside the
 * timeout: the target is a p99 of at most 0.8 times the timeout, with no failed request.
 * Three jobs run one after another on the same folder store: the first plans with the
 * default rate, the later ones with the rate the earlier ones measured.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { CoordinatorClient } from '../../dist/functions/cli/coordinator-client.js';
import { startLocalDeployment } from '../../dist/functions/cli/local-deployment.js';
import { runJob } from '../../dist/functions/cli/run-job.js';
import { scanWindow } from '../../dist/functions/counting/scanner.js';
import { WordTable } from '../../dist/functions/counting/word-table.js';

const TIMEOUT_SECONDS = 2;
const COPIES = 100;
const JOBS = 3;
const BUCKET = 'wordcount';
const KEY = 'bench/short-timeout.txt';

export async function measureShortTimeout({ scratch, book, report }) {
  const folder = join(scratch, 'short-timeout-store', BUCKET);
  mkdirSync(join(folder, 'bench'), { recursive: true });
  const fd = openSync(join(folder, KEY), 'w');
  for (let i = 0; i < COPIES; i++) writeSync(fd, book);
  closeSync(fd);
  const table = new WordTable();
  scanWindow({ bytes: book, offset: 0, atEnd: true }, 0, book.length, table);
  const expectedWords = table.total * COPIES;

  const logFile = join(scratch, 'logs', 'short-timeout.log');
  const deployment = await startLocalDeployment({
    storeUrl: `file://${folder}`,
    s3: {},
    functionTimeoutSeconds: TIMEOUT_SECONDS,
    concurrency: availableParallelism(),
    port: 0,
    logs: { file: logFile },
  });
  const client = new CoordinatorClient(deployment.coordinatorUrl);
  const statuses = [];
  try {
    for (let job = 0; job < JOBS; job++) {
      const status = await runJob(
        client,
        {
          jobId: `short-timeout-${process.pid}-${job}`,
          input: { bucket: BUCKET, key: KEY, etag: '', size: 0 },
          options: { safeSize: 0, partitions: 0, concurrency: 0 },
        },
        () => undefined,
      );
      if (status.failure !== undefined || status.totalWords !== expectedWords) {
        throw new Error(
          `short-timeout job ${status.jobId} ended with ${status.failure?.message ?? `${status.totalWords} words, expected ${expectedWords}`}`,
        );
      }
      statuses.push(status);
    }
  } finally {
    await client.close();
    await deployment.stop();
    rmSync(join(scratch, 'short-timeout-store'), { recursive: true, force: true });
  }

  const lines = readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line));
  const done = lines.filter((line) => line.msg === 'request done');
  const maps = done
    .filter((line) => line.service === 'map' && line.path === '/map')
    .map((line) => line.ms)
    .sort((a, b) => a - b);
  const failed = done.filter((line) => line.status >= 500).length;
  const retried = lines.filter((line) => line.msg === 'task failed; retrying').length;
  const quantile = (q) => maps[Math.min(maps.length - 1, Math.ceil(q * maps.length) - 1)];
  const timeoutMs = TIMEOUT_SECONDS * 1000;
  const p99 = quantile(0.99);
  report(
    `| map invocations with a ${TIMEOUT_SECONDS} s function timeout, ${JOBS} jobs of ${(
      (book.length * COPIES) /
      1e6
    ).toFixed(
      0,
    )} MB, folder store | ranges per job ${statuses.map((s) => s.rangesTotal).join(', ')} ` +
      `(SafeSize ${statuses.map((s) => ((s.plan?.safeSize ?? 0) / 1e6).toFixed(1)).join(', ')} MB), ` +
      `hand-overs ${statuses.map((s) => s.handovers).join(', ')}; ${maps.length} map requests: ` +
      `p50 ${quantile(0.5)} ms, p99 ${p99} ms = **${(p99 / timeoutMs).toFixed(2)}× the timeout**, ` +
      `max ${maps.at(-1)} ms; ${failed} failed requests, ${retried} retried calls; exact |`,
  );
}
