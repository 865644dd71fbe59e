import { execFileSync } from 'node:child_process';

/**
 * Builds dist/ once before the tests, so the command tests run the current sources, and
 * builds the pinned MinIO server when it is missing (a few minutes, once per machine),
 * because a build inside a test would run into the test's timeout.
 */
export default function globalSetup() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync('scripts/ensure-tool.sh', ['minio'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
