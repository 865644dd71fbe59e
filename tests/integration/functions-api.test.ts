import { fork } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { runJob } from '../../functions/cli/run-job.js';
import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import { encodeMessage } from '../../functions/state/codec.js';
import { keys } from '../../functions/state/keys.js';
import type { MapTask } from '../../functions/state/messages.js';
import { startTestDeployment, type TestDeployment } from '../support/deployment.js';
import { storeOneRangeJob } from '../support/job-record.js';

const json = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

let target: TestDeployment;
let etag: string;
const text = new TextEncoder().encode('one two two three three three\n');

function mapTask(overrides: Partial<MapTask> = {}): MapTask {
  return {
    jobId: 'api-job',
    chunk: 0,
    attempt: 1,
    input: { bucket: target.bucket, key: 'texts/a.txt', etag, size: text.length },
    range: { start: 0, end: text.length },
    partitions: 4,
    output: { bucket: target.bucket, key: keys.mapOutput('api-job', 0), etag: '', size: 0 },
    receipt: { bucket: target.bucket, key: keys.mapReceipt('api-job', 0), etag: '', size: 0 },
    checkpoint: undefined,
    ...overrides,
  };
}

async function errorOf(
  response: Response,
): Promise<{ status: number; code: string; message: string; retryable: boolean }> {
  const body = (await response.json()) as { code: string; message: string; retryable: boolean };
  return { status: response.status, ...body };
}

beforeAll(async () => {
  target = await startTestDeployment('directory', undefined, {
    partitions: 4,
    env: { INPUT_BUCKETS: 'api,missing-bucket' },
    bucket: 'api',
  });
  await target.store.put(target.bucket, 'texts/a.txt', text);
  etag = (await target.store.stat(target.bucket, 'texts/a.txt')).etag;
  const submitted = await fetch(`${target.deployment.coordinatorUrl}/jobs?wait=false`, {
    ...json({
      jobId: 'api-job',
      input: { bucket: 'api', key: 'texts/a.txt' },
      options: { partitions: 4 },
    }),
  });
  expect(submitted.status).toBe(202);
});

afterAll(async () => {
  await target?.stop();
});

