/**
 * Fault injection with real processes and a real MinIO server. Function processes are killed
 * in the middle of a task and replaced. The coordinator is killed in the middle of a job and
 * replaced. Two coordinators deliver every task twice. Each job must end with the counts of
 * a single naive pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { runJob } from '../../functions/cli/run-job.js';
import { CoordinatorClient } from '../../functions/cli/coordinator-client.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { keys } from '../../functions/state/keys.js';
import { Phase, type JobRequest, type JobStatus } from '../../functions/state/messages.js';
import { CORPORA } from '../support/cli.js';
import { expectExactResult } from '../support/exact-result.js';
import {
  startProcessSet,
  type ProcessSet,
  type ProcessSetOptions,
} from '../support/function-processes.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

const BUCKET = 'faults';
const INPUT = 'books/war-and-peace.txt';
const book = readFileSync(join(CORPORA, 'war-and-peace-en.txt'));
/** 7 ranges of the book, each about a second of work for a map throttled to 500 kB/s. */
const SAFE_SIZE = 512 * 1024;
const THROTTLE = { TEST_MAP_MAX_BYTES_PER_SECOND: '500000' };
/** Enough retries, spread far enough, to outlast a function that is being replaced. */
const PATIENT = { MAX_ATTEMPTS: '8', RETRY_BASE_MS: '300' };

let minio: MinioServer;
let store: S3Store;
let functions: ProcessSet | undefined;

beforeAll(async () => {
  minio = await startMinio();
  store = new S3Store({
    endpoint: minio.endpoint,
    accessKey: minio.accessKey,
    secretKey: minio.secretKey,
  });
  await store.makeBucket(BUCKET);
  await store.put(BUCKET, INPUT, book);
}, 120_000);

afterEach(async () => {
  await functions?.stop();
  functions = undefined;
});

afterAll(async () => {
  await minio?.stop();
});

function start(env: ProcessSetOptions['env']): Promise<ProcessSet> {
  return startProcessSet({
    storeUrl: `s3://${BUCKET}`,
    s3: { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey },
    functionTimeoutSeconds: 10,
    env,
  });
}

const request = (jobId: string): JobRequest => ({
  jobId,
  input: { bucket: BUCKET, key: INPUT, etag: '', size: 0 },
  options: { safeSize: SAFE_SIZE, partitions: 16, concurrency: 2 },
});

async function exists(key: string): Promise<boolean> {
  for await (const item of store.list(BUCKET, key)) if (item.key === key) return true;
  return false;
}

