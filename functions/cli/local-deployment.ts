/**
 * The three functions as local processes on 127.0.0.1, configured through the same
 * environment variables as in a cluster. Map and reduce each run one worker process per core
 * behind one port, like the pods behind a Knative service.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../lib/free-port.js';
import { PACKAGE_ROOT } from '../lib/package-root.js';
import type { S3Settings } from '../store/open-store.js';

export interface LocalDeploymentOptions {
  storeUrl: string;
  s3: S3Settings;
  functionTimeoutSeconds: number;
  concurrency: number;
  partitions?: number;
  /** Coordinator port; 0 picks a free one. */
  port: number;
  /** Whether the functions' JSON logs go to this process's output or are dropped. */
  logs: 'inherit' | 'ignore';
  /** More environment variables for all three functions, such as INPUT_BUCKETS. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalDeployment {
  coordinatorUrl: string;
  mapUrl: string;
  reduceUrl: string;
  stop(): Promise<void>;
}

/** How long a function may take to start before the deployment gives up, in ms. */
const START_TIMEOUT_MS = 30_000;

/** Returns the environment that configures the local coordinator, for `serve` and `plan` alike. */
export function coordinatorEnv(
  options: LocalDeploymentOptions,
  mapUrl: string,
  reduceUrl: string,
): NodeJS.ProcessEnv {
  const timeout = options.functionTimeoutSeconds;
  return {
    ...functionEnv(options),
    FUNCTION_TIMEOUT_SECONDS: String(2 * timeout + 10),
    MAP_URL: mapUrl,
    REDUCE_URL: reduceUrl,
    MAP_TIMEOUT_SECONDS: String(timeout),
    REDUCE_TIMEOUT_SECONDS: String(timeout),
    CONCURRENCY: String(options.concurrency),
    ...(options.partitions === undefined ? {} : { PARTITIONS: String(options.partitions) }),
  };
}

export async function startLocalDeployment(
  options: LocalDeploymentOptions,
): Promise<LocalDeployment> {
  const children: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(children.map(stopChild));
  };

  try {
    // Ports are chosen up front so that all three functions start at once.
    const workers = String(Math.max(1, Math.min(options.concurrency, availableParallelism())));
    const mapUrl = `http://127.0.0.1:${await freePort()}`;
    const reduceUrl = `http://127.0.0.1:${await freePort()}`;
    const serving = (url: string): NodeJS.ProcessEnv => ({
      ...functionEnv(options),
      PORT: new URL(url).port,
      WORKERS: workers,
    });
    const coordinator = {
      ...coordinatorEnv(options, mapUrl, reduceUrl),
      PORT: String(options.port),
    };
    const [coordinatorPort] = await Promise.all([
      startChild(children, 'coordinator', coordinator, options.logs),
      startChild(children, 'map', serving(mapUrl), options.logs),
      startChild(children, 'reduce', serving(reduceUrl), options.logs),
    ]);
    return { coordinatorUrl: `http://127.0.0.1:${coordinatorPort}`, mapUrl, reduceUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function functionEnv(options: LocalDeploymentOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...options.env,
    WORDCOUNT_STORE: options.storeUrl,
    FUNCTION_TIMEOUT_SECONDS: String(options.functionTimeoutSeconds),
  };
  if (options.s3.endpoint !== undefined) env.AWS_ENDPOINT_URL = options.s3.endpoint;
  if (options.s3.accessKey !== undefined) env.AWS_ACCESS_KEY_ID = options.s3.accessKey;
  if (options.s3.secretKey !== undefined) env.AWS_SECRET_ACCESS_KEY = options.s3.secretKey;
  if (options.s3.region !== undefined) env.AWS_REGION = options.s3.region;
  return env;
}

/** Forks function `name` with `env` and resolves with its port once it reports that it listens. */
function startChild(
  children: ChildProcess[],
  name: string,
  env: NodeJS.ProcessEnv,
  logs: 'inherit' | 'ignore',
): Promise<number> {
  // The compiled entry points, also when this module runs from the TypeScript sources in tests.
  const main = join(PACKAGE_ROOT, 'dist', 'functions', name, 'main.js');
  const child = fork(main, [], { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  children.push(child);

  // Keep the end of the output, so the error for a function that fails to start includes its last log line.
  let output = '';
  const keep = (target: NodeJS.WriteStream) => (chunk: string) => {
    output = (output + chunk).slice(-8192);
    if (logs === 'inherit') target.write(chunk);
  };
  child.stdout?.setEncoding('utf8').on('data', keep(process.stdout));
  child.stderr?.setEncoding('utf8').on('data', keep(process.stderr));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        fail(new Error(`the ${name} function did not start within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    child.on('message', (message: { ready?: boolean; port?: number }) => {
      if (message.ready === true && message.port !== undefined) {
        clearTimeout(timer);
        resolve(message.port);
      }
    });
    child.once('exit', (code) => {
      const detail = lastLogMessage(output);
      fail(
        new Error(
          `the ${name} function exited with code ${code} while starting${detail ? `: ${detail}` : ''}`,
        ),
      );
    });
  });
}

/** Returns the `msg` of the last JSON log line, the reason a function gave for exiting. */
function lastLogMessage(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  const last = lines.at(-1);
  if (last === undefined) return '';
  try {
    return String((JSON.parse(last) as { msg?: unknown }).msg ?? last);
  } catch {
    return last;
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
