import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { CORPORA, runCli } from '../support/cli.js';
import { TINY_SHAKESPEARE, WAR_AND_PEACE } from '../support/corpora.js';
import { referenceCount } from '../support/reference-count.js';

const corpora = [TINY_SHAKESPEARE, WAR_AND_PEACE];

interface JsonResult {
  totalWords: number;
  distinctWords: number;
  words: [string, number][];
}

describe.each(corpora)('wordcount on $file', ({ file, totalWords, distinctWords, top }) => {
  const path = join(CORPORA, file);

  it.each([
    ['default SafeSize', []],
    ['4 KiB SafeSize', ['--safe-size', '4KiB']],
  ])('matches the expected counts at %s', async (_name, options) => {
    const { code, stdout, stderr } = await runCli([path, '--json', ...options]);

    expect(stderr).toMatch(/words/);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as JsonResult;
    expect(result.totalWords).toBe(totalWords);
    expect(result.distinctWords).toBe(distinctWords);
    expect(result.words.slice(0, 5)).toEqual(top);
    expect(result.words).toHaveLength(distinctWords);
  });

  it('prints every word of a single pass', async () => {
    const { code, stdout } = await runCli([path, '--safe-size', '4096']);

    expect(code).toBe(0);
    const printed = new Map(
      stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split('\t'))
        .map(([word, count]) => [word, Number(count)] as const),
    );
    expect(printed).toEqual(referenceCount(readFileSync(path)));
  });
});
