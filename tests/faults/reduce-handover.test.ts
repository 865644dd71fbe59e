/**
 * Deadline-aware hand-over of reduce tasks. A reduce instance throttled far below its real
 * rate cannot merge its many input slices within its timeout. It stops before its deadline
 * and stores a reduce checkpoint, and the coordinator hands the rest to further invocations,
 * also after the coordinator itself was replaced.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { runJob } from '../../functions/cli/run-job.js';
import { readRates } from '../../functions/coordinator/rates.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { keys, reduceCheckpointPosition } from '../../functions/state/keys.js';
import { Phase, type JobRequest, type JobStatus } from '../../functions/state/messages.js';
import { readStored } from '../../functions/state/stored.js';
import { CORPORA } from '../support/cli.js';
import { expectExactResult } from '../support/exact-result.js';
import { startProcessSet, type ProcessSet } from '../support/function-processes.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

const BUCKET = 'reduce-handover';
const INPUT = 'texts/book-and-random-words.txt';
const TIMEOUT_SECONDS = 3;
/**
 * The throttled reduce's rate. The input's map outputs hold about 1.7 MB, which needs
 * about 6 s at this rate, so one reduce task needs at least two hand-overs under a 3 s timeout.
 */
const THROTTLED_BYTES_PER_SECOND = 300_000;
/** 32 KiB ranges: about 129 map outputs, all read by the one reduce task of one partition. */
const SAFE_SIZE = 32 * 1024;
/**
 * Random words come from a vocabulary of 20,000, so the task has about 30,000 distinct words:
 * every hand-over reads and rewrites them all, which must stay short against the timeout.
 */
const input = Buffer.concat([
  readFileSync(join(CORPORA, 'war-and-peace-en.txt')).subarray(0, 1024 * 1024),
  randomWords(3 * 1024 * 1024, 20_000, 7),
]);

let minio: MinioServer;
let store: S3Store;
let functions: ProcessSet;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
  store = new S3Store(s3);
  await store.makeBucket(BUCKET);
  await store.put(BUCKET, INPUT, input);
  functions = await startProcessSet({
    storeUrl: `s3://${BUCKET}`,
    s3,
    functionTimeoutSeconds: TIMEOUT_SECONDS,
    env: {
      reduce: { TEST_REDUCE_MAX_BYTES_PER_SECOND: String(THROTTLED_BYTES_PER_SECOND) },
      coordinator: { MAX_ATTEMPTS: '8', RETRY_BASE_MS: '300' },
    },
  });
}, 120_000);

afterAll(async () => {
  await functions?.stop();
  await minio?.stop();
});

const request = (jobId: string): JobRequest => ({
  jobId,
  input: { bucket: BUCKET, key: INPUT, etag: '', size: 0 },
  options: { safeSize: SAFE_SIZE, partitions: 1, concurrency: 2 },
});

/** Keys of the job's reduce checkpoints, by next input index. */
async function reduceCheckpoints(jobId: string): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for await (const item of store.list(BUCKET, keys.checkpointPrefix(jobId))) {
    const position = reduceCheckpointPosition(item.key);
    if (position !== undefined) found.set(position.nextInput, item.key);
  }
  return found;
}

function expectDone(status: JobStatus): void {
  expect(status.failure).toBeUndefined();
  expect(status.phase).toBe(Phase.DONE);
}

