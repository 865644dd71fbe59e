/**
 * Where a map request's time goes, for ranges of 1 MiB and 64 MiB stored in MinIO. Three
 * timings: the request through the local map function's HTTP port, the same task run in
 * this process by the map function's own code, and each step of that task on its own (plan
 * check, receipt check, ranged GETs, counting, normalizing, encoding with DEFLATE, PUTs).
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

import { CoordinatorClient } from '../../dist/functions/cli/coordinator-client.js';
import { startLocalDeployment } from '../../dist/functions/cli/local-deployment.js';
import { CountMap } from '../../dist/functions/counting/count-map.js';
import { addTableTo } from '../../dist/functions/counting/normalize.js';
import { Deadline } from '../../dist/functions/lib/deadline.js';
import { PROTOBUF } from '../../dist/functions/lib/http/body.js';
import { countInSteps } from '../../dist/functions/map/count-in-steps.js';
import { encodeMapOutput } from '../../dist/functions/map/map-output.js';
import { runMapTask } from '../../dist/functions/map/run-map-task.js';
import { StoreSource } from '../../dist/functions/map/store-source.js';
import { decodeMessage, encodeMessage } from '../../dist/functions/state/codec.js';
import { keys } from '../../dist/functions/state/keys.js';
import { checkMapTaskAgainstPlan } from '../../dist/functions/state/plan-check.js';
import { readStored, writeOnce } from '../../dist/functions/state/stored.js';
import { openStore } from '../../dist/functions/store/open-store.js';
import { startMinio } from './minio.mjs';

const MIB = 1024 * 1024;
const BUCKET = 'wordcount';
const KEY = 'bench/map-steps-input.txt';
/** The input: 128 MiB of the English book repeated, two ranges of 64 MiB. */
const INPUT_BYTES = 128 * MIB;
const PARTITIONS = 256;
/** The map function's bytes per ranged GET, as the map function sets it. */
const WINDOW_BYTES = 8 * MIB;
/** Tasks per range size and way of running; the first `warmUp` of each are not counted. */
const SIZES = [
  { rangeBytes: MIB, tasks: 15, warmUp: 4 },
  { rangeBytes: 64 * MIB, tasks: 2, warmUp: 0 },
];

const silentLog = { info() {}, warn() {}, error() {}, child: () => silentLog };

