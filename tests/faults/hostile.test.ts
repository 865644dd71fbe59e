/**
 * Hostile requests and damaged state against real processes and MinIO: checkpoints that do
 * not belong to the task, stored objects that are corrupt or cut short, and clients that
 * disconnect in the middle of a body. Each must fail cleanly, with the right code, leaving
 * no partial state and a server that keeps serving.
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';

import { mapTask } from '../../functions/coordinator/map-stage.js';
import { FunctionClient, TaskCallError } from '../../functions/coordinator/function-client.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { encodeMessage } from '../../functions/state/codec.js';
import { keys } from '../../functions/state/keys.js';
import { Phase, type JobRecord, type JobRequest } from '../../functions/state/messages.js';
import { readStored } from '../../functions/state/stored.js';
import { CORPORA } from '../support/cli.js';
import { startProcessSet, type ProcessSet } from '../support/function-processes.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

const BUCKET = 'hostile';
const INPUT = 'books/shakespeare.txt';
const text = readFileSync(join(CORPORA, 'tinyshakespeare.txt'));

let minio: MinioServer;
let store: S3Store;
let functions: ProcessSet;
let map: FunctionClient;

beforeAll(async () => {
  minio = await startMinio();
  const s3 = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
  store = new S3Store(s3);
  await store.makeBucket(BUCKET);
  await store.put(BUCKET, INPUT, text);
  functions = await startProcessSet({
    storeUrl: `s3://${BUCKET}`,
    s3,
    functionTimeoutSeconds: 10,
    env: { reduce: { TEST_REDUCE_COMMIT_DELAY_MS: '1500' } },
  });
  map = new FunctionClient(functions.urls.map, 10, 4);
}, 120_000);

afterAll(async () => {
  await map?.close();
  await functions?.stop();
  await minio?.stop();
}, 120_000);

const request = (jobId: string): JobRequest => ({
  jobId,
  input: { bucket: BUCKET, key: INPUT, etag: '', size: 0 },
  options: { safeSize: 256 * 1024, partitions: 8, concurrency: 2 },
});

/** Submits a job without running it and returns its stored record. */
async function plannedJob(jobId: string): Promise<JobRecord> {
  await functions.client.submit(request(jobId), false);
  const job = await readStored(store, BUCKET, keys.job(jobId), 'JobRecord');
  if (job === undefined) throw new Error(`job ${jobId} has no record`);
  return job;
}

async function callError(call: Promise<unknown>): Promise<TaskCallError> {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TaskCallError);
  return error as TaskCallError;
}

async function keysUnder(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const item of store.list(BUCKET, prefix)) found.push(item.key);
  return found;
}

describe('a map task with a hostile checkpoint', () => {
  let job: JobRecord;
  const ref = (key: string, bucket = BUCKET) => ({ bucket, key, etag: '', size: 0 });

  beforeAll(async () => {
    job = await plannedJob('checkpoints');
  });

  it.each<[string, () => Promise<unknown>, () => { bucket: string; key: string }, string, RegExp]>([
    [
      'of another job',
      async () => {},
      () => ref('jobs/other-job/checkpoint/000001-10.pb'),
      'INVALID_REQUEST',
      /invalid checkpoint: expected a key under hostile\/jobs\/checkpoints\/checkpoint\//,
    ],
    [
      'in another bucket',
      async () => {},
      () => ref('jobs/checkpoints/checkpoint/000001-10.pb', 'elsewhere'),
      'INVALID_REQUEST',
      /invalid checkpoint/,
    ],
    [
      'with a traversal key',
      async () => {},
      () => ref('jobs/checkpoints/checkpoint/../job.pb'),
      'INVALID_KEY',
      /\.\./,
    ],
    [
      'that does not exist',
      async () => {},
      () => ref(keys.checkpoint('checkpoints', 1, 300_000)),
      'CORRUPT_OBJECT',
      /does not exist; run the task again without it/,
    ],
    [
      'whose bytes are not a checkpoint',
      () => store.put(BUCKET, keys.checkpoint('checkpoints', 1, 300_001), Buffer.from('garbage!')),
      () => ref(keys.checkpoint('checkpoints', 1, 300_001)),
      'CORRUPT_OBJECT',
      /is invalid/,
    ],
    [
      'of another chunk, stored under this chunk',
      () =>
        store.put(
          BUCKET,
          keys.checkpoint('checkpoints', 1, 300_002),
          encodeMessage('Checkpoint', {
            jobId: 'checkpoints',
            chunk: 2,
            range: job.ranges[2],
            nextOffset: 300_002,
            words: 0,
            counts: {
              partition: 0,
              entries: 0,
              codec: 0,
              order: 0,
              words: new Uint8Array(),
              counts: new Uint8Array(),
            },
            handovers: 1,
            durationSeconds: 1,
          }),
        ),
      () => ref(keys.checkpoint('checkpoints', 1, 300_002)),
      'CORRUPT_OBJECT',
      /does not belong to job checkpoints chunk 1/,
    ],
  ])(
    '%s fails with its code and commits nothing',
    async (_, prepare, checkpoint, code, message) => {
      await prepare();
      const error = await callError(
        map.call('MapTask', mapTask(job, 1, 1, BUCKET, checkpoint() as never), 'MapReceipt'),
      );

      expect(error.code).toBe(code);
      expect(error.detail).toMatch(message);
      expect(await keysUnder(keys.mapPrefix('checkpoints'))).toEqual([]);
    },
  );
});

