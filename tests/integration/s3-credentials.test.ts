import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  startLocalDeployment,
  type LocalDeployment,
} from '../../functions/cli/local-deployment.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { keys } from '../../functions/state/keys.js';
import { CORPORA, runCli } from '../support/cli.js';
import { minioSettings } from '../support/deployment.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

let minio: MinioServer;
let deployment: LocalDeployment;
let etag: string;

beforeAll(async () => {
  minio = await startMinio();
  const store = new S3Store({
    endpoint: minio.endpoint,
    accessKey: minio.accessKey,
    secretKey: minio.secretKey,
  });
  await store.makeBucket('creds');
  await store.put('creds', 'a.txt', new TextEncoder().encode('some words here'));
  etag = (await store.stat('creds', 'a.txt')).etag;
  deployment = await startLocalDeployment({
    storeUrl: 's3://creds',
    s3: { ...minioSettings(minio), secretKey: 'not-the-secret' },
    functionTimeoutSeconds: 30,
    concurrency: 1,
    port: 0,
    logs: { file: join(mkdtempSync(join(tmpdir(), 'wordcount-logs-')), 'functions.log') },
  });
});

afterAll(async () => {
  await deployment?.stop();
  await minio?.stop();
});

describe('rejected store credentials', () => {
  it('are a server fault that says not to retry, in the map function', async () => {
    const response = await fetch(`${deployment.mapUrl}/map`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        jobId: 'creds',
        attempt: 1,
        input: { bucket: 'creds', key: 'a.txt', etag, size: 15 },
        range: { start: 0, end: 15 },
        partitions: 1,
        output: { bucket: 'creds', key: keys.mapOutput('creds', 0) },
        receipt: { bucket: 'creds', key: keys.mapReceipt('creds', 0) },
      }),
    });
    const body = (await response.json()) as { code: string; message: string; retryable: boolean };

    expect(response.status).toBe(502);
    expect(body.code).toBe('STORE_AUTH_FAILED');
    expect(body.retryable).toBe(false);
    expect(body.message).toMatch(
      new RegExp(`S3 endpoint ${minio.endpoint} rejected the credentials`),
    );
    expect(body.message).not.toMatch(/not-the-secret/);
  });

  it('are a server fault in the coordinator', async () => {
    const response = await fetch(`${deployment.coordinatorUrl}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ input: { bucket: 'creds', key: 'a.txt' } }),
    });
    const body = (await response.json()) as { code: string; retryable: boolean };

    expect(response.status).toBe(502);
    expect(body.code).toBe('STORE_AUTH_FAILED');
    expect(body.retryable).toBe(false);
  });

  it('make the command exit 2 with one line naming the endpoint', async () => {
    const { code, stdout, stderr } = await runCli([
      join(CORPORA, 'tinyshakespeare.txt'),
      '--store',
      's3://creds',
      '--endpoint',
      minio.endpoint,
      '--access-key',
      minio.accessKey,
      '--secret-key',
      'not-the-secret',
    ]);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `wordcount: S3 endpoint ${minio.endpoint} rejected the credentials or denied access; check AWS_ACCESS_KEY_ID, ` +
        'AWS_SECRET_ACCESS_KEY and the bucket policy (do not retry)\n',
    );
  });
});

describe('wordcount with a MinIO store', () => {
  it('counts a book with credentials from the environment', async () => {
    const { code, stdout, stderr } = await runCli(
      [join(CORPORA, 'tinyshakespeare.txt'), '--store', 's3://books', '--top', '5', '--json'],
      {
        AWS_ENDPOINT_URL: minio.endpoint,
        AWS_ACCESS_KEY_ID: minio.accessKey,
        AWS_SECRET_ACCESS_KEY: minio.secretKey,
        AWS_REGION: 'us-east-1',
      },
    );

    expect(stderr).toMatch(/1,115,394 bytes in \d+ ranges?, 203,863 words, 12,374 distinct/);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      totalWords: 203_863,
      distinctWords: 12_374,
      words: [
        ['the', 6287],
        ['and', 5690],
        ['to', 4902],
        ['i', 4664],
        ['of', 3759],
      ],
    });
  });
});
