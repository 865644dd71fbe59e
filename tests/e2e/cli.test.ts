import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { MAX_WORD_BYTES } from '../../functions/counting/limits.js';
import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import { CLI, TEST_CACHE, runCli } from '../support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'wordcount-cli-'));

function writeInput(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('wordcount command', () => {
  it('prints word<TAB>count lines in result order', async () => {
    const path = writeInput('order.txt', 'b a b c a b Z z é e');
    const { code, stdout } = await runCli([path]);

    expect(code).toBe(0);
    expect(stdout).toBe('b\t3\na\t2\nz\t2\nc\t1\ne\t1\né\t1\n');
  });

  it('sorts ties in code point order, astral after U+FFxx', async () => {
    const path = writeInput('astral.txt', '𐐨 ｚ');
    const { stdout } = await runCli([path]);

    expect(stdout).toBe('ｚ\t1\n𐐨\t1\n');
  });

  it('keeps the first N lines with --top', async () => {
    const path = writeInput('top.txt', 'b a b c a b');
    const { stdout } = await runCli([path, '--top', '2']);

    expect(stdout).toBe('b\t3\na\t2\n');
  });

  it('prints one JSON object with --json', async () => {
    const path = writeInput('json.txt', "Don't don’t DON'T stop");
    const { code, stdout } = await runCli([path, '--json', '--top', '1']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      totalWords: 4,
      distinctWords: 2,
      words: [["don't", 3]],
    });
  });

  it('counts an empty file', async () => {
    const path = writeInput('empty.txt', '');
    const { code, stdout, stderr } = await runCli([path, '--json']);

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ totalWords: 0, distinctWords: 0, words: [] });
    expect(stderr).toMatch(/0 bytes in 0 ranges, 0 words, 0 distinct/);
  });

  it('writes a one-line summary to stderr', async () => {
    const path = writeInput('summary.txt', 'one two two\n');
    const { stderr } = await runCli([path, '--safe-size', '4']);

    expect(stderr).toMatch(
      /^wordcount: .*summary\.txt: 12 bytes in 3 ranges, 3 words, 2 distinct, [\d.]+ s; \d+ instances?, map [\d.]+ s, reduce [\d.]+ s\n$/,
    );
  });

  it('counts a word of the maximum length', async () => {
    const path = writeInput('max-word.txt', `x ${'a'.repeat(MAX_WORD_BYTES)} y`);
    const { code, stdout } = await runCli([path, '--safe-size', '1MiB', '--top', '3']);

    expect(code).toBe(0);
    expect(stdout).toBe(`${'a'.repeat(MAX_WORD_BYTES)}\t1\nx\t1\ny\t1\n`);
  });

  it('fails on a word longer than the maximum', async () => {
    const path = writeInput('long-word.txt', `x ${'a'.repeat(MAX_WORD_BYTES + 1)} y`);
    const { code, stdout, stderr } = await runCli([path, '--safe-size', '1MiB']);

    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      new RegExp(
        `^wordcount: job j-[0-9a-f]+ failed: map chunk 0 failed: a word starting at byte 2 is longer than the maximum word length of ${MAX_WORD_BYTES} ` +
          'bytes; split the input or remove the run of letters, marks and numbers there\n$',
      ),
    );
  });

  it.each<[string, string[], RegExp]>([
    [
      'missing file',
      [join(dir, 'missing.txt')],
      /^wordcount: cannot read .*missing\.txt: no such file \(ENOENT\)\n$/,
    ],
    ['directory', [dir], /^wordcount: cannot count .*wordcount-cli-\w+: it is a directory\n$/],
    [
      'unknown option',
      ['--frobnicate', 'x'],
      /^wordcount: Unknown option '--frobnicate'.*; see wordcount --help\n$/,
    ],
    ['no file', [], /^wordcount: missing FILE; see wordcount --help\n$/],
    ['two files', ['a', 'b'], /^wordcount: expected one FILE, got 2: a b; see wordcount --help\n$/],
    [
      'bad SafeSize',
      ['x', '--safe-size', '0'],
      /^wordcount: invalid --safe-size '0': expected a positive number/,
    ],
    ['bad SafeSize unit', ['x', '--safe-size', '4KB'], /^wordcount: invalid --safe-size '4KB'/],
    ['bad top', ['x', '--top=-1'], /^wordcount: invalid --top '-1': expected a whole number/],
    [
      'option value like an option',
      ['x', '--top', '-1'],
      /^wordcount: Option '--top' argument is ambiguous\. /,
    ],
  ])('exits 2 on %s with one line', async (_name, args, message) => {
    const { code, stdout, stderr } = await runCli(args);

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it('shows a progress bar on a terminal', () => {
    const path = writeInput('large.txt', 'word '.repeat(14 * 1024 * 1024));
    const out = join(dir, 'large.out');
    // script(1) gives the command a pseudo-terminal; stdout goes to a file, stderr stays on it.
    const terminal = execFileSync(
      'script',
      ['-qec', `"${process.execPath}" "${CLI}" "${path}" > "${out}"`, '/dev/null'],
      { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE } },
    );

    expect(terminal).toMatch(/counting \[.*\] 100% \| 73\.4 MB of 73\.4 MB/);
    expect(terminal).toMatch(/73,400,320 bytes in \d+ ranges?, 14,680,064 words, 1 distinct/);
    expect(readFileSync(out, 'utf8')).toBe('word\t14680064\n');
  });

  it('exits 0 when the reader stops early', () => {
    const words = Array.from({ length: 200_000 }, (_, i) => `w${i}`).join(' ');
    const path = writeInput('many.txt', words);
    const output = execFileSync(
      'bash',
      [
        '-c',
        `"${process.execPath}" "${CLI}" "${path}" | head -n 1; echo "status=\${PIPESTATUS[0]}"`,
      ],
      { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE } },
    );

    expect(output).toBe('w0\t1\nstatus=0\n');
  });

  it('shows no progress bar without a terminal', async () => {
    const path = writeInput('large-piped.txt', 'word '.repeat(14 * 1024 * 1024));
    const { stderr } = await runCli([path]);

    expect(stderr).not.toMatch(/counting \[/);
  });

  it.each<[string, () => string, RegExp]>([
    [
      'named pipe',
      () => {
        const path = join(dir, 'fifo');
        execFileSync('mkfifo', [path]);
        return path;
      },
      /^wordcount: cannot count .*fifo: it is not a regular file\n$/,
    ],
    [
      'file of unknown size',
      () => '/proc/cpuinfo',
      /^wordcount: cannot count \/proc\/cpuinfo: its size is not known in advance/,
    ],
    [
      'path with a newline',
      () => join(dir, 'new\nline'),
      /^wordcount: cannot read ".*new\\nline": no such file \(ENOENT\)\n$/,
    ],
  ])('exits 2 on a %s with one line', async (_name, path, message) => {
    const { code, stderr } = await runCli([path(), '--in-process']);

    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.split('\n')).toHaveLength(2);
  });

  it('exits 1 with one line when the output cannot be written', () => {
    const path = writeInput('full.txt', 'a b c');
    const result = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${CLI}" "${path}" --in-process > /dev/full`],
      {
        encoding: 'utf8',
        env: { ...process.env, XDG_CACHE_HOME: TEST_CACHE },
      },
    );

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      'wordcount: cannot write the output: ENOSPC: no space left on device, write\n',
    );
  });

  it('writes singular nouns for one', async () => {
    const path = writeInput('one.txt', 'one');
    const { stderr } = await runCli([path, '--in-process']);

    expect(stderr).toMatch(/: 3 bytes in 1 range, 1 word, 1 distinct, /);
  });

  it('runs as npx wordcount from the repository', () => {
    const result = spawnSync('npx', ['--no-install', 'wordcount', '--version'], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });

    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect(result.status).toBe(0);
  });

  it('prints help', async () => {
    const { code, stdout } = await runCli(['--help']);

    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage:\n {2}wordcount FILE \[options\]/);
  });
});