export async function measureMapSteps({ root, scratch, book, section }) {
  const file = join(scratch, 'map-steps-input.txt');
  writeInput(file, book);
  const minio = await startMinio(root, scratch);
  let deployment;
  let client;
  try {
    const s3 = { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
    const { store, url } = openStore(`s3://${BUCKET}`, s3);
    await store.makeBucket(BUCKET);
    await store.putFile(BUCKET, KEY, file);
    deployment = await startLocalDeployment({
      storeUrl: url,
      s3,
      functionTimeoutSeconds: 300,
      concurrency: 2,
      partitions: PARTITIONS,
      port: 0,
      logs: { file: join(scratch, 'logs', 'map-steps.log') },
    });
    client = new CoordinatorClient(deployment.coordinatorUrl);
    const logFile = join(scratch, 'logs', 'map-steps.log');

    const rows = [];
    for (const size of SIZES) {
      const http = await timeOverHttp(client, store, deployment.mapUrl, logFile, size);
      const inProcess = await timeInProcess(client, store, size);
      const steps = await timeSteps(client, store, size);
      rows.push({ size, http, inProcess, steps });
    }
    section(stepLines(rows));
  } finally {
    await client?.close();
    await deployment?.stop();
    await minio.stop();
    rmSync(file, { force: true });
    rmSync(join(scratch, 'minio'), { recursive: true, force: true });
  }
}

function writeInput(file, book) {
  const fd = openSync(file, 'w');
  try {
    for (let written = 0; written < INPUT_BYTES;) {
      const length = Math.min(book.length, INPUT_BYTES - written);
      written += writeSync(fd, book, 0, length);
    }
  } finally {
    closeSync(fd);
  }
}

let jobs = 0;

/** Plans a job over the input with ranges of `rangeBytes` and returns its map tasks. */
async function planTasks(client, store, rangeBytes) {
  const jobId = `map-steps-${process.pid}-${jobs++}`;
  const status = await client.submit(
    {
      jobId,
      input: { bucket: BUCKET, key: KEY, etag: '', size: 0 },
      options: { safeSize: rangeBytes, partitions: PARTITIONS, concurrency: 1 },
    },
    false,
  );
  const record = await readStored(store, BUCKET, keys.job(jobId), 'JobRecord');
  return record.ranges.map((range, chunk) => ({
    jobId,
    chunk,
    attempt: 1,
    input: status.input,
    range,
    partitions: PARTITIONS,
    output: { bucket: BUCKET, key: keys.mapOutput(jobId, chunk), etag: '', size: 0 },
    receipt: { bucket: BUCKET, key: keys.mapReceipt(jobId, chunk), etag: '', size: 0 },
    checkpoint: undefined,
  }));
}

/**
 * Sends tasks one after another and returns the median request time in ms, measured here
 * and as the map function logged it (from arrival to the response's last byte).
 */
async function timeOverHttp(client, store, mapUrl, logFile, { rangeBytes, tasks, warmUp }) {
  const planned = await planTasks(client, store, rangeBytes);
  const loggedBefore = loggedMapRequests(logFile).length;
  const times = [];
  for (let i = 0; i < tasks; i++) {
    const started = performance.now();
    const response = await fetch(`${mapUrl}/map`, {
      method: 'POST',
      headers: { 'content-type': PROTOBUF, accept: PROTOBUF },
      body: encodeMessage('MapTask', planned[i % planned.length]),
    });
    const body = new Uint8Array(await response.arrayBuffer());
    if (response.status !== 200) {
      throw new Error(`map request failed with HTTP ${response.status}: ${Buffer.from(body)}`);
    }
    if (!decodeMessage('MapReceipt', body).complete) throw new Error('map request handed over');
    if (i >= warmUp) times.push(performance.now() - started);
  }
  const logged = loggedMapRequests(logFile).slice(loggedBefore + warmUp);
  if (logged.length !== tasks - warmUp) {
    throw new Error(
      `expected ${tasks - warmUp} logged map requests in ${logFile}, found ${logged.length}`,
    );
  }
  return { clientMs: median(times), serverMs: median(logged) };
}

/** Returns the `ms` of each `request done` line that the map function logged for POST /map. */
function loggedMapRequests(logFile) {
  return readFileSync(logFile, 'utf8')
    .split('\n')
    .filter((line) => line.includes('"request done"') && line.includes('"service":"map"'))
    .map((line) => JSON.parse(line))
    .filter((entry) => entry.path === '/map')
    .map((entry) => entry.ms);
}

/** Runs tasks with the map function's runMapTask in this process and returns the median ms. */
async function timeInProcess(client, store, { rangeBytes, tasks, warmUp }) {
  const planned = await planTasks(client, store, rangeBytes);
  const context = {
    store,
    limits: { stateBucket: BUCKET, inputBuckets: [BUCKET] },
    timeoutSeconds: 300,
    reserveSeconds: 10,
  };
  const times = [];
  for (let i = 0; i < tasks; i++) {
    const started = performance.now();
    await runMapTask(planned[i % planned.length], context, Date.now(), silentLog);
    if (i >= warmUp) times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Runs the steps of a map task one by one, in the order runMapTask takes them, and returns
 * the median ms of each. Store calls are timed through a wrapper, so the counting time is
 * the time of countInSteps without its ranged GETs.
 */
async function timeSteps(client, store, { rangeBytes, tasks, warmUp }) {
  const planned = await planTasks(client, store, rangeBytes);
  const samples = [];
  for (let i = 0; i < tasks; i++) {
    const task = planned[i % planned.length];
    const sample = {};
    const step = async (name, work) => {
      const started = performance.now();
      const value = await work();
      sample[name] = (sample[name] ?? 0) + performance.now() - started;
      return value;
    };
    const reads = { ms: 0, calls: 0 };
    const timedStore = withTimedReads(store, reads);

    await step('plan check', () => checkMapTaskAgainstPlan(store, BUCKET, task));
    await step('receipt checks', () => readStored(store, BUCKET, task.receipt.key, 'MapReceipt'));
    const source = new StoreSource(timedStore, task.input);
    const counted = await step('count', () =>
      countInSteps(source, task.range, task.range.start, new Deadline(Date.now() + 290_000), {
        windowBytes: WINDOW_BYTES,
        // The steps after counting are timed on their own below.
        finishMs: () => 0,
      }),
    );
    const counts = await step('normalize', () => addTableTo(new CountMap(), counted.table));
    const output = await step('encode', () => encodeMapOutput(counts, task.partitions));
    await step('receipt checks', () => readStored(store, BUCKET, task.receipt.key, 'MapReceipt'));
    await step('put output', () => store.put(BUCKET, task.output.key, output.bytes));
    await step('put receipt', () =>
      writeOnce(store, BUCKET, task.receipt.key, 'MapReceipt', receiptOf(task, output)),
    );
    sample['ranged GETs'] = reads.ms;
    sample.count -= reads.ms;
    sample.gets = reads.calls;
    sample.distinct = counts.size;
    sample.outputBytes = output.bytes.length;
    if (i >= warmUp) samples.push(sample);
  }
  const steps = {};
  for (const name of Object.keys(samples[0])) {
    steps[name] = median(samples.map((sample) => sample[name]));
  }
  return steps;
}

/** Returns `store` with getRange timed into `reads`; every other call passes through. */
function withTimedReads(store, reads) {
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property);
      if (property !== 'getRange') return typeof value === 'function' ? value.bind(target) : value;
      return async (...args) => {
        const started = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          reads.ms += performance.now() - started;
          reads.calls++;
        }
      };
    },
  });
}

