import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CORPORA, CLI, TEST_CACHE, runCli } from '../support/cli.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

let minio: MinioServer;
let server: ChildProcess;
let coordinator: string;
const env = (): NodeJS.ProcessEnv => ({
  AWS_ENDPOINT_URL: minio.endpoint,
  AWS_ACCESS_KEY_ID: minio.accessKey,
  AWS_SECRET_ACCESS_KEY: minio.secretKey,
});

beforeAll(async () => {
  minio = await startMinio();
  server = spawn(
    process.execPath,
    [CLI, 'serve', '--store', 's3://served', '--port', '0', '--function-timeout', '20'],
    {
      env: { ...process.env, ...env(), XDG_CACHE_HOME: TEST_CACHE },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  coordinator = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    server.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /coordinator {2}(http:\/\/\S+)/.exec(stderr);
      if (match !== null) resolve(match[1]);
    });
    server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${stderr}`)));
  });
  const { S3Store } = await import('../../functions/store/s3-store.js');
  const store = new S3Store({
    endpoint: minio.endpoint,
    accessKey: minio.accessKey,
    secretKey: minio.secretKey,
  });
  await store.putFile('served', 'books/shakespeare.txt', join(CORPORA, 'tinyshakespeare.txt'));
});

afterAll(async () => {
  if (server !== undefined && server.exitCode === null) {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  }
  await minio?.stop();
});

describe('wordcount submit', () => {
  it('counts an object through a running coordinator', async () => {
    const { code, stdout, stderr } = await runCli([
      'submit',
      's3://served/books/shakespeare.txt',
      '--coordinator',
      coordinator,
      '--wait',
      '--top',
      '3',
    ]);

    expect(code).toBe(0);
    expect(stdout).toBe('the\t6287\nand\t5690\nto\t4902\n');
    expect(stderr).toMatch(/wordcount: job j-[0-9a-f]+: mapping, /);
    expect(stderr).toMatch(
      /s3:\/\/served\/books\/shakespeare\.txt: 1,115,394 bytes in \d+ ranges?, 203,863 words, 12,374 distinct/,
    );
  });

  it('stores a text with upload, then counts it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordcount-upload-'));
    writeFileSync(join(dir, 'text.txt'), 'the cat saw the hat\n');
    const stored = await runCli(
      ['upload', join(dir, 'text.txt'), 's3://served/uploads/text.txt'],
      env(),
    );
    const counted = await runCli(
      [
        'submit',
        's3://served/uploads/text.txt',
        '--coordinator',
        coordinator,
        '--wait',
        '--top',
        '1',
      ],
      env(),
    );

    expect(stored.code).toBe(0);
    expect(stored.stderr).toMatch(
      /stored .*text\.txt as s3:\/\/served\/uploads\/text\.txt \(20 bytes, ETag \w+\)/,
    );
    expect(counted.stdout).toBe('the\t2\n');
  });

  it('continues a job by its id', async () => {
    const first = await runCli([
      'submit',
      's3://served/books/shakespeare.txt',
      '--coordinator',
      coordinator,
      '--job-id',
      'shakespeare',
    ]);
    const second = await runCli([
      'submit',
      's3://served/books/shakespeare.txt',
      '--coordinator',
      coordinator,
      '--job-id',
      'shakespeare',
      '--wait',
      '--json',
      '--top',
      '1',
    ]);

    expect(first.stdout).toBe('shakespeare\n');
    expect(JSON.parse(second.stdout)).toEqual({
      totalWords: 203_863,
      distinctWords: 12_374,
      words: [['the', 6287]],
    });
  });

  it('finishes exactly when MinIO restarts during the job', async () => {
    const child = spawn(
      process.execPath,
      [
        CLI,
        'submit',
        's3://served/books/shakespeare.txt',
        '--coordinator',
        coordinator,
        '--wait',
        '--safe-size',
        '2KiB',
        '--job-id',
        'restarted',
        '--json',
        '--top',
        '3',
      ],
      { env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    while (!/mapping, [1-9]\d*\//.test(stderr))
      await new Promise((resolve) => setTimeout(resolve, 50));
    await minio.kill();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await minio.restart();

    expect(await exited).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      totalWords: 203_863,
      distinctWords: 12_374,
      words: [
        ['the', 6287],
        ['and', 5690],
        ['to', 4902],
      ],
    });
  }, 120_000);

  it('exits 2 with one line for a missing object', async () => {
    const { code, stderr } = await runCli([
      'submit',
      's3://served/books/none.txt',
      '--coordinator',
      coordinator,
      '--wait',
    ]);

    expect(code).toBe(2);
    expect(stderr).toBe(
      `wordcount: coordinator at ${coordinator}: object served/books/none.txt not found in S3 endpoint ${minio.endpoint}; check the bucket and key (OBJECT_NOT_FOUND)\n`,
    );
  });

  it('exits 1 with one line when the coordinator is down', async () => {
    const { code, stderr } = await runCli([
      'submit',
      's3://served/books/shakespeare.txt',
      '--coordinator',
      'http://127.0.0.1:9',
      '--wait',
    ]);

    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^wordcount: cannot reach the coordinator at http:\/\/127\.0\.0\.1:9: .*\n$/,
    );
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it.each<[string[], RegExp]>([
    [
      ['submit', 'no-slash', '--coordinator', 'http://x'],
      /invalid object "no-slash": expected s3:\/\/BUCKET\/KEY/,
    ],
    [['submit', 's3://b/k'], /missing --coordinator URL/],
    [['submit', 's3://b/k', '--coordinator', 'not a url'], /invalid --coordinator "not a url"/],
    [
      ['submit', 's3://b/k', '--coordinator', 'http://x', '--in-process'],
      /option --in-process does not apply to wordcount submit/,
    ],
  ])('exits 2 on %j', async (args, message) => {
    const { code, stderr } = await runCli(args);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });
});

describe('wordcount plan', () => {
  it('prints the SafeSize inputs and the ranges', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'wordcount-plan-'));
    const args = ['plan', join(CORPORA, 'war-and-peace-en.txt'), '--function-timeout', '60'];
    const { code, stdout } = await runCli([...args, '--concurrency', '2'], {
      XDG_CACHE_HOME: cache,
    });

    expect(code).toBe(0);
    expect(stdout).toMatch(/timeout T +60 s/);
    expect(stdout).toMatch(/map rate +20\.0 MB\/s \(the configured initial rate/);
    expect(stdout).toMatch(/SafeSize +500,000,000 bytes = rate × \(T − reserve\) × factor/);
    expect(stdout).toMatch(/ranges +1\n +0 +\[0, 3293661\) +3\.3 MB\n$/);
  });

  it('prints the plan as JSON with a SafeSize override', async () => {
    const { code, stdout } = await runCli([
      'plan',
      join(CORPORA, 'war-and-peace-en.txt'),
      '--safe-size',
      '1MiB',
      '--json',
    ]);
    const plan = JSON.parse(stdout) as {
      plan: { safeSize: number; rateSource: string };
      ranges: unknown[];
    };

    expect(code).toBe(0);
    expect(plan.plan.safeSize).toBe(1024 * 1024);
    expect(plan.plan.rateSource).toBe('override');
    expect(plan.ranges).toHaveLength(4);
  });

  it('counts a file named like a subcommand when given as ./plan', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordcount-named-'));
    writeFileSync(join(dir, 'plan'), 'plan a plan');
    const { code, stdout } = await runCli(['./plan', '--in-process'], {}, dir);

    expect(code).toBe(0);
    expect(stdout).toBe('plan\t2\na\t1\n');
  });
});
