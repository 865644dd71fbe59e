/**
 * The three functions as separate processes that a fault-injection test controls one by one:
 * kill one (or one of its worker processes) with a signal, start it again on the same port,
 * and read what each logged. They run from dist, configured as the local deployment does.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CoordinatorClient } from '../../functions/cli/coordinator-client.js';
import { coordinatorEnv, functionEnv } from '../../functions/cli/local-deployment.js';
import { freePort } from '../../functions/lib/free-port.js';
import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import type { S3Settings } from '../../functions/store/open-store.js';

export type FunctionName = 'coordinator' | 'map' | 'reduce';

export interface ProcessSetOptions {
  storeUrl: string;
  s3: S3Settings;
  functionTimeoutSeconds: number;
  concurrency?: number;
  /** Worker processes of map and reduce; default 1. */
  workers?: number;
  /** More environment variables, per function. */
  env?: Partial<Record<FunctionName, NodeJS.ProcessEnv>>;
}

export interface LogLine {
  service: FunctionName;
  instance: string;
  time: string;
  msg: string;
  [field: string]: unknown;
}

export interface ProcessSet {
  urls: Record<FunctionName, string>;
  client: CoordinatorClient;
  pid(name: FunctionName): number;
  /** The worker processes of a function started with workers > 1. */
  workerPids(name: FunctionName): number[];
  /** Sends `signal` to the function's process and waits until it exits. */
  kill(name: FunctionName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped function again on its port, with its environment. */
  start(name: FunctionName): Promise<void>;
  /** Starts one more coordinator on another port, on the same functions and store; returns its URL. */
  startCoordinator(): Promise<string>;
  /** Every JSON line the functions logged so far, oldest first. */
  logs(): LogLine[];
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

export async function startProcessSet(options: ProcessSetOptions): Promise<ProcessSet> {
  const logDir = mkdtempSync(join(tmpdir(), 'wordcount-fault-logs-'));
  const ports = {
    coordinator: await freePort(),
    map: await freePort(),
    reduce: await freePort(),
  };
  const urls = {
    coordinator: `http://127.0.0.1:${ports.coordinator}`,
    map: `http://127.0.0.1:${ports.map}`,
    reduce: `http://127.0.0.1:${ports.reduce}`,
  };
  const deployment = {
    storeUrl: options.storeUrl,
    s3: options.s3,
    functionTimeoutSeconds: options.functionTimeoutSeconds,
    concurrency: options.concurrency ?? 2,
    port: ports.coordinator,
    logs: 'inherit' as const,
  };
  const workers = String(options.workers ?? 1);
  const envs: Record<FunctionName, NodeJS.ProcessEnv> = {
    coordinator: {
      ...coordinatorEnv(deployment, urls.map, urls.reduce),
      ...options.env?.coordinator,
      PORT: String(ports.coordinator),
    },
    map: {
      ...functionEnv(deployment),
      ...options.env?.map,
      PORT: String(ports.map),
      WORKERS: workers,
    },
    reduce: {
      ...functionEnv(deployment),
      ...options.env?.reduce,
      PORT: String(ports.reduce),
      WORKERS: workers,
    },
  };
  const children = new Map<FunctionName, ChildProcess>();
  const extras: ChildProcess[] = [];
  let starts = 0;

  const launch = async (name: FunctionName, env: NodeJS.ProcessEnv): Promise<ChildProcess> => {
    const log = openSync(join(logDir, `${name}-${starts++}.log`), 'w');
    const main = join(PACKAGE_ROOT, 'dist', 'functions', name, 'main.js');
    const child = fork(main, [], { env, stdio: ['ignore', log, log, 'ipc'] });
    closeSync(log);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms`)),
        START_TIMEOUT_MS,
      );
      child.on('message', (message: { ready?: boolean }) => {
        if (message.ready === true) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited with code ${code} while starting; logs in ${logDir}`));
      });
    });
    return child;
  };

  const start = async (name: FunctionName): Promise<void> => {
    children.set(name, await launch(name, envs[name]));
  };

  const kill = async (name: FunctionName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    await stopProcess(children.get(name), signal);
  };

  await Promise.all((['coordinator', 'map', 'reduce'] as const).map(start));
  const client = new CoordinatorClient(urls.coordinator, 120);
  return {
    urls,
    client,
    pid: (name) => children.get(name)?.pid ?? 0,
    workerPids: (name) => childPids(children.get(name)?.pid ?? 0),
    kill,
    start,
    startCoordinator: async () => {
      const port = await freePort();
      extras.push(await launch('coordinator', { ...envs.coordinator, PORT: String(port) }));
      return `http://127.0.0.1:${port}`;
    },
    logs: () => readLogs(logDir),
    stop: async () => {
      await client.close();
      await Promise.all(
        [...children.values(), ...extras].map((child) => stopProcess(child, 'SIGTERM')),
      );
    },
  };
}

async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** Returns the processes whose parent is `pid`, from /proc. */
function childPids(pid: number): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which is in parentheses: state, ppid, ...
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) pids.push(Number(entry));
    } catch {
      // The process ended while the list was read.
    }
  }
  return pids;
}

function readLogs(logDir: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const file of readdirSync(logDir).sort()) {
    for (const line of readFileSync(join(logDir, file), 'utf8').split('\n')) {
      if (!line.startsWith('{')) continue;
      lines.push(JSON.parse(line) as LogLine);
    }
  }
  return lines.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
}
