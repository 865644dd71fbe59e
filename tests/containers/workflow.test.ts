/**
 * The deployed pieces in real containers: MinIO built from the Go-built server, the
 * coordinator, reduce and three map containers on one Docker network, each configured with
 * the environment that the Helm chart renders. The map containers share the network alias
 * `map`, so Docker's DNS spreads calls over them like a Kubernetes Service does. Texts are
 * stored and jobs submitted by the command's client mode, from containers too.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CoordinatorClient } from '../../functions/cli/coordinator-client.js';
import { Phase } from '../../functions/state/messages.js';
import { chartEnvironment, type ChartEnvironment } from '../support/chart-env.js';
import { CORPORA } from '../support/cli.js';
import { WAR_AND_PEACE } from '../support/corpora.js';
import {
  DOCKER,
  DockerResources,
  buildImage,
  buildMinioImage,
  describeWithDocker,
  docker,
  dockerAsync,
  publishedUrl,
  waitForHttp,
} from '../support/docker.js';
import { referenceCount } from '../support/reference-count.js';

/**
 * Small enough for about 400 map tasks on the 3.3 MB text, so the map stage lasts seconds
 * (4 s on two cores) and a container can be stopped well inside it.
 */
const SAFE_SIZE = '8KiB';
const OBJECT = `s3://wordcount/books/${WAR_AND_PEACE.file}`;
const COORDINATOR = 'http://coordinator:8080';
/** The chart's securityContext as docker run options: no capabilities, read-only root. */
const HARDENING = ['--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges'];

interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface JsonResult {
  totalWords: number;
  distinctWords: number;
  words: [string, number][];
}

const resources = new DockerResources();
let image: string;
let network: string;
let chart: ChartEnvironment;
let coordinator: string;
let statusClient: CoordinatorClient;
const maps: string[] = [];

const envArgs = (env: Record<string, string>): string[] =>
  Object.entries(env).flatMap(([name, value]) => ['--env', `${name}=${value}`]);

/** Returns the chart's environment of `container`, with in-cluster URLs replaced by network aliases. */
function containerEnv(container: string): Record<string, string> {
  const aliases: Record<string, string> = {
    [chart.urls.minio]: 'http://minio:9000',
    [chart.urls.map]: 'http://map:8080',
    [chart.urls.reduce]: 'http://reduce:8080',
  };
  return Object.fromEntries(
    Object.entries(chart.containers[container].env).map(([name, value]) => [
      name,
      aliases[value] ?? value,
    ]),
  );
}