function receiptOf(task, output) {
  return {
    jobId: task.jobId,
    chunk: task.chunk,
    attempt: task.attempt,
    instanceId: 'bench',
    bytes: task.range.end - task.range.start,
    bytesRead: 0,
    words: 0,
    distinctWords: 0,
    startedMs: Date.now(),
    durationSeconds: 0,
    bytesPerSecond: 0,
    output: { ...task.output, size: output.bytes.length },
    partitionEnds: output.partitionEnds,
    partitionCrc32: output.partitionCrc32,
    complete: true,
    nextOffset: task.range.end,
    checkpoint: undefined,
    handovers: 0,
  };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const STEP_NAMES = [
  'plan check',
  'receipt checks',
  'ranged GETs',
  'count',
  'normalize',
  'encode',
  'put output',
  'put receipt',
];

function stepLines(rows) {
  const lines = [];
  const report = (line) => lines.push(line);
  const ms = (value) => `${value.toFixed(1)} ms`;
  const rate = (bytes, milliseconds) => `${(bytes / 1e6 / (milliseconds / 1000)).toFixed(1)} MB/s`;
  report(
    `Map request steps, MinIO on 127.0.0.1, ${PARTITIONS} partitions, medians of ${SIZES.map((size) => size.tasks - size.warmUp).join(' and ')} tasks after warm-up:`,
  );
  report('');
  report(`| step | ${rows.map((row) => `${row.size.rangeBytes / MIB} MiB range`).join(' | ')} |`);
  report(`| --- | ${rows.map(() => '---').join(' | ')} |`);
  report(
    `| POST /map to the local map function, one request at a time | ${rows.map((row) => `${ms(row.http.clientMs)}, ${rate(row.size.rangeBytes, row.http.clientMs)}`).join(' | ')} |`,
  );
  report(
    `| same, as the map function logged it (arrival to response) | ${rows.map((row) => ms(row.http.serverMs)).join(' | ')} |`,
  );
  report(
    `| runMapTask in this process | ${rows.map((row) => `${ms(row.inProcess)}, ${rate(row.size.rangeBytes, row.inProcess)}`).join(' | ')} |`,
  );
  for (const name of STEP_NAMES) {
    const detail = (row) => {
      if (name === 'ranged GETs') return `, ${Math.round(row.steps.gets)} GETs`;
      if (name === 'count') return `, ${rate(row.size.rangeBytes, row.steps.count)}`;
      if (name === 'normalize') return `, ${Math.round(row.steps.distinct)} distinct words`;
      if (name === 'encode') return `, ${Math.round(row.steps.outputBytes)} bytes`;
      return '';
    };
    report(
      `| ${name} | ${rows.map((row) => `${ms(row.steps[name])}${detail(row)}`).join(' | ')} |`,
    );
  }
  const total = (row) => STEP_NAMES.reduce((sum, name) => sum + row.steps[name], 0);
  report(`| sum of the steps | ${rows.map((row) => ms(total(row))).join(' | ')} |`);
  return lines;
}
