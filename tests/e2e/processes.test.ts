import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CLI, runCli } from '../support/cli.js';

/** Returns the processes whose environment contains `marker`, with their command lines. */
function processesWith(marker: string): { pid: number; command: string }[] {
  const found: { pid: number; command: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').includes(marker)) continue;
      found.push({
        pid: Number(entry),
        command: readFileSync(`/proc/${entry}/cmdline`, 'latin1').replaceAll('\0', ' '),
      });
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

describe('function processes of the command', () => {
  it('stop, and the upload goes, when the command is interrupted', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'wordcount-interrupt-'));
    const path = join(cache, 'big.txt');
    writeFileSync(path, 'alpha beta gamma\n'.repeat(2_000_000));
    const marker = `WORDCOUNT_TEST_MARKER=${randomUUID()}`;
    const child = spawn(
      process.execPath,
      [CLI, path, '--safe-size', '64KiB', '--concurrency', '1'],
      {
        env: { ...process.env, XDG_CACHE_HOME: cache, WORDCOUNT_TEST_MARKER: marker.split('=')[1] },
        stdio: 'ignore',
      },
    );
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

    expect(
      await waitFor(
        () => processesWith(marker).some((process) => process.command.includes('map/main.js')),
        20_000,
      ),
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 500));
    child.kill('SIGINT');

    expect(await exited).toBe(130);
    expect(await waitFor(() => processesWith(marker).length === 0, 15_000)).toBe(true);
    const uploads = join(cache, 'wordcount', 'store', 'wordcount', 'uploads');
    expect(readdirSync(uploads).flatMap((id) => readdirSync(join(uploads, id)))).toEqual([]);
  }, 60_000);

  it('end serve with exit code 1 when one of them dies', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'wordcount-serve-'));
    const marker = `WORDCOUNT_TEST_MARKER=${randomUUID()}`;
    const serve = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
      env: { ...process.env, XDG_CACHE_HOME: cache, WORDCOUNT_TEST_MARKER: marker.split('=')[1] },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    serve.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => serve.once('exit', resolve));
    expect(await waitFor(() => stderr.includes('coordinator  http'), 20_000)).toBe(true);

    const coordinator = processesWith(marker).find((process) =>
      process.command.includes('coordinator/main.js'),
    );
    expect(coordinator).toBeDefined();
    process.kill((coordinator as { pid: number }).pid, 'SIGKILL');

    expect(await exited).toBe(1);
    expect(stderr).toMatch(/the coordinator function exited with code null; stopping/);
    expect(await waitFor(() => processesWith(marker).length === 0, 15_000)).toBe(true);
  }, 60_000);

  it('count a file whose name has a backslash', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wordcount-names-'));
    const path = join(dir, 'a\\b.txt');
    writeFileSync(path, 'odd name odd');
    const { code, stdout } = await runCli([path]);

    expect(code).toBe(0);
    expect(stdout).toBe('odd\t2\nname\t1\n');
  });
});