async function waitFor(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function committedChunks(jobId: string): Promise<number[]> {
  const chunks: number[] = [];
  for await (const item of store.list(BUCKET, keys.mapPrefix(jobId))) {
    const match = /(\d+)\.receipt$/.exec(item.key);
    if (match !== null) chunks.push(Number(match[1]));
  }
  return chunks;
}

function expectDone(status: JobStatus): void {
  expect(status.failure).toBeUndefined();
  expect(status.phase).toBe(Phase.DONE);
}

/** Log lines of the map function that commit, or return without counting, a chunk. */
function mapCommits(set: ProcessSet, jobId: string, msg: string): number[] {
  return set
    .logs()
    .filter((line) => line.service === 'map' && line.job === jobId && line.msg === msg)
    .map((line) => Number(line.chunk));
}

describe('a killed function process', () => {
  it('of map, mid-task, is retried on its replacement with exact counts', async () => {
    functions = await start({ map: THROTTLE, coordinator: PATIENT });
    const set = functions;
    const job = runJob(set.client, request('map-killed'), () => {});

    // Map calls run back to back; a second after the first commit, one is mid-range.
    await waitFor(
      'a committed map task',
      async () => (await committedChunks('map-killed')).length > 0,
    );
    await sleep(500);
    await set.kill('map');
    await sleep(500);
    await set.start('map');

    const status = await job;
    expectDone(status);
    expect(status.retries).toBeGreaterThanOrEqual(1);
    await expectExactResult(set.client, status.jobId, book);
    const retried = set
      .logs()
      .filter((line) => line.service === 'coordinator' && line.msg === 'task failed; retrying');
    expect(retried.length).toBeGreaterThanOrEqual(1);
  }, 120_000);

  it('of reduce, between its output and its receipt, is retried with exact counts', async () => {
    functions = await start({
      reduce: { TEST_REDUCE_COMMIT_DELAY_MS: '3000' },
      coordinator: PATIENT,
    });
    const set = functions;
    const job = runJob(set.client, request('reduce-killed'), () => {});

    // The output of reduce task 0 is written and its receipt is not: kill it now.
    await waitFor('an uncommitted reduce output', () =>
      exists(keys.reduceOutput('reduce-killed', 0)),
    );
    expect(await exists(keys.reduceReceipt('reduce-killed', 0))).toBe(false);
    await set.kill('reduce');
    await set.start('reduce');

    const status = await job;
    expectDone(status);
    expect(status.retries).toBeGreaterThanOrEqual(1);
    await expectExactResult(set.client, status.jobId, book);
  }, 120_000);
});

describe('a killed coordinator', () => {
  it('leaves a job that a new instance continues without counting committed chunks again', async () => {
    functions = await start({ map: THROTTLE, coordinator: PATIENT });
    const set = functions;
    const jobId = 'coordinator-killed';
    await set.client.submit(request(jobId), false);
    const advancing = set.client.advance(jobId).catch((error: Error) => error);

    await waitFor(
      'two committed map tasks',
      async () => (await committedChunks(jobId)).length >= 2,
    );
    await set.kill('coordinator');
    expect(await advancing).toBeInstanceOf(Error);
    const before = await committedChunks(jobId);
    expect(before.length).toBeLessThan(7);

    // The client resubmits the same job to the replacement, which continues it.
    await set.start('coordinator');
    const client = new CoordinatorClient(set.urls.coordinator, 120);
    try {
      let status = await client.submit(request(jobId), true);
      while (status.phase !== Phase.DONE && status.phase !== Phase.FAILED)
        status = await client.advance(jobId);
      expectDone(status);
      await expectExactResult(client, jobId, book);
    } finally {
      await client.close();
    }

    // Chunks committed before the kill were never counted again.
    const committed = mapCommits(set, jobId, 'map task committed');
    for (const chunk of before) expect(committed.filter((c) => c === chunk)).toHaveLength(1);
    expect(mapCommits(set, jobId, 'map task duplicated a committed one')).toEqual([]);
    expect(mapCommits(set, jobId, 'map task already committed; returning its receipt')).toEqual([]);
  }, 120_000);
});

describe('every task delivered twice', () => {
  it('by two coordinators commits each once', async () => {
    functions = await start({ coordinator: PATIENT });
    const set = functions;
    const jobId = 'delivered-twice';
    await set.client.submit(request(jobId), false);

    // A second coordinator instance beside the first, on the same functions and store.
    const other = new CoordinatorClient(await set.startCoordinator(), 120);
    try {
      await Promise.all([set.client.advance(jobId), other.advance(jobId)]);
      let status = await set.client.status(jobId);
      while (status.phase !== Phase.DONE && status.phase !== Phase.FAILED)
        status = await set.client.advance(jobId);
      expectDone(status);
      await expectExactResult(set.client, jobId, book);
    } finally {
      await other.close();
    }

    const duplicates = [
      ...mapCommits(set, jobId, 'map task duplicated a committed one'),
      ...mapCommits(set, jobId, 'map task already committed; returning its receipt'),
    ];
    expect(duplicates.length).toBeGreaterThanOrEqual(1);
    const committed = mapCommits(set, jobId, 'map task committed');
    expect([...committed].sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  }, 120_000);
});
