/**
 * Deadline-aware hand-over: a map instance throttled far below the rate the plan assumed
 * cannot count its range within its timeout, so it stops before its deadline, stores a
 * checkpoint, and the coordinator hands the rest to further invocations.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { runJob } from '../../functions/cli/run-job.js';
import { FunctionClient, TaskCallError } from '../../functions/coordinator/function-client.js';
import { mapTask } from '../../functions/coordinator/map-stage.js';
import { readRates } from '../../functions/coordinator/rates.js';
import { compareCodePoints } from '../../functions/counting/order.js';
import { encodeMessage } from '../../functions/state/codec.js';
import { readStored } from '../../functions/state/stored.js';
import { encodeWordBlock } from '../../functions/state/word-block.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { keys } from '../../functions/state/keys.js';
import { Phase, type JobRequest } from '../../functions/state/messages.js';
import { CORPORA } from '../support/cli.js';
import { startProcessSet, type ProcessSet } from '../support/function-processes.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';
import { expectExactResult } from '../support/exact-result.js';

const BUCKET = 'handover';
const TIMEOUT_SECONDS = 3;
/** The throttled map's rate: a 2 MiB range needs about 4 s, more than the 3 s timeout. */
const THROTTLED_BYTES_PER_SECOND = 500_000;
const book = readFileSync(join(CORPORA, 'war-and-peace-en.txt'));

let minio: MinioServer;
let store: S3Store;
let functions: ProcessSet;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
  store = new S3Store(s3);
  await store.makeBucket(BUCKET);
  await store.put(BUCKET, 'books/war-and-peace.txt', book);
  functions = await startProcessSet({
    storeUrl: `s3://${BUCKET}`,
    s3,
    functionTimeoutSeconds: TIMEOUT_SECONDS,
    env: { map: { TEST_MAP_MAX_BYTES_PER_SECOND: String(THROTTLED_BYTES_PER_SECOND) } },
  });
}, 120_000);

afterAll(async () => {
  await functions?.stop();
  await minio?.stop();
});

const request = (jobId: string, safeSize: number): JobRequest => ({
  jobId,
  input: { bucket: BUCKET, key: 'books/war-and-peace.txt', etag: '', size: 0 },
  options: { safeSize, partitions: 0, concurrency: 2 },
});

describe('a map slower than its plan', () => {
  it('hands over before its deadline and keeps the counts exact', async () => {
    const status = await runJob(functions.client, request('slow-map', 2 * 1024 * 1024), () => {});

    expect(status.failure).toBeUndefined();
    expect(status.phase).toBe(Phase.DONE);
    expect(status.rangesTotal).toBe(2);
    // The 2 MiB range needs about 4.2 s at the throttled rate: at least one hand-over.
    expect(status.handovers).toBeGreaterThanOrEqual(1);
    await expectExactResult(functions.client, status.jobId, book);

    const checkpoints: string[] = [];
    for await (const item of store.list(BUCKET, keys.checkpointPrefix(status.jobId)))
      checkpoints.push(item.key);
    expect(checkpoints.length).toBeGreaterThanOrEqual(status.handovers);

    // No map invocation ran past its timeout: each responded within it.
    const mapRequests = functions
      .logs()
      .filter((line) => line.service === 'map' && line.msg === 'request done');
    expect(mapRequests.length).toBe(status.rangesTotal + status.handovers);
    for (const line of mapRequests) {
      expect(line.status).toBe(200);
      expect(Number(line.ms)).toBeLessThan(TIMEOUT_SECONDS * 1000);
    }
    const handedOver = functions
      .logs()
      .filter((line) => line.msg.startsWith('map task handed over'));
    expect(handedOver.length).toBe(status.handovers);
  }, 120_000);

  it('plans the next job with the slower rate it measured', async () => {
    const rates = await readRates(store, BUCKET);
    expect(rates?.mapBytesPerSecond).toBeGreaterThan(0);
    expect(rates?.mapBytesPerSecond).toBeLessThan(THROTTLED_BYTES_PER_SECOND * 1.1);

    // SafeSize = rate × (3 s − 0.6 s reserve) × 0.5: well under a megabyte now.
    const status = await functions.client.submit(request('planned-slow', 0), false);
    expect(status.plan?.rateSource).toBe('measured');
    expect(status.plan?.bytesPerSecond).toBe(rates?.mapBytesPerSecond);
    expect(status.plan?.safeSize).toBeLessThan(THROTTLED_BYTES_PER_SECOND * 1.1 * 2.4 * 0.5);
    expect(status.rangesTotal).toBeGreaterThan(4);
  }, 60_000);

  it('fails oversized checkpoints with TIMEOUT_TOO_SHORT', async () => {
    await functions.client.submit(request('too-many-words', 256 * 1024), false);
    const job = await readStored(store, BUCKET, keys.job('too-many-words'), 'JobRecord');
    if (job === undefined) throw new Error('the job has no record');
    // A checkpoint of two million distinct words, as a long hand-over chain would leave.
    const entries: [string, number][] = Array.from({ length: 2_000_000 }, (_, i) => [
      `w${i.toString(36).padStart(5, '0')}`,
      1,
    ]);
    entries.sort((a, b) => compareCodePoints(a[0], b[0]));
    const offset = job.ranges[0].start + 1000;
    const key = keys.checkpoint('too-many-words', 0, offset);
    await store.put(
      BUCKET,
      key,
      encodeMessage('Checkpoint', {
        jobId: 'too-many-words',
        chunk: 0,
        range: job.ranges[0],
        nextOffset: offset,
        words: entries.length,
        counts: encodeWordBlock(entries),
        handovers: 1,
        durationSeconds: 1,
      }),
    );
    const map = new FunctionClient(functions.urls.map, TIMEOUT_SECONDS, 1);
    const checkpoint = { bucket: BUCKET, key, etag: '', size: 0 };

    const error = await map
      .call('MapTask', mapTask(job, 0, 1, BUCKET, checkpoint), 'MapReceipt')
      .catch((caught: unknown) => caught as TaskCallError);

    expect(error).toBeInstanceOf(TaskCallError);
    expect((error as TaskCallError).code).toBe('TIMEOUT_TOO_SHORT');
    expect((error as TaskCallError).detail).toMatch(
      /^map chunk 0 contains 2000000 distinct words, and storing them takes about [\d.]+ s of its 3 s timeout/,
    );
  }, 60_000);
});
