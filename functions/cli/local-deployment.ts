/**
 * The three functions as local processes on 127.0.0.1, configured through the same
 * environment variables as in a cluster. Map and reduce each run one worker process per core
 * behind one port, like the pods behind a Knative service.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

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
  /**
   * Destination of the functions' JSON logs: this process's output, or a file (replaced). A
   * file never breaks like a pipe when this process ends first.
   */
  logs: 'inherit' | { file: string };
  /** Called when a function exits on its own after it started. */
  onExit?: (name: string, code: number | null) => void;
  /** More environment variables for all three functions, such as INPUT_BUCKETS. */
  env?: NodeJS.ProcessEnv;
}

export interface LocalDeployment {
  coordinatorUrl: string;
  mapUrl: string;
  reduceUrl: string;
  stop(): Promise<void>;
}

interface Started {
  name: string;
  child: ChildProcess;
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
  const children: Started[] = [];
  let stopping = false;
  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(children.map(({ child }) => stopChild(child)));
  };
  const logFd = options.logs === 'inherit' ? undefined : openLog(options.logs.file);

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
      startChild(children, 'coordinator', coordinator, logFd),
      startChild(children, 'map', serving(mapUrl), logFd),
      startChild(children, 'reduce', serving(reduceUrl), logFd),
    ]);
    for (const { name, child } of children) {
      child.once('exit', (code) => {
        if (!stopping) options.onExit?.(name, code);
      });
    }
    return { coordinatorUrl: `http://127.0.0.1:${coordinatorPort}`, mapUrl, reduceUrl, stop };
  } catch (error) {
    await stop();
    if (options.logs !== 'inherit') {
      const detail = lastLogMessage(readLogTail(options.logs.file));
      if (detail !== '') (error as Error).message += `: ${detail}`;
    }
    throw error;
  } finally {
    if (logFd !== undefined) closeSync(logFd);
  }
}

export function functionEnv(options: LocalDeploymentOptions): NodeJS.ProcessEnv {
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
  children: Started[],
  name: string,
  env: NodeJS.ProcessEnv,
  logFd: number | undefined,
): Promise<number> {
  // The compiled entry points, also when this module runs from the TypeScript sources in tests.
  const main = join(PACKAGE_ROOT, 'dist', 'functions', name, 'main.js');
  const output = logFd ?? 'inherit';
  const child = fork(main, [], { env, stdio: ['ignore', output, output, 'ipc'] });
  children.push({ name, child });

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
    child.once('exit', (code) =>
      fail(new Error(`the ${name} function exited with code ${code} while starting`)),
    );
  });
}

function openLog(file: string): number {
  mkdirSync(dirname(file), { recursive: true });
  return openSync(file, 'w');
}

/** Returns the last 8 KiB of a log file, or nothing when it cannot be read. */
function readLogTail(file: string): string {
  try {
    const text = readFileSync(file, 'utf8');
    return text.slice(-8192);
  } catch {
    return '';
  }
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
