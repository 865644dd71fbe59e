/**
 * The whole workflow on a large stored input, through the local functions, against the
 * project's single-process count of the same file from local disk. The input is stored, once
 * in MinIO and once in a folder store, and the local deployment is started before timing.
 * So a ratio is the cost of the serverless design itself: ranged reads, protobuf state in
 * the store, HTTP calls and the reduce stage.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { CoordinatorClient } from '../../dist/functions/cli/coordinator-client.js';
import { startLocalDeployment } from '../../dist/functions/cli/local-deployment.js';
import { runJob } from '../../dist/functions/cli/run-job.js';
import { keys } from '../../dist/functions/state/keys.js';
import { readStored } from '../../dist/functions/state/stored.js';
import { openStore } from '../../dist/functions/store/open-store.js';
import { startMinio } from './minio.mjs';

/** Copies of the English book in the input: about 330 MB. */
const COPIES = 100;
/**
 * Runs of the single-process count and jobs per store; the best time counts. The first job
 * of a store also plans with the default map rate, because no rate was measured there yet.
 */
const RUNS = 2;
const BUCKET = 'wordcount';
const KEY = 'bench/war-and-peace-x100.txt';

/** Measures the workflow with MinIO and with a folder store against `--in-process`. */
export async function measureWorkflow({ root, scratch, book, report }) {
  const file = join(scratch, 'war-and-peace-x100.txt');
  writeCopies(file, book, COPIES);
  const size = book.length * COPIES;
  const megabytes = (size / 1e6).toFixed(0);

  try {
    const baselines = Array.from({ length: RUNS }, () => countInProcess(root, scratch, file));
    const baseline = baselines.reduce((a, b) => (b.seconds < a.seconds ? b : a));
    report(
      `| \`wordcount FILE --in-process\` on ${megabytes} MB from local disk | ${baseline.seconds.toFixed(2)} s counting (runs: ${baselines.map((run) => run.seconds.toFixed(2)).join(', ')} s; ${baseline.wallSeconds.toFixed(2)} s with Node.js start-up), ${(size / 1e6 / baseline.seconds).toFixed(1)} MB/s on one core |`,
    );

    const minio = await startMinio(root, scratch);
    try {
      const s3 = {
        endpoint: minio.endpoint,
        accessKey: minio.accessKey,
        secretKey: minio.secretKey,
      };
      const target = openStore(`s3://${BUCKET}`, s3);
      await target.store.makeBucket(BUCKET);
      const uploadStarted = performance.now();
      await target.store.putFile(BUCKET, KEY, file);
      const uploadSeconds = (performance.now() - uploadStarted) / 1000;
      const measured = await timeWorkflow(scratch, 'minio', { url: target.url, s3 }, baseline);
      reportWorkflow(report, `MinIO (stored in ${uploadSeconds.toFixed(2)} s, not timed)`, {
        measured,
        baseline,
        megabytes,
      });
    } finally {
      await minio.stop();
    }

    const folder = join(scratch, 'folder-store', BUCKET);
    mkdirSync(join(folder, 'bench'), { recursive: true });
    copyFileSync(file, join(folder, KEY));
    const measured = await timeWorkflow(
      scratch,
      'folder',
      { url: `file://${folder}`, s3: {} },
      baseline,
    );
    reportWorkflow(report, 'folder store', { measured, baseline, megabytes });
  } finally {
    rmSync(file, { force: true });
    rmSync(join(scratch, 'minio'), { recursive: true, force: true });
    rmSync(join(scratch, 'folder-store'), { recursive: true, force: true });
  }
}

function writeCopies(file, book, copies) {
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < copies; i++) writeSync(fd, book);
  } finally {
    closeSync(fd);
  }
}

/**
 * Runs `wordcount FILE --in-process --json` and returns its result with the counting time
 * that the command reports (without Node.js start-up) and the wall time of the process.
 */
function countInProcess(root, scratch, file) {
  const cli = join(root, 'dist', 'functions', 'cli', 'main.js');
  const started = performance.now();
  const child = spawnSync(process.execPath, [cli, file, '--in-process', '--json'], {
    env: { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache') },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) {
    throw new Error(
      `wordcount ${file} --in-process failed with code ${child.status}: ${child.stderr}`,
    );
  }
  const match = / ([\d.]+) s \(in process\)/.exec(child.stderr);
  if (match === null) {
    throw new Error(`wordcount --in-process printed no time in its summary: ${child.stderr}`);
  }
  return { result: JSON.parse(child.stdout), seconds: Number(match[1]), wallSeconds };
}

/**
 * Starts the local deployment on `store`, runs RUNS jobs over the stored input, each timed
 * from submit to result, and checks every result against the single-process one.
 */
async function timeWorkflow(scratch, name, store, baseline) {
  const concurrency = availableParallelism();
  const startupStarted = performance.now();
  const deployment = await startLocalDeployment({
    storeUrl: store.url,
    s3: store.s3,
    functionTimeoutSeconds: 300,
    concurrency,
    port: 0,
    logs: { file: join(scratch, 'logs', `${name}.log`) },
  });
  const startupSeconds = (performance.now() - startupStarted) / 1000;
  const client = new CoordinatorClient(deployment.coordinatorUrl);
  const runs = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      // A job id of its own per run: a job without one is identified by its input and options,
      // so the coordinator would return the finished job instead of running it again.
      const jobId = `bench-${name}-${process.pid}-${run}`;
      runs.push(await timeJob(client, openStore(store.url, store.s3).store, baseline, name, jobId));
    }
  } finally {
    await client.close();
    await deployment.stop();
  }
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  // The local deployment runs this many worker processes behind the map port.
  const mapWorkers = Math.max(1, Math.min(concurrency, availableParallelism()));
  return { ...best, startupSeconds, mapWorkers, allSeconds: runs.map((run) => run.seconds) };
}