describe('a reduce slower than its plan', () => {
  it('hands over before its deadline and keeps the counts exact', async () => {
    const status = await runJob(functions.client, request('slow-reduce'), () => {});

    expectDone(status);
    expect(status.reduceTasksTotal).toBe(1);
    expect(status.handovers).toBeGreaterThanOrEqual(2);
    await expectExactResult(functions.client, status.jobId, input);

    const plan = await readStored(store, BUCKET, keys.reducePlan(status.jobId), 'ReducePlan');
    expect(plan?.maps.length).toBe(status.rangesTotal);
    expect(plan?.mapOutputBytes).toBeGreaterThan(THROTTLED_BYTES_PER_SECOND * TIMEOUT_SECONDS);

    const logs = functions.logs();
    const handedOver = logs.filter((line) =>
      line.msg.startsWith('reduce task handed over: the rest'),
    );
    const mapHandovers = logs.filter((line) => line.msg.startsWith('map task handed over'));
    expect(handedOver.length).toBeGreaterThanOrEqual(2);
    expect(handedOver.length + mapHandovers.length).toBe(status.handovers);
    const checkpoints = await reduceCheckpoints(status.jobId);
    expect(checkpoints.size).toBe(handedOver.length);

    // No reduce invocation ran past its timeout: each returned its response within it.
    const reduceRequests = logs.filter(
      (line) => line.service === 'reduce' && line.msg === 'request done',
    );
    expect(reduceRequests.length).toBe(status.reduceTasksTotal + handedOver.length);
    for (const line of reduceRequests) {
      expect(line.status).toBe(200);
      expect(Number(line.ms)).toBeLessThan(TIMEOUT_SECONDS * 1000);
    }

    // The committed receipt covers every invocation: its bytes are the whole task's.
    const receipt = await readStored(
      store,
      BUCKET,
      keys.reduceReceipt(status.jobId, 0),
      'ReduceReceipt',
    );
    expect(receipt?.complete).toBe(true);
    expect(receipt?.handovers).toBe(handedOver.length);
    expect(receipt?.inputBytes).toBe(plan?.mapOutputBytes);
    expect(receipt?.durationSeconds).toBeGreaterThan(
      (receipt?.inputBytes ?? 0) / THROTTLED_BYTES_PER_SECOND,
    );
  }, 180_000);

  it('plans the next reduce with the slower rate it measured', async () => {
    const rates = await readRates(store, BUCKET);

    expect(rates?.reduceBytesPerSecond).toBeGreaterThan(0);
    expect(rates?.reduceBytesPerSecond).toBeLessThan(THROTTLED_BYTES_PER_SECOND * 1.1);
  }, 60_000);

  it('continues from the stored checkpoint under a new coordinator', async () => {
    const jobId = 'slow-reduce-restarted';
    await functions.client.submit(request(jobId), false);
    const advancing = functions.client.advance(jobId).catch((error: Error) => error);

    // Replace the coordinator once the reduce task has stored its first checkpoint.
    for (let i = 0; i < 600 && (await reduceCheckpoints(jobId)).size === 0; i++) await sleep(100);
    const before = await reduceCheckpoints(jobId);
    expect(before.size).toBeGreaterThanOrEqual(1);
    await functions.kill('coordinator');
    expect(await advancing).toBeInstanceOf(Error);
    await functions.start('coordinator');

    const status = await runJob(functions.client, request(jobId), () => {});
    expectDone(status);
    await expectExactResult(functions.client, jobId, input);

    // The new coordinator resumed from a stored checkpoint: only the first invocation,
    // before the restart, merged from input 0.
    const logs = functions.logs().filter((line) => line.job === jobId);
    const resumed = logs.filter(
      (line) =>
        line.service === 'coordinator' &&
        line.msg === 'reduce task resumes from its furthest stored checkpoint',
    );
    // Each request of the new coordinator that found no receipt resumed. The first one
    // resumed from a checkpoint at least as far as those stored before the restart.
    expect(resumed.length).toBeGreaterThanOrEqual(1);
    expect(Number(resumed[0].next)).toBeGreaterThanOrEqual(Math.min(...before.keys()));
    const fromStart = logs.filter(
      (line) =>
        line.service === 'reduce' &&
        line.msg.startsWith('reduce task handed over: the rest') &&
        line.from === 0,
    );
    expect(fromStart.length).toBe(1);
    const receipt = await readStored(store, BUCKET, keys.reduceReceipt(jobId, 0), 'ReduceReceipt');
    expect(receipt?.handovers).toBeGreaterThanOrEqual(1);
  }, 180_000);
});

/**
 * Returns about `bytes` bytes of words drawn from a vocabulary of words of 3 to 9 random
 * letters, the same for the same seed.
 */
function randomWords(bytes: number, vocabularySize: number, seed: number): Buffer {
  let state = seed >>> 0;
  // mulberry32: a small seeded generator, so every run counts the same text.
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const vocabulary: string[] = [];
  while (vocabulary.length < vocabularySize) {
    const length = 3 + Math.floor(next() * 7);
    let word = '';
    for (let i = 0; i < length; i++) word += String.fromCharCode(97 + Math.floor(next() * 26));
    vocabulary.push(word);
  }
  const words: string[] = [];
  let size = 0;
  while (size < bytes) {
    const word = vocabulary[Math.floor(next() * vocabularySize)] + (next() < 0.1 ? '\n' : ' ');
    words.push(word);
    size += word.length;
  }
  return Buffer.from(words.join(''));
}
