/**
 * Cleanup against real processes and MinIO. After a sweep, ended jobs keep only their record,
 * result and status, and still return them. An abandoned job loses what killed instances
 * left and can still be finished. A live job keeps everything.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { runJob } from '../../functions/cli/run-job.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { Phase, type JobRequest } from '../../functions/state/messages.js';
import { CORPORA, runCli } from '../support/cli.js';
import { expectExactResult } from '../support/exact-result.js';
import { startProcessSet, type ProcessSet } from '../support/function-processes.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

const BUCKET = 'cleanup';
const text = readFileSync(join(CORPORA, 'tinyshakespeare.txt'));
/** Map and reduce timeout; a task call lasts at most 2 s plus a 2 s margin. */
const TIMEOUT_SECONDS = 2;
const LIVE_TASK_MS = 4500;

let minio: MinioServer;
let store: S3Store;
let functions: ProcessSet;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
  store = new S3Store(s3);
  await store.makeBucket(BUCKET);
  await store.put(BUCKET, 'books/shakespeare.txt', text);
  await store.put(BUCKET, 'books/changing.txt', Buffer.from('first version\n'));
  functions = await startProcessSet({
    storeUrl: `s3://${BUCKET}`,
    s3,
    functionTimeoutSeconds: TIMEOUT_SECONDS,
    env: { coordinator: { CLEANUP_RETENTION_SECONDS: '0', CLEANUP_ABANDON_SECONDS: '0' } },
  });
}, 120_000);

afterAll(async () => {
  await functions?.stop();
  await minio?.stop();
});

const request = (jobId: string, key = 'books/shakespeare.txt'): JobRequest => ({
  jobId,
  input: { bucket: BUCKET, key, etag: '', size: 0 },
  options: { safeSize: 256 * 1024, partitions: 8, concurrency: 2 },
});

async function names(jobId: string): Promise<string[]> {
  const found: string[] = [];
  for await (const item of store.list(BUCKET, `jobs/${jobId}/`))
    found.push(item.key.slice(`jobs/${jobId}/`.length));
  return found;
}

const DONE_KEPT = ['job.pb', 'result.pb', 'result.tsv', 'status.pb', 'summary.json'];

describe('cleanup', () => {
  it('sweeps ended and abandoned jobs, and leaves live ones alone', async () => {
    const done = await runJob(functions.client, request('done-job'), () => {});
    expect(done.phase).toBe(Phase.DONE);
    // A late duplicate wrote after the job ended.
    await store.put(BUCKET, 'jobs/done-job/map/000099.out', Buffer.from('late'));

    await functions.client.submit(request('failed-job', 'books/changing.txt'), false);
    await store.put(BUCKET, 'books/changing.txt', Buffer.from('second version\n'));
    const failed = await functions.client.advance('failed-job');
    expect(failed.failure?.code).toBe('INPUT_CHANGED');
    // It failed before any map output: it has nothing to sweep.

    // An instance was killed after writing an output it never committed.
    await functions.client.submit(request('abandoned-job'), false);
    await store.put(BUCKET, 'jobs/abandoned-job/map/000000.out', Buffer.from('partial'));

    await sleep(LIVE_TASK_MS);
    await functions.client.submit(request('live-job'), false);
    await store.put(BUCKET, 'jobs/live-job/map/000000.out', Buffer.from('in flight'));

    const { code, stdout } = await runCli(['cleanup', '--coordinator', functions.urls.coordinator]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^removed \d+ objects \(\d+ bytes\) of 2 jobs; 4 jobs scanned\n$/);

    expect(await names('done-job')).toEqual(DONE_KEPT);
    await expectExactResult(functions.client, 'done-job', text);
    const doneStatus = await functions.client.status('done-job');
    expect(doneStatus.rangesDone).toBe(doneStatus.rangesTotal);

    expect(await names('failed-job')).toEqual(['failed.pb', 'job.pb', 'status.pb', 'summary.json']);
    const failedStatus = await functions.client.status('failed-job');
    expect(failedStatus.phase).toBe(Phase.FAILED);
    expect(failedStatus.failure?.code).toBe('INPUT_CHANGED');

    expect(await names('abandoned-job')).toEqual(['job.pb']);
    expect(await names('live-job')).toEqual(['job.pb', 'map/000000.out']);

    // The abandoned job can still be finished, exactly.
    const resumed = await runJob(functions.client, request('abandoned-job'), () => {});
    expect(resumed.phase).toBe(Phase.DONE);
    await expectExactResult(functions.client, 'abandoned-job', text);
  }, 120_000);

  it.each([' ', '0x10', '1e3', '-1', 'abc'])(
    'rejects retentionSeconds=%j with 400 and sweeps nothing',
    async (value) => {
      const response = await fetch(
        `${functions.urls.coordinator}/cleanup?retentionSeconds=${encodeURIComponent(value)}`,
        { method: 'POST' },
      );
      expect(response.status).toBe(400);
      expect(((await response.json()) as { code: string }).code).toBe('INVALID_REQUEST');
    },
  );

  it('runs when a job ends, for the jobs that ended before it', async () => {
    expect((await names('abandoned-job')).length).toBeGreaterThan(DONE_KEPT.length);
    await sleep(LIVE_TASK_MS);

    const next = await runJob(functions.client, request('next-job'), () => {});
    expect(next.phase).toBe(Phase.DONE);

    expect(await names('abandoned-job')).toEqual(DONE_KEPT);
    expect((await names('next-job')).length).toBeGreaterThan(DONE_KEPT.length);
    const swept = functions.logs().filter((line) => line.msg === 'cleanup after the job');
    expect(swept.length).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
