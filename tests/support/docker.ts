/**
 * Docker for the container tests: the client from Debian's docker.io package (the Dockerfile
 * is built with BuildKit), and the locally built base image.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

/** The Debian client; another `docker` earlier on the PATH may want buildx. */
export const DOCKER = existsSync('/usr/bin/docker') ? '/usr/bin/docker' : 'docker';

const BASE_IMAGE_SCRIPT = fileURLToPath(
  new URL('../../scripts/build-base-image.sh', import.meta.url),
);

/** Returns true when a Docker engine responds. */
export function dockerAvailable(): boolean {
  return spawnSync(DOCKER, ['info'], { stdio: 'ignore' }).status === 0;
}

export function docker(args: readonly string[], options: { input?: string } = {}): string {
  return execFileSync(DOCKER, args, {
    encoding: 'utf8',
    input: options.input,
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    maxBuffer: 64 * 1024 * 1024,
  }).trim();
}

/** Builds the project's image from the real Dockerfile and returns its tag. */
export function buildImage(tag: string): string {
  execFileSync(BASE_IMAGE_SCRIPT, [], { stdio: 'inherit', env: { ...process.env, DOCKER } });
  const ca = '/etc/ssl/certs/ca-certificates.crt';
  const secret = existsSync(ca) ? ['--secret', `id=ca,src=${ca}`] : [];
  execFileSync(DOCKER, ['build', '--quiet', ...secret, '-t', tag, PACKAGE_ROOT], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
  });
  return tag;
}

/**
 * Runs the suite only where Docker is available. In CI (CI=true) a missing Docker engine
 * fails the suite instead: CI must install and start it.
 */
export const describeWithDocker: jest.Describe =
  dockerAvailable() || process.env.CI === 'true' ? describe : describe.skip;
