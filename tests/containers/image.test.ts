import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { encodeMessage } from '../../functions/state/codec.js';
import { keys } from '../../functions/state/keys.js';
import type { MapTask } from '../../functions/state/messages.js';
import { DirectoryStore } from '../../functions/store/directory-store.js';
import {
  buildImage,
  describeWithDocker,
  docker,
  publishedUrl,
  waitForHttp,
} from '../support/docker.js';
import { storeOneRangeJob } from '../support/job-record.js';

const IMAGE = 'dev.local/wordcount:test';
const started: string[] = [];

/** Starts a function container with a read-only root file system and the store folder mounted. */
function runFunction(
  role: string,
  dataDir: string,
  env: string[] = [],
): { id: string; url: string } {
  const id = docker([
    'run',
    '--detach',
    '--read-only',
    '--publish',
    '127.0.0.1::8080',
    '--volume',
    `${dataDir}:/data`,
    '--env',
    'WORDCOUNT_STORE=file:///data/wordcount',
    ...env.flatMap((variable) => ['--env', variable]),
    IMAGE,
    role,
  ]);
  started.push(id);
  return { id, url: publishedUrl(id, 8080) };
}

describeWithDocker('container image', () => {
  let dataDir: string;

  beforeAll(() => {
    buildImage(IMAGE);
    dataDir = mkdtempSync(join(tmpdir(), 'wordcount-image-'));
    mkdirSync(join(dataDir, 'wordcount'));
    chmodSync(dataDir, 0o777);
    chmodSync(join(dataDir, 'wordcount'), 0o777);
  }, 600_000);

  afterAll(() => {
    for (const id of started) docker(['rm', '--force', id]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs as the non-root user 1000', () => {
    expect(docker(['image', 'inspect', IMAGE, '--format', '{{.Config.User}}'])).toBe('1000:1000');
    expect(docker(['run', '--rm', '--read-only', '--entrypoint', 'id', IMAGE, '-u'])).toBe('1000');
  });

  it('runs the command on a read-only root file system', () => {
    writeFileSync(join(dataDir, 'words.txt'), 'to be or not to be');
    chmodSync(join(dataDir, 'words.txt'), 0o644);
    const output = docker([
      'run',
      '--rm',
      '--read-only',
      '--volume',
      `${dataDir}:/data:ro`,
      IMAGE,
      'wordcount',
      '/data/words.txt',
      '--in-process',
      '--top',
      '2',
    ]);

    expect(output).toBe('be\t2\nto\t2');
  });

  it.each(['coordinator', 'map', 'reduce'])(
    'starts the %s function and answers readiness',
    async (role) => {
      const coordinatorEnv = ['MAP_URL=http://map.invalid', 'REDUCE_URL=http://reduce.invalid'];
      const { url } = runFunction(role, dataDir, role === 'coordinator' ? coordinatorEnv : []);
      await waitForHttp(`${url}/readyz`);

      expect((await fetch(`${url}/_/health`)).status).toBe(200);
    },
  );

  it('answers a request in flight on SIGTERM and exits 0', async () => {
    const store = new DirectoryStore(dataDir);
    const text = new TextEncoder().encode('alpha beta gamma delta\n'.repeat(3_000_000));
    await store.put('wordcount', 'big.txt', text);
    // The container's user 1000 writes temporary files and job objects beside the input.
    chmodSync(join(dataDir, '.tmp'), 0o777);
    const etag = (await store.stat('wordcount', 'big.txt')).etag;
    await storeOneRangeJob(
      store,
      'wordcount',
      'drain',
      { bucket: 'wordcount', key: 'big.txt', etag, size: text.length },
      2,
    );
    // Files written here as root must be writable by the container's user 1000.
    execFileSync('chmod', ['-R', 'a+rwX', dataDir]);
    const { id, url } = runFunction('map', dataDir);
    await waitForHttp(`${url}/readyz`);

    const task: MapTask = {
      jobId: 'drain',
      chunk: 0,
      attempt: 1,
      input: { bucket: 'wordcount', key: 'big.txt', etag, size: text.length },
      range: { start: 0, end: text.length },
      partitions: 2,
      output: { bucket: 'wordcount', key: keys.mapOutput('drain', 0), etag: '', size: 0 },
      receipt: { bucket: 'wordcount', key: keys.mapReceipt('drain', 0), etag: '', size: 0 },
      checkpoint: undefined,
    };
    const response = fetch(`${url}/map`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body: Buffer.from(encodeMessage('MapTask', task)),
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    docker(['kill', '--signal', 'SIGTERM', id]);

    const answered = await response;
    expect(answered.status).toBe(200);
    expect(((await answered.json()) as { words: number }).words).toBe(12_000_000);
    docker(['wait', id]);
    expect(docker(['inspect', id, '--format', '{{.State.ExitCode}}'])).toBe('0');
  });
});
