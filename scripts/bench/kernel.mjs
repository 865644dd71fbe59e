/**
 * The map kernel in memory, on English and non-Latin text, against a naive regular-expression
 * count and against `tr | sort | uniq -c`.
 */
import { execFileSync } from 'node:child_process';

import { scanWindow } from '../../dist/functions/counting/scanner.js';
import { WordTable } from '../../dist/functions/counting/word-table.js';
import { best, mb } from './timing.mjs';

export const kernel = (bytes) => {
  const table = new WordTable();
  scanWindow({ bytes, offset: 0, atEnd: true }, 0, bytes.length, table);
  return table;
};

const naive = (bytes) => {
  const counts = new Map();
  for (const match of bytes
    .toString('utf8')
    .matchAll(/[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu)) {
    const word = match[0].replaceAll('\u2019', "'").toLowerCase().normalize('NFC');
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
};

export function measureKernel({ english, englishFile, report }) {
  const nonLatin = Buffer.from(
    english
      .toString('utf8')
      .replace(/[a-z]/gi, (letter) =>
        String.fromCharCode(0x430 + (letter.toLowerCase().charCodeAt(0) - 97)),
      ),
  );
  for (const [name, bytes] of [
    ['English (War and Peace ×10)', english],
    ['non-Latin (the same, letters mapped to Cyrillic)', nonLatin],
  ]) {
    const kernelSeconds = best(5, () => kernel(bytes));
    const naiveSeconds = best(2, () => naive(bytes));
    report(
      `| kernel, ${name}, ${(bytes.length / 1e6).toFixed(1)} MB in memory | ${mb(bytes.length, kernelSeconds).toFixed(1)} MB/s, ${(naiveSeconds / kernelSeconds).toFixed(1)}× the naive \`\\p{L}\` regex and Map (${mb(bytes.length, naiveSeconds).toFixed(1)} MB/s) |`,
    );
  }

  const trStarted = performance.now();
  execFileSync('bash', [
    '-c',
    `LC_ALL=C tr -cs A-Za-z '\\n' < "${englishFile}" | sort | uniq -c > /dev/null`,
  ]);
  const trSeconds = (performance.now() - trStarted) / 1000;
  const kernelEnglish = best(5, () => kernel(english));
  report(
    `| \`LC_ALL=C tr -cs A-Za-z '\\n' \\| sort \\| uniq -c\` on the English text | ${mb(english.length, trSeconds).toFixed(1)} MB/s; the kernel is ${(trSeconds / kernelEnglish).toFixed(1)}× faster |`,
  );
}
