/**
 * A MinIO server for the benchmark: the pinned binary from scripts/ensure-tool.sh, on
 * 127.0.0.1 on a free port, with its data in a folder of the benchmark's scratch space.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { freePort } from '../../dist/functions/lib/free-port.js';

/** How long MinIO may take to pass its readiness probe, in ms. */
const READY_TIMEOUT_MS = 30_000;

/**
 * Starts MinIO with its data in `scratch/minio` and resolves once it is ready.
 *
 * @returns the endpoint, the credentials and `stop()`, which ends the server.
 */
export async function startMinio(root, scratch) {
  const binary = execFileSync(join(root, 'scripts', 'ensure-tool.sh'), ['minio'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  const dataDir = join(scratch, 'minio');
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const consolePort = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const accessKey = 'wordcount-bench';
  const secretKey = 'wordcount-bench-secret';

  const child = spawn(
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
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  try {
    await waitReady(endpoint, child, () => stderr);
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, accessKey, secretKey, stop };
}

async function waitReady(endpoint, child, stderr) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`minio exited with code ${child.exitCode} while starting: ${stderr()}`);
    }
    try {
      const response = await fetch(`${endpoint}/minio/health/ready`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `minio did not become ready at ${endpoint} within ${READY_TIMEOUT_MS / 1000} s: ${stderr()}`,
  );
}
