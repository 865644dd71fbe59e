#!/usr/bin/env node
/**
 * Measures, in one run on this machine, the map kernel against a naive regular-expression
 * count and against `tr | sort | uniq -c`, the map output's protobuf bytes against JSON, and
 * the whole workflow through local functions against the single-process count. Prints
 * ratios and appends the results, with the machine's description, to docs/benchmarks.md.
 *
 * Usage: npm run bench   (reads ../shared/corpora/war-and-peace-en.txt)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { addTableTo } from '../dist/functions/counting/normalize.js';
import { compareCodePoints } from '../dist/functions/counting/order.js';
import { scanWindow } from '../dist/functions/counting/scanner.js';
import { WordTable } from '../dist/functions/counting/word-table.js';
import { decodeMessage, encodeMessage } from '../dist/functions/state/codec.js';
import { decodeWordBlock, encodeWordBlock } from '../dist/functions/state/word-block.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const book = readFileSync(join(root, '..', 'shared', 'corpora', 'war-and-peace-en.txt'));
const COPIES = 10;
const english = Buffer.concat(Array(COPIES).fill(book));
const nonLatin = Buffer.from(
  english
    .toString('utf8')
    .replace(/[a-z]/gi, (letter) =>
      String.fromCharCode(0x430 + (letter.toLowerCase().charCodeAt(0) - 97)),
    ),
);
const scratch = mkdtempSync(join(tmpdir(), 'wordcount-bench-'));
const lines = [];
const report = (line) => {
  lines.push(line);
  process.stdout.write(`${line}\n`);
};

/** Returns the best of `runs` timings of `work`, in seconds. */
function best(runs, work) {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

const mb = (bytes, seconds) => bytes / 1e6 / seconds;
const kernel = (bytes) => {
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

report(
  `## ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`,
);
report('');
report('| measurement | result |');
report('| --- | --- |');
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

const englishFile = join(scratch, 'english.txt');
writeFileSync(englishFile, english);
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

const counts = [...addTableTo(new Map(), kernel(book))].sort((a, b) =>
  compareCodePoints(a[0], b[0]),
);
const json = Buffer.from(JSON.stringify(Object.fromEntries(counts)));
const protobuf = encodeMessage('WordBlock', encodeWordBlock(counts));
const plain = encodeMessage('WordBlock', encodeWordBlock(counts, { compress: false }));
const encodeSeconds = best(5, () => encodeMessage('WordBlock', encodeWordBlock(counts)));
const jsonEncodeSeconds = best(5, () => JSON.stringify(Object.fromEntries(counts)));
const decodeSeconds = best(5, () => decodeWordBlock(decodeMessage('WordBlock', protobuf)));
const jsonDecodeSeconds = best(5, () => JSON.parse(json.toString('utf8')));
report(
  `| map output of War and Peace (${counts.length} words): JSON | ${json.length} bytes, encode ${(jsonEncodeSeconds * 1000).toFixed(1)} ms, decode ${(jsonDecodeSeconds * 1000).toFixed(1)} ms |`,
);
report(
  `| same, WordBlock front-coded, no DEFLATE | ${plain.length} bytes, ${(plain.length / json.length).toFixed(2)}× JSON |`,
);
report(
  `| same, WordBlock front-coded with DEFLATE | ${protobuf.length} bytes, ${(protobuf.length / json.length).toFixed(2)}× JSON, encode ${(encodeSeconds * 1000).toFixed(1)} ms, decode ${(decodeSeconds * 1000).toFixed(1)} ms |`,
);

const cli = join(root, 'dist', 'functions', 'cli', 'main.js');
const env = { ...process.env, XDG_CACHE_HOME: join(scratch, 'cache') };
const timeCommand = (args) => {
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, englishFile, '--top', '1', ...args], {
    env,
    encoding: 'utf8',
  });
  if (result.status !== 0) throw new Error(`wordcount ${args.join(' ')} failed: ${result.stderr}`);
  return (performance.now() - started) / 1000;
};
const inProcess = Math.min(timeCommand(['--in-process']), timeCommand(['--in-process']));
const functions = Math.min(timeCommand([]), timeCommand([]));
report(
  `| \`wordcount FILE\` on ${(english.length / 1e6).toFixed(1)} MB, folder store, with start-up and upload | ${functions.toFixed(2)} s through local functions, ${inProcess.toFixed(2)} s in process: ${(functions / inProcess).toFixed(1)}× |`,
);
report('');

appendFileSync(join(root, 'docs', 'benchmarks.md'), `${lines.join('\n')}\n`);