describe('map function API', () => {
  const post = (init: RequestInit) => fetch(`${target.deployment.mapUrl}/map`, init);

  it('returns a receipt for a valid task', async () => {
    const response = await post(json(mapTask()));
    const receipt = (await response.json()) as {
      words: number;
      distinctWords: number;
      complete: boolean;
    };

    expect(response.status).toBe(200);
    expect(receipt.words).toBe(6);
    expect(receipt.distinctWords).toBe(3);
    expect(receipt.complete).toBe(true);
  });

  it('returns the committed receipt for a duplicate task', async () => {
    const first = await (await post(json(mapTask()))).json();
    const output = await target.store.get(target.bucket, keys.mapOutput('api-job', 0));
    const before = await target.store.stat(target.bucket, keys.mapReceipt('api-job', 0));

    const again = await post(json(mapTask({ attempt: 2 })));

    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(first);
    expect(await target.store.get(target.bucket, keys.mapOutput('api-job', 0))).toEqual(output);
    expect((await target.store.stat(target.bucket, keys.mapReceipt('api-job', 0))).etag).toBe(
      before.etag,
    );
  });

  it.each<[string, () => RequestInit, number, string, RegExp]>([
    ['malformed JSON', () => json('{"jobId": '), 400, 'MALFORMED_MESSAGE', /not valid JSON/],
    [
      'malformed protobuf',
      () => ({
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: Buffer.from([0x0a, 0xff, 0x01]),
      }),
      400,
      'MALFORMED_MESSAGE',
      /invalid MapTask protobuf/,
    ],
    [
      'plain text',
      () => ({ method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      /Content-Type must be application\/json/,
    ],
    [
      'an oversized body',
      () => json({ jobId: 'x'.repeat(17 * 1024 * 1024) }),
      413,
      'BODY_TOO_LARGE',
      /larger than the limit of 16777216 bytes/,
    ],
    [
      'an unknown field',
      () => json({ ...mapTask(), extra: 1 }),
      400,
      'MALFORMED_MESSAGE',
      /unknown field MapTask\.extra/,
    ],
    [
      'a missing input',
      () => json({ ...mapTask(), input: undefined }),
      400,
      'INVALID_REQUEST',
      /missing field input/,
    ],
    [
      'an empty range',
      () => json(mapTask({ range: { start: 5, end: 5 } })),
      400,
      'INVALID_REQUEST',
      /invalid range \[5, 5\)/,
    ],
    [
      'a range past the end',
      () => json(mapTask({ range: { start: 0, end: 999 } })),
      400,
      'INVALID_REQUEST',
      /expected start < end <= input\.size/,
    ],
    [
      'an output at another key',
      () =>
        json(
          mapTask({ output: { bucket: 'api', key: 'jobs/other/result.pb', etag: '', size: 0 } }),
        ),
      400,
      'INVALID_REQUEST',
      /invalid output api\/jobs\/other\/result\.pb/,
    ],
    [
      'a traversal key',
      () => json(mapTask({ input: { bucket: 'api', key: '../etc/passwd', etag, size: 30 } })),
      400,
      'INVALID_KEY',
      /has a \.\. segment/,
    ],
    [
      'a bucket not allowed',
      () => json(mapTask({ input: { bucket: 'secrets', key: 'a', etag, size: 30 } })),
      403,
      'BUCKET_NOT_ALLOWED',
      /bucket secrets is not allowed/,
    ],
    [
      'a job without a record',
      () =>
        json(
          mapTask({
            jobId: 'other',
            output: { bucket: 'api', key: keys.mapOutput('other', 0), etag: '', size: 0 },
            receipt: { bucket: 'api', key: keys.mapReceipt('other', 0), etag: '', size: 0 },
          }),
        ),
      404,
      'JOB_NOT_FOUND',
      /job other not found/,
    ],
    [
      'a range not in the plan',
      () => json(mapTask({ range: { start: 0, end: 10 } })),
      400,
      'INVALID_REQUEST',
      /does not match the job's plan: range \[0, 10\), planned \[0, 30\)/,
    ],
    [
      'a chunk beyond the plan',
      () =>
        json(
          mapTask({
            chunk: 5,
            output: { bucket: 'api', key: keys.mapOutput('api-job', 5), etag: '', size: 0 },
            receipt: { bucket: 'api', key: keys.mapReceipt('api-job', 5), etag: '', size: 0 },
          }),
        ),
      400,
      'INVALID_REQUEST',
      /does not match the job's plan: the job has 1 chunks/,
    ],
    [
      'other partitions than planned',
      () => json(mapTask({ partitions: 7 })),
      400,
      'INVALID_REQUEST',
      /7 partitions, planned 4/,
    ],
    [
      'a bad job id',
      () => json(mapTask({ jobId: '../x' })),
      400,
      'INVALID_REQUEST',
      /invalid jobId/,
    ],
    ['attempt 0', () => json(mapTask({ attempt: 0 })), 400, 'INVALID_REQUEST', /invalid attempt 0/],
  ])('rejects %s', async (_name, init, status, code, message) => {
    const error = await errorOf(await post(init()));

    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.retryable).toBe(false);
  });

  it('leaves nothing behind for a rejected task', async () => {
    await post(
      json(
        mapTask({ output: { bucket: 'api', key: 'jobs/api-job/result.pb', etag: '', size: 0 } }),
      ),
    );

    await expect(target.store.stat(target.bucket, 'jobs/api-job/result.pb')).rejects.toThrow(
      /not found/,
    );
  });

  it('answers probes', async () => {
    expect((await fetch(`${target.deployment.mapUrl}/healthz`)).status).toBe(200);
    expect((await fetch(`${target.deployment.mapUrl}/readyz`)).status).toBe(200);
  });

  it('answers 404 for an unknown route', async () => {
    const error = await errorOf(await fetch(`${target.deployment.mapUrl}/nowhere`));

    expect(error.status).toBe(404);
    expect(error.code).toBe('NOT_FOUND');
  });
});

describe('reduce function API', () => {
  it.each<[string, unknown, RegExp]>([
    [
      'mismatched block lists',
      {
        jobId: 'api-job',
        attempt: 1,
        firstPartition: 0,
        endPartition: 2,
        inputs: [
          {
            output: { bucket: 'api', key: keys.mapOutput('api-job', 0) },
            offset: 0,
            blockLengths: [1],
            blockCrc32: [0],
          },
        ],
      },
      /expected 2 block lengths and checksums, got 1 and 1/,
    ],
    [
      'an input outside the job',
      {
        jobId: 'api-job',
        attempt: 1,
        firstPartition: 0,
        endPartition: 1,
        inputs: [
          {
            output: { bucket: 'api', key: 'texts/a.txt' },
            offset: 0,
            blockLengths: [1],
            blockCrc32: [0],
          },
        ],
      },
      /expected a map output under api\/jobs\/api-job\/map\//,
    ],
    [
      'an empty partition range',
      { jobId: 'api-job', attempt: 1, firstPartition: 3, endPartition: 3 },
      /invalid partitions \[3, 3\)/,
    ],
    [
      'a checkpoint of another task',
      {
        jobId: 'api-job',
        task: 0,
        attempt: 1,
        firstPartition: 0,
        endPartition: 1,
        output: { bucket: 'api', key: keys.reduceOutput('api-job', 0) },
        receipt: { bucket: 'api', key: keys.reduceReceipt('api-job', 0) },
        checkpoint: { bucket: 'api', key: keys.reduceCheckpoint('api-job', 1, 3) },
      },
      /invalid checkpoint api\/jobs\/api-job\/checkpoint\/r0001-3\.pb/,
    ],
  ])('rejects %s', async (_name, body, message) => {
    const error = await errorOf(await fetch(`${target.deployment.reduceUrl}/reduce`, json(body)));

    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(message);
  });
});

describe('coordinator API', () => {
  const url = (path: string): string => `${target.deployment.coordinatorUrl}${path}`;

  it.each<[string, string, RequestInit | undefined, number, string, RegExp]>([
    ['a job without input', '/jobs', json({}), 400, 'INVALID_REQUEST', /missing field input/],
    [
      'a missing object',
      '/jobs',
      json({ input: { bucket: 'api', key: 'texts/none.txt' } }),
      404,
      'OBJECT_NOT_FOUND',
      /api\/texts\/none\.txt not found/,
    ],
    [
      'a missing bucket',
      '/jobs',
      json({ input: { bucket: 'missing-bucket', key: 'a.txt' } }),
      404,
      'BUCKET_NOT_FOUND',
      /bucket missing-bucket not found/,
    ],
    [
      'a bucket not allowed',
      '/jobs',
      json({ input: { bucket: 'other', key: 'a.txt' } }),
      403,
      'BUCKET_NOT_ALLOWED',
      /allowed input buckets: api, missing-bucket/,
    ],
    [
      'too many partitions',
      '/jobs',
      json({ input: { bucket: 'api', key: 'texts/a.txt' }, options: { partitions: 70000 } }),
      400,
      'INVALID_REQUEST',
      /invalid options\.partitions 70000/,
    ],
    [
      'an unknown job',
      '/jobs/no-such-job',
      undefined,
      404,
      'JOB_NOT_FOUND',
      /job no-such-job not found/,
    ],
    [
      'advancing an unknown job',
      '/jobs/no-such-job/advance',
      { method: 'POST' },
      404,
      'JOB_NOT_FOUND',
      /job no-such-job not found/,
    ],
    [
      'an invalid job id',
      '/jobs/Bad.ID',
      undefined,
      400,
      'INVALID_REQUEST',
      /invalid jobId "Bad\.ID"/,
    ],
    [
      'a bad budget',
      '/jobs?budget=-3',
      json({ input: { bucket: 'api', key: 'texts/a.txt' } }),
      400,
      'INVALID_REQUEST',
      /invalid budget "-3"/,
    ],
  ])('rejects %s', async (_name, path, init, status, code, message) => {
    const error = await errorOf(await fetch(url(path), init));

    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
  });

  it.each<[string, Record<string, number>, RegExp]>([
    [
      'too many ranges',
      { safeSize: 1 },
      /makes 200000 ranges .* more than the maximum 100000 per job; set options\.safeSize to at least 2/,
    ],
    [
      'too many blocks',
      { safeSize: 500, partitions: 65536 },
      /400 ranges × 65536 partitions make 26214400 blocks, more than the maximum 16777216/,
    ],
  ])('rejects a plan with %s', async (_name, options, message) => {
    await target.store.put(target.bucket, 'texts/big.txt', new Uint8Array(200_000).fill(0x61));
    const error = await errorOf(
      await fetch(
        url('/jobs?wait=false'),
        json({ input: { bucket: 'api', key: 'texts/big.txt' }, options }),
      ),
    );

    expect(error.status).toBe(400);
    expect(error.code).toBe('INVALID_REQUEST');
    expect(error.message).toMatch(message);
  });

  it.each<[string, string, RequestInit | undefined, number, string]>([
    ['a malformed path', '/jobs/%ZZ', undefined, 400, 'MALFORMED_MESSAGE'],
    [
      'a body that is not gzip',
      '/jobs',
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
        body: '{}',
      },
      400,
      'MALFORMED_MESSAGE',
    ],
    [
      'a field named like a built-in',
      '/jobs',
      json({ constructor: 1, input: { bucket: 'api', key: 'texts/a.txt' } }),
      400,
      'MALFORMED_MESSAGE',
    ],
    [
      'an empty protobuf body',
      '/jobs',
      { method: 'POST', headers: { 'content-type': 'application/x-protobuf' } },
      400,
      'INVALID_REQUEST',
    ],
    [
      'an unknown result format',
      '/jobs/api-job/result?format=xml',
      undefined,
      400,
      'INVALID_REQUEST',
    ],
  ])('answers 4xx for %s', async (_name, path, init, status, code) => {
    const error = await errorOf(await fetch(url(path), init));

    expect(error.status).toBe(status);
    expect(error.code).toBe(code);
  });

  it('answers JOB_FAILED for the result of a failed job', async () => {
    await target.store.put(
      target.bucket,
      'texts/changing.txt',
      new TextEncoder().encode('first version'),
    );
    await fetch(
      url('/jobs?wait=false'),
      json({ jobId: 'changed', input: { bucket: 'api', key: 'texts/changing.txt' } }),
    );
    await target.store.put(
      target.bucket,
      'texts/changing.txt',
      new TextEncoder().encode('second version!'),
    );

    const status = (await (
      await fetch(url('/jobs/changed/advance'), { method: 'POST' })
    ).json()) as {
      phase: string;
      failure: { code: string };
    };
    const error = await errorOf(await fetch(url('/jobs/changed/result')));

    expect(status.phase).toBe('PHASE_FAILED');
    expect(status.failure.code).toBe('INPUT_CHANGED');
    expect(error.status).toBe(409);
    expect(error.code).toBe('JOB_FAILED');
    expect(error.retryable).toBe(false);
  });

  it('answers 409 for the result of a job not done', async () => {
    const submitted = await fetch(
      url('/jobs?wait=false'),
      json({ jobId: 'not-done', input: { bucket: 'api', key: 'texts/a.txt' } }),
    );
    const error = await errorOf(await fetch(url('/jobs/not-done/result')));

    expect(submitted.status).toBe(202);
    expect(error.status).toBe(409);
    expect(error.code).toBe('JOB_NOT_DONE');
  });

  it('rejects a job id taken by another input', async () => {
    await target.store.put(target.bucket, 'texts/b.txt', new TextEncoder().encode('b'));
    await fetch(
      url('/jobs?wait=false'),
      json({ jobId: 'taken', input: { bucket: 'api', key: 'texts/a.txt' } }),
    );
    const error = await errorOf(
      await fetch(
        url('/jobs'),
        json({ jobId: 'taken', input: { bucket: 'api', key: 'texts/b.txt' } }),
      ),
    );

    expect(error.status).toBe(409);
    expect(error.code).toBe('JOB_CONFLICT');
    expect(error.message).toMatch(
      /job taken already counts api\/texts\/a\.txt, not api\/texts\/b\.txt/,
    );
  });

  it('continues the same job when resubmitted', async () => {
    const request = {
      jobId: '',
      input: { bucket: 'api', key: 'texts/a.txt', etag: '', size: 0 },
      options: undefined,
    };
    const first = await runJob(target.client, request, () => undefined);
    const receipts = await target.store.stat(target.bucket, keys.mapReceipt(first.jobId, 0));

    const again = await runJob(target.client, request, () => undefined);

    expect(again.jobId).toBe(first.jobId);
    expect(again.totalWords).toBe(6);
    expect((await target.store.stat(target.bucket, keys.mapReceipt(first.jobId, 0))).etag).toBe(
      receipts.etag,
    );
  });

  it('reports progress and the result', async () => {
    const status = await runJob(
      target.client,
      { jobId: 'progress', input: { bucket: 'api', key: 'texts/a.txt', etag: '', size: 0 } },
      () => undefined,
    );
    const tsv = await fetch(url('/jobs/progress/result?top=2'));
    const jsonResult = await (await fetch(url('/jobs/progress/result?format=json'))).json();

    expect(status.rangesDone).toBe(status.rangesTotal);
    expect(status.instances).toBeGreaterThanOrEqual(2);
    expect(status.stages.map((stage) => stage.stage)).toEqual(['map', 'reduce']);
    const summary = JSON.parse(
      Buffer.from(await target.store.get(target.bucket, keys.summary('progress'))).toString('utf8'),
    ) as { phase: string; totalWords: number };
    expect(summary.phase).toBe('PHASE_DONE');
    expect(summary.totalWords).toBe(6);
    expect(await tsv.text()).toBe('three\t3\ntwo\t2\n');
    expect(jsonResult).toEqual({
      totalWords: 6,
      distinctWords: 3,
      words: [
        ['three', 3],
        ['two', 2],
        ['one', 1],
      ],
    });
  });
});