/** Returns the store endpoint and credentials that the functions get, for `wordcount upload`. */
function storeEnv(): Record<string, string> {
  const env = containerEnv('coordinator');
  const names = ['AWS_ENDPOINT_URL', 'AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
  return Object.fromEntries(names.map((name) => [name, env[name]]));
}

/** Starts function `role` under `alias` and returns the container name once it is ready. */
async function startFunction(role: string, suffix: string, alias: string): Promise<string> {
  const name = resources.run(suffix, [
    '--network',
    network,
    '--network-alias',
    alias,
    '--publish',
    '127.0.0.1::8080',
    ...HARDENING,
    ...envArgs(containerEnv(role)),
    image,
    role,
  ]);
  await waitForHttp(`${publishedUrl(name, 8080)}/readyz`);
  return name;
}

/** Runs the image's `wordcount` command with `args` in a new container on the network. */
function runCommand(
  suffix: string,
  args: readonly string[],
  options: { env?: Record<string, string>; mounts?: string[] } = {},
): Promise<ClientRun> {
  const child = spawn(
    DOCKER,
    [
      'run',
      '--rm',
      '--name',
      resources.name(suffix),
      '--network',
      network,
      ...HARDENING,
      ...(options.mounts ?? []).flatMap((mount) => ['--volume', mount]),
      ...envArgs(options.env ?? {}),
      image,
      'wordcount',
      ...args,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Submits the corpus as job `jobId` with a small SafeSize and waits for the JSON result. */
function submitCorpus(jobId: string): Promise<ClientRun> {
  return runCommand(`submit-${jobId}`, [
    'submit',
    OBJECT,
    '--coordinator',
    COORDINATOR,
    '--job-id',
    jobId,
    '--safe-size',
    SAFE_SIZE,
    '--wait',
    '--json',
  ]);
}

/** Returns how many map tasks of `jobId` the container's log shows as committed. */
async function committedTasks(container: string, jobId: string): Promise<number> {
  const log = await dockerAsync(['logs', container]);
  return log
    .split('\n')
    .filter((line) => line.includes(`"job":"${jobId}"`) && line.includes('map task committed'))
    .length;
}

function expectExactCounts(run: ClientRun, expected: Map<string, number>): void {
  expect(run.code).toBe(0);
  const result = JSON.parse(run.stdout) as JsonResult;
  expect(result.totalWords).toBe(WAR_AND_PEACE.totalWords);
  expect(result.distinctWords).toBe(WAR_AND_PEACE.distinctWords);
  expect(result.words.slice(0, 5)).toEqual(WAR_AND_PEACE.top);
  expect(new Map(result.words)).toEqual(expected);
}

describeWithDocker('workflow in containers', () => {
  let expected: Map<string, number>;

  beforeAll(async () => {
    image = buildImage('dev.local/wordcount:test');
    const minioImage = buildMinioImage('dev.local/minio:test');
    chart = chartEnvironment();
    expected = referenceCount(readFileSync(join(CORPORA, WAR_AND_PEACE.file)));

    network = resources.network('net');
    const minio = chart.containers.minio;
    const minioName = resources.run('minio', [
      '--network',
      network,
      '--network-alias',
      'minio',
      '--publish',
      '127.0.0.1::9000',
      '--volume',
      `${resources.volume('minio-data')}:/data`,
      '--cap-drop',
      'ALL',
      '--security-opt',
      'no-new-privileges',
      ...envArgs(minio.env),
      minioImage,
      ...minio.args,
    ]);
    await waitForHttp(`${publishedUrl(minioName, 9000)}/minio/health/ready`);

    coordinator = await startFunction('coordinator', 'coordinator', 'coordinator');
    statusClient = new CoordinatorClient(publishedUrl(coordinator, 8080), 10);
    await startFunction('reduce', 'reduce', 'reduce');
    for (const suffix of ['map-1', 'map-2', 'map-3'])
      maps.push(await startFunction('map', suffix, 'map'));

    const upload = await runCommand(
      'upload',
      ['upload', `/corpora/${WAR_AND_PEACE.file}`, OBJECT],
      {
        env: storeEnv(),
        mounts: [`${join(CORPORA, WAR_AND_PEACE.file)}:/corpora/${WAR_AND_PEACE.file}:ro`],
      },
    );
    if (upload.code !== 0) throw new Error(`wordcount upload failed: ${upload.stderr}`);
  }, 600_000);

  afterAll(async () => {
    resources.removeAll();
    await statusClient?.close();
  });

  it('counts the text exactly across three map containers', async () => {
    const run = await submitCorpus('containers-full');

    expectExactCounts(run, expected);
    expect(run.stderr).toMatch(
      /s3:\/\/wordcount\/books\/war-and-peace-en\.txt: 3,293,661 bytes in \d{3} ranges, 570,056 words, 18,254 distinct/,
    );
    for (const map of maps) expect(await committedTasks(map, 'containers-full')).toBeGreaterThan(0);
  }, 180_000);

  it.each([
    ['stopped', 'stop', 1],
    ['killed', 'kill', 2],
  ] as const)(
    'finishes exactly when a map container is %s mid-job',
    async (_name, command, victimIndex) => {
      const jobId = `containers-${command}`;
      const victim = maps[victimIndex - 1];
      let settled = false;
      const finished = submitCorpus(jobId).finally(() => (settled = true));

      // The victim goes once it has committed tasks of this job, so it leaves in the middle of it.
      while (!settled && (await committedTasks(victim, jobId)) === 0)
        await new Promise((resolve) => setTimeout(resolve, 50));
      await dockerAsync([command, victim]);
      const afterStop = await statusClient.status(jobId);

      expect(afterStop.phase).toBe(Phase.MAPPING);
      expect(afterStop.rangesDone).toBeLessThan(afterStop.rangesTotal);
      const run = await finished;
      expectExactCounts(run, expected);
      // The coordinator retried the lost calls itself: no advance request failed.
      expect(run.stderr).not.toMatch(/retrying/);
    },
    180_000,
  );

  it('exits 2 with one line naming a missing object', async () => {
    const run = await runCommand('missing', [
      'submit',
      's3://wordcount/books/none.txt',
      '--coordinator',
      COORDINATOR,
      '--wait',
    ]);

    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      `wordcount: coordinator at ${COORDINATOR}: object wordcount/books/none.txt not found in ` +
        'S3 endpoint http://minio:9000; check the bucket and key (OBJECT_NOT_FOUND)\n',
    );
  }, 60_000);

  it('exits 1 with one line naming a stopped coordinator', async () => {
    docker(['stop', coordinator]);
    const run = await runCommand('unreachable', [
      'submit',
      OBJECT,
      '--coordinator',
      COORDINATOR,
      '--wait',
    ]);

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^wordcount: cannot reach the coordinator at http:\/\/coordinator:8080: \S.*\n$/,
    );
    expect(run.stderr.split('\n')).toHaveLength(2);
  }, 60_000);
});
