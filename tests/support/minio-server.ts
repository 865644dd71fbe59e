/**
 * A real MinIO server for tests: built by scripts/ensure-tool.sh, started on 127.0.0.1 on a
 * free port with a temporary data folder, and stopped after.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '../../functions/lib/free-port.js';

const ENSURE_TOOL = fileURLToPath(new URL('../../scripts/ensure-tool.sh', import.meta.url));

export interface MinioServer {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** Stops the server; the data folder stays until `stop`. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and data folder. */
  restart(): Promise<void>;
  /** Stops or continues the server process (SIGSTOP, SIGCONT): a store that hangs. */
  pause(): void;
  resume(): void;
  stop(): Promise<void>;
}

export function minioBinary(): string {
  return execFileSync(ENSURE_TOOL, ['minio'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

export async function startMinio(): Promise<MinioServer> {
  const binary = minioBinary();
  const dataDir = mkdtempSync(join(tmpdir(), 'wordcount-minio-'));
  const port = await freePort();
  const consolePort = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKey = 'wordcount-test';
  const secretKey = 'wordcount-test-secret';
  let child: ChildProcess | undefined;

  const launch = async (): Promise<void> => {
    child = spawn(
      binary,
      [
        'server',
        dataDir,
        '--address',
        `127.0.0.1:${port}`,
        '--console-address',
        `127.0.0.1:${consolePort}`,
        '--quiet',
      ],
      {
        env: {
          ...process.env,
          MINIO_ROOT_USER: accessKey,
          MINIO_ROOT_PASSWORD: secretKey,
          MINIO_BROWSER: 'off',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await waitReady(endpoint, child, () => stderr);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGKILL');
    await exited;
  };

  await launch();
  return {
    endpoint,
    accessKey,
    secretKey,
    kill,
    restart: launch,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: async () => {
      await kill();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function waitReady(
  endpoint: string,
  child: ChildProcess,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`minio exited with ${child.exitCode}: ${stderr()}`);
    try {
      const response = await fetch(`${endpoint}/minio/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`minio did not become ready at ${endpoint} within 30 s: ${stderr()}`);
}