describe('function process', () => {
  it('answers a request in flight on SIGTERM, then exits 0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wordcount-drain-'));
    const store = (await import('../../functions/store/directory-store.js')).DirectoryStore;
    const directory = new store(root);
    await directory.makeBucket('drain');
    const big = new TextEncoder().encode('alpha beta gamma delta\n'.repeat(3_000_000));
    await directory.put('drain', 'big.txt', big);
    const bigEtag = (await directory.stat('drain', 'big.txt')).etag;
    const input = { bucket: 'drain', key: 'big.txt', etag: bigEtag, size: big.length };
    await storeOneRangeJob(directory, 'drain', 'drain', input, 4);

    const child = fork(join(PACKAGE_ROOT, 'dist', 'functions', 'map', 'main.js'), [], {
      env: { ...process.env, WORDCOUNT_STORE: `file://${root}/drain`, PORT: '0' },
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
    });
    const port = await new Promise<number>((resolve) =>
      child.on('message', (message: { port: number }) => resolve(message.port)),
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    const task: MapTask = {
      jobId: 'drain',
      chunk: 0,
      attempt: 1,
      input: { bucket: 'drain', key: 'big.txt', etag: bigEtag, size: big.length },
      range: { start: 0, end: big.length },
      partitions: 4,
      output: { bucket: 'drain', key: keys.mapOutput('drain', 0), etag: '', size: 0 },
      receipt: { bucket: 'drain', key: keys.mapReceipt('drain', 0), etag: '', size: 0 },
      checkpoint: undefined,
    };
    const response = fetch(`http://127.0.0.1:${port}/map`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(encodeMessage('MapTask', task)),
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    child.kill('SIGTERM');

    const answered = await response;
    const receipt = (await answered.json()) as { words: number };
    expect(answered.status).toBe(200);
    expect(receipt.words).toBe(12_000_000);
    expect(await exited).toBe(0);
  });
});
