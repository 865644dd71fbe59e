/**
 * The commands of deploy/load-text-job.yaml and deploy/wordcount-job.yaml, run as the image
 * runs them (its ENTRYPOINT with the container's args, `$(VAR)` expanded by the manifest's
 * env) against coordinator, map and reduce processes and a real MinIO server on 127.0.0.1.
 * Only what the cluster provides is replaced: the service addresses, the pod's namespace and
 * the Secret's keys.
 */
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import { CORPORA, TEST_CACHE, runNodeScript } from '../support/cli.js';
import { startTestDeployment, type TestDeployment } from '../support/deployment.js';
import {
  containerEnv,
  expandReferences,
  manifests,
  type Container,
} from '../support/kube-manifests.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

/** The image's entry point script, from the Dockerfile's ENTRYPOINT, in this checkout's dist/. */
const ENTRYPOINT = (() => {
  const dockerfile = readFileSync(join(PACKAGE_ROOT, 'Dockerfile'), 'utf8');
  const entrypoint = JSON.parse(/^ENTRYPOINT (.+)$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
  return entrypoint[1].replace(/^\/app\//, `${PACKAGE_ROOT}/`);
})();

const OBJECT = 's3://wordcount/books/shakespeare.txt';
const JOB_ID = 'shakespeare-job';

let minio: MinioServer;
let deployment: TestDeployment;
let texts: string;

function jobContainer(file: string): Container {
  const job = manifests(readFileSync(join(PACKAGE_ROOT, 'deploy', file), 'utf8'))[0];
  return (job.spec as { template: { spec: { containers: Container[] } } }).template.spec
    .containers[0];
}

/**
 * Returns the container's command line and environment. `overrides` are the values that
 * kubectl set env or the cluster's DNS would give, and `mounts` maps mount paths to folders.
 */
function containerCommand(
  file: string,
  overrides: Record<string, string>,
  mounts: Record<string, string> = {},
): { args: string[]; env: Record<string, string> } {
  const container = jobContainer(file);
  const env = containerEnv(
    container,
    {
      POD_NAMESPACE: 'wordcount',
      AWS_ACCESS_KEY_ID: minio.accessKey,
      AWS_SECRET_ACCESS_KEY: minio.secretKey,
    },
    overrides,
  );
  const args = (container.args ?? []).map((arg) => {
    let expanded = expandReferences(arg, env);
    for (const [mountPath, folder] of Object.entries(mounts)) {
      if (expanded.startsWith(`${mountPath}/`))
        expanded = folder + expanded.slice(mountPath.length);
    }
    return expanded;
  });
  return { args, env };
}

function workflowCommand(
  object: string,
  jobId: string,
): { args: string[]; env: Record<string, string> } {
  return containerCommand('wordcount-job.yaml', {
    INPUT_OBJECT: object,
    JOB_ID: jobId,
    COORDINATOR_URL: deployment.deployment.coordinatorUrl,
  });
}

beforeAll(async () => {
  minio = await startMinio();
  // A map rate of 500 B/s makes SafeSize 500 × (30 s − 10 s) × 0.5 = 5,000 bytes, so the
  // text is split into 224 ranges and a job can be stopped halfway.
  deployment = await startTestDeployment('minio', minio, {
    bucket: 'wordcount',
    env: { INITIAL_MAP_BYTES_PER_SECOND: '500' },
  });
  texts = mkdtempSync(join(tmpdir(), 'wordcount-texts-'));
  copyFileSync(join(CORPORA, 'tinyshakespeare.txt'), join(texts, 'shakespeare.txt'));
}, 120_000);

afterAll(async () => {
  await deployment?.stop();
  await minio?.stop();
});

describe('loader Job command', () => {
  it('stores the text from the node folder', async () => {
    const { args, env } = containerCommand(
      'load-text-job.yaml',
      { TEXT_FILE: 'shakespeare.txt', INPUT_OBJECT: OBJECT, AWS_ENDPOINT_URL: minio.endpoint },
      { '/texts': texts },
    );
    const result = await runNodeScript(ENTRYPOINT, args, env);

    expect(result.stderr).toMatch(
      /stored .*shakespeare\.txt as s3:\/\/wordcount\/books\/shakespeare\.txt \(1,115,394 bytes, ETag \w+\)/,
    );
    expect(result.code).toBe(0);
    expect((await deployment.store.stat('wordcount', 'books/shakespeare.txt')).size).toBe(
      1_115_394,
    );
  });
});

describe('workflow Job command', () => {
  it('continues its job id after a stopped pod', async () => {
    const { args, env } = workflowCommand(OBJECT, JOB_ID);
    const first = spawn(process.execPath, [ENTRYPOINT, ...args], {
      env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    first.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => first.once('exit', resolve));
    while (!/mapping, [1-9][\d,]*\//.test(stderr) && first.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    first.kill('SIGTERM');
    const firstCode = await exited;

    const retry = await runNodeScript(ENTRYPOINT, args, env);
    const jobIds = new Set<string>();
    for await (const item of deployment.store.list('wordcount', 'jobs/')) {
      jobIds.add(item.key.split('/')[1]);
    }

    expect(firstCode).toBe(143);
    // The retry starts with ranges already done; on a fast machine the first pod may have
    // mapped them all before it stopped.
    expect(retry.stderr.split('\n')[0]).toMatch(
      new RegExp(`^wordcount: job ${JOB_ID}: (mapping|reducing|done), [1-9][\\d,]*/[\\d,]+ ranges`),
    );
    expect(retry.code).toBe(0);
    expect([...jobIds]).toEqual([JOB_ID]);
  }, 120_000);

  it('prints the top words and the summary', async () => {
    const { args, env } = workflowCommand(OBJECT, JOB_ID);
    const result = await runNodeScript(ENTRYPOINT, args, env);
    const words = result.stdout.split('\n').filter((line) => line !== '');

    expect(result.code).toBe(0);
    expect(words).toHaveLength(25);
    expect(words.slice(0, 3)).toEqual(['the\t6287', 'and\t5690', 'to\t4902']);
    expect(result.stderr).toMatch(
      /wordcount: s3:\/\/wordcount\/books\/shakespeare\.txt: 1,115,394 bytes in [\d,]+ ranges, 203,863 words, 12,374 distinct/,
    );
  }, 60_000);

  it('exits 2 for a missing object', async () => {
    const { args, env } = workflowCommand('s3://wordcount/books/missing.txt', 'missing');
    const result = await runNodeScript(ENTRYPOINT, args, env);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^wordcount: coordinator at http:\/\/127\.0\.0\.1:\d+: object wordcount\/books\/missing\.txt not found .*\(OBJECT_NOT_FOUND\)\n$/,
    );
  });
});
