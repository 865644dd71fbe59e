/**
 * Docker for the container tests: the client from Debian's docker.io package (the Dockerfile
 * is built with BuildKit), and the locally built base image.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

/** The Debian client; another `docker` earlier on the PATH may want buildx. */
export const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

const BASE_IMAGE_SCRIPT = fileURLToPath(
  new URL('../../scripts/build-base-image.sh', import.meta.url),
);
const MINIO_IMAGE_SCRIPT = fileURLToPath(
  new URL('../../scripts/build-minio-image.sh', import.meta.url),
);

/** Returns true when a Docker engine responds. */
export function dockerAvailable(): boolean {
  return spawnSync(DOCKER, ['info'], { stdio: 'ignore' }).status === 0;
}

/** Runs a docker command and returns its trimmed stdout. Throws with its stderr when it fails. */
export function docker(args: readonly string[], options: { input?: string } = {}): string {
  return execFileSync(DOCKER, args, {
    encoding: 'utf8',
    input: options.input,
    // The error thrown on failure carries stderr. On success stderr is noise, such as the
    // "error waiting for container: context canceled" that docker 20.10 prints after `run -d`.
    stdio: 'pipe',
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/** Runs a docker command without blocking the event loop and resolves to its trimmed stdout. */
export async function dockerAsync(args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(DOCKER, args, {
    encoding: 'utf8',
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout.trim();
}

/**
 * Builds the project's image from the real Dockerfile, tags it, and returns its image ID.
 * Tests should start containers by the ID: other checkouts on the same engine may retag.
 */
export function buildImage(tag: string): string {
  execFileSync(BASE_IMAGE_SCRIPT, [], { stdio: 'inherit', env: { ...process.env, DOCKER } });
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  const secret = existsSync(ca) ? ['--secret', `id=ca,src=${ca}`] : [];
  return execFileSync(DOCKER, ['build', '--quiet', ...secret, '-t', tag, PACKAGE_ROOT], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
  }).trim();
}

/** Builds the MinIO image from the pinned Go-built server (scripts/build-minio-image.sh) and returns its image ID. */
export function buildMinioImage(tag: string): string {
  return execFileSync(MINIO_IMAGE_SCRIPT, [tag], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, DOCKER },
  }).trim();
}

/** Resolves once a GET of `url` returns 200, polling every 100 ms. */
export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
    if (response?.status === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url} did not return 200 within ${timeoutMs / 1000} s`);
}

/** Returns the 127.0.0.1 URL of a container port published with `--publish 127.0.0.1::PORT`. */
export function publishedUrl(container: string, port: number): string {
  const address = docker(['port', container, `${port}/tcp`]).split('\n')[0];
  return `http://127.0.0.1:${address.split(':').at(-1)}`;
}

/**
 * Containers, networks and volumes of one test file, named with a unique prefix so that
 * parallel runs on the same engine do not collide, and removed together by `removeAll`.
 */
export class DockerResources {
  readonly prefix = `wordcount-test-${randomBytes(4).toString('hex')}`;
  private readonly containers: string[] = [];
  private readonly networks: string[] = [];
  private readonly volumes: string[] = [];

  /** Returns the prefixed name for `suffix` and registers it, so `removeAll` removes a container of that name. */
  name(suffix: string): string {
    const name = `${this.prefix}-${suffix}`;
    this.containers.push(name);
    return name;
  }

  network(suffix: string): string {
    const name = `${this.prefix}-${suffix}`;
    docker(['network', 'create', name]);
    this.networks.push(name);
    return name;
  }

  volume(suffix: string): string {
    const name = `${this.prefix}-${suffix}`;
    docker(['volume', 'create', name]);
    this.volumes.push(name);
    return name;
  }

  /**
   * Starts a detached container with the prefixed name of `suffix` and returns that name.
   * `args` are the `docker run` options, then the image and its arguments.
   */
  run(suffix: string, args: readonly string[]): string {
    const name = this.name(suffix);
    docker(['run', '--detach', '--name', name, ...args]);
    return name;
  }

  /** Removes everything created so far, containers first, and ignores what is already gone. */
  removeAll(): void {
    const quiet = (args: string[]): void => {
      spawnSync(DOCKER, args, { stdio: 'ignore' });
    };
    if (this.containers.length > 0) quiet(['rm', '--force', '--volumes', ...this.containers]);
    if (this.networks.length > 0) quiet(['network', 'rm', ...this.networks]);
    if (this.volumes.length > 0) quiet(['volume', 'rm', '--force', ...this.volumes]);
  }
}

/**
 * Runs the suite only where Docker is available. In CI (CI=true) a missing Docker engine
 * fails the suite instead: CI must install and start it.
 */
export const describeWithDocker: jest.Describe =
  dockerAvailable() || process.env.CI === 'true' ? describe : describe.skip;