describe('corrupt stored state', () => {
  it('fails the job on a CRC mismatch', async () => {
    const job = await plannedJob('corrupt-output');
    for (let chunk = 0; chunk < job.ranges.length; chunk++)
      await map.call('MapTask', mapTask(job, chunk, 1, BUCKET), 'MapReceipt');
    const key = keys.mapOutput('corrupt-output', 2);
    const bytes = Buffer.from(await store.get(BUCKET, key));
    bytes[bytes.length >> 1] ^= 0xff;
    await store.put(BUCKET, key, bytes);

    const status = await functions.client.advance('corrupt-output');

    expect(status.phase).toBe(Phase.FAILED);
    expect(status.failure?.code).toBe('CORRUPT_OBJECT');
    expect(status.failure?.message).toContain(key);
    expect(await keysUnder(`jobs/corrupt-output/result`)).toEqual([]);
  });

  it('answers 500 CORRUPT_OBJECT for a job record cut short, and keeps serving', async () => {
    await plannedJob('cut-short');
    const key = keys.job('cut-short');
    const bytes = await store.get(BUCKET, key);
    await store.put(BUCKET, key, bytes.subarray(0, bytes.length >> 1));
    // A coordinator that has not read the record yet: the one that stored it keeps it cached.
    const coordinator = await functions.startCoordinator();

    const response = await fetch(`${coordinator}/jobs/cut-short`);
    expect(response.status).toBe(500);
    const body = (await response.json()) as { code: string; message: string };
    expect(body.code).toBe('CORRUPT_OBJECT');
    expect(body.message).toContain(`${BUCKET}/${key}`);
    expect((await fetch(`${coordinator}/healthz`)).status).toBe(200);
  });
});

describe('a client that disconnects in the middle of a body', () => {
  it.each(['map', 'coordinator'] as const)(
    'leaves the %s function running and writes nothing',
    async (name) => {
      const before = await keysUnder('jobs/');
      const url = new URL(functions.urls[name]);
      const path = name === 'map' ? '/map' : '/jobs';
      await new Promise<void>((resolve, reject) => {
        const socket = connect(Number(url.port), url.hostname, () => {
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\n` +
              `Content-Length: 100000\r\n\r\n{"jobId": "half-sent", "input": {"bucket": "${BUCKET}"`,
          );
          setTimeout(() => {
            socket.destroy();
            resolve();
          }, 200);
        });
        socket.on('error', reject);
      });

      const health = await fetch(`${functions.urls[name]}/healthz`);
      expect(health.status).toBe(200);
      expect(functions.pid(name)).toBeGreaterThan(0);
      expect(await keysUnder('jobs/')).toEqual(before);
      expect(await keysUnder('jobs/half-sent/')).toEqual([]);
      const rejected = functions
        .logs()
        .filter((line) => line.service === name && line.code === 'MALFORMED_MESSAGE');
      expect(rejected.at(-1)?.message).toMatch(/request body ended early/);
    },
  );
});

describe('a request that the HTTP parser rejects', () => {
  it.each([
    ['a broken chunked body', 'Transfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['a Content-Length that is not a number', 'Content-Length: twelve\r\n\r\n'],
  ])('gets a JSON error for %s', async (_, rest) => {
    const url = new URL(functions.urls.map);
    const answer = await new Promise<string>((resolve, reject) => {
      let received = '';
      const socket = connect(Number(url.port), url.hostname, () => {
        socket.write(`POST /map HTTP/1.1\r\nHost: ${url.host}\r\n${rest}`);
      });
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
    });

    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string };
    expect(body.code).toBe('MALFORMED_MESSAGE');
    expect((await fetch(`${functions.urls.map}/healthz`)).status).toBe(200);
  });
});

describe('a client that gives up on a long request', () => {
  it('logs the closed request and finishes', async () => {
    await plannedJob('given-up');
    const aborted = await fetch(`${functions.urls.coordinator}/jobs/given-up/advance`, {
      method: 'POST',
      signal: AbortSignal.timeout(500),
    }).then(
      () => false,
      () => true,
    );
    expect(aborted).toBe(true);

    let status = await functions.client.status('given-up');
    for (let i = 0; i < 100 && status.phase !== Phase.DONE; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = await functions.client.status('given-up');
    }
    expect(status.phase).toBe(Phase.DONE);
    const closed = functions
      .logs()
      .filter((line) => line.msg === 'request closed by the client before its response');
    expect(closed.some((line) => line.service === 'coordinator' && Number(line.ms) >= 400)).toBe(
      true,
    );
  }, 60_000);
});
