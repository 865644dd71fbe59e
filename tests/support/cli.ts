import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built command, as `npx wordcount` runs it. */
export const CLI = fileURLToPath(new URL('../../dist/functions/cli/main.js', import.meta.url));

/** Directory of the shared test corpora, beside the repository. */
export const CORPORA = fileURLToPath(new URL('../../../shared/corpora/', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A cache folder of this test process, so the default store never touches the user's. */
export const TEST_CACHE = mkdtempSync(join(tmpdir(), 'wordcount-cache-'));

/** Runs `wordcount` with `args` in a child process and collects its output. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  return runNodeScript(CLI, args, env, cwd);
}

/** Runs a built script, such as the image's entry point, with Node.js and collects its output. */
export function runNodeScript(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