async function timeJob(client, store, baseline, name, jobId) {
  const started = performance.now();
  const status = await runJob(
    client,
    {
      jobId,
      input: { bucket: BUCKET, key: KEY, etag: '', size: 0 },
      options: { safeSize: 0, partitions: 0, concurrency: 0 },
    },
    () => undefined,
  );
  const seconds = (performance.now() - started) / 1000;
  if (status.failure !== undefined) {
    throw new Error(`the ${name} workflow job ${status.jobId} failed: ${status.failure.message}`);
  }

  const result = await client.resultJson(status.jobId);
  checkExact(name, status.jobId, result, baseline.result);
  const maps = await readMapReceipts(store, status);
  const mapStage = status.stages.find((stage) => stage.stage === 'map');
  const parallelism = maps.seconds / Math.max(mapStage?.seconds ?? 0, 1e-6);
  checkParallel(name, status, maps.instances);
  return { seconds, status, mapInstances: maps.instances, parallelism };
}

/** @throws Error when the workflow's result differs from the single-process result. */
function checkExact(name, jobId, result, expected) {
  const problems = [];
  if (result.totalWords !== expected.totalWords) {
    problems.push(`total words ${result.totalWords}, in process ${expected.totalWords}`);
  }
  if (result.distinctWords !== expected.distinctWords) {
    problems.push(`distinct words ${result.distinctWords}, in process ${expected.distinctWords}`);
  }
  if (JSON.stringify(result.words) !== JSON.stringify(expected.words)) {
    const at = result.words.findIndex(
      (entry, i) => JSON.stringify(entry) !== JSON.stringify(expected.words[i]),
    );
    problems.push(
      `word list differs at line ${at + 1}: ${JSON.stringify(result.words[at])}, in process ${JSON.stringify(expected.words[at])}`,
    );
  }
  if (problems.length > 0) {
    throw new Error(`the ${name} workflow job ${jobId} is not exact: ${problems.join('; ')}`);
  }
}

/** Returns the distinct map instances and the summed map seconds from the job's receipts. */
async function readMapReceipts(store, status) {
  const instances = new Set();
  let seconds = 0;
  for (let chunk = 0; chunk < status.rangesTotal; chunk++) {
    const receipt = await readStored(
      store,
      BUCKET,
      keys.mapReceipt(status.jobId, chunk),
      'MapReceipt',
    );
    if (receipt === undefined) {
      throw new Error(`job ${status.jobId} is done but has no receipt for map chunk ${chunk}`);
    }
    instances.add(receipt.instanceId);
    seconds += receipt.durationSeconds;
  }
  return { instances: instances.size, seconds };
}

/** @throws Error when the job could not use two cores although the machine has them. */
function checkParallel(name, status, mapInstances) {
  const expected = Math.min(2, availableParallelism());
  const concurrency = status.plan?.concurrency ?? 0;
  if (concurrency < expected || status.rangesTotal < expected || mapInstances < expected) {
    throw new Error(
      `the ${name} workflow job ${status.jobId} ran with concurrency ${concurrency}, ${status.rangesTotal} ranges and ${mapInstances} map instances; expected at least ${expected} of each to use the machine's cores`,
    );
  }
}

function reportWorkflow(report, storeName, { measured, baseline, megabytes }) {
  const { status } = measured;
  const stages = status.stages
    .map((stage) => `${stage.stage} ${stage.seconds.toFixed(2)} s`)
    .join(', ');
  report(
    `| workflow on ${megabytes} MB stored in ${storeName}, local functions, submit to result | ` +
      `${measured.seconds.toFixed(2)} s (runs: ${measured.allSeconds.map((s) => s.toFixed(2)).join(', ')} s), ` +
      `**${(measured.seconds / baseline.seconds).toFixed(2)}× in process**; exact; ` +
      `concurrency ${status.plan?.concurrency}, ${status.rangesTotal} ranges, ` +
      `${measured.mapInstances} map instances of ${measured.mapWorkers} map workers (map parallelism ${measured.parallelism.toFixed(2)}), ` +
      `${status.instances} instances in all; ${stages}; start-up ${measured.startupSeconds.toFixed(2)} s, not timed |`,
  );
}
