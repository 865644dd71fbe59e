import { execFileSync } from 'node:child_process';

/** Builds dist/ once before the tests, so the command tests run the current sources. */
export default function globalSetup() {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
