#!/usr/bin/env node
/**
 * Measures, in one run on this machine:
 * - the map kernel against a naive regular-expression count and `tr | sort | uniq -c`;
 * - the map output's protobuf bytes against JSON;
 * - `wordcount FILE` through local functions against the single-process count;
 * - the whole workflow on a 330 MB stored input (MinIO and folder store) against the
 *   single-process count;
 * - where a map request's time goes.
 * Prints ratios and appends the results, with the machine's description, to docs/benchmarks.md.
 *
 * Usage: npm run bench [-- --only PART[,PART…]]   (reads ../shared/corpora/war-and-peace-en.txt)
 * Parts: kernel, output, cli, workflow, map-steps; all of them by default, in that order.
 */
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { measureCli } from './bench/cli.mjs';
import { measureKernel } from './bench/kernel.mjs';
import { measureMapOutput } from './bench/map-output.mjs';
import { measureMapSteps } from './bench/map-steps.mjs';
import { measureShortTimeout } from './bench/short-timeout.mjs';
import { measureWorkflow } from './bench/workflow.mjs';

const PARTS = {
  kernel: measureKernel,
  output: measureMapOutput,
  cli: measureCli,
  workflow: measureWorkflow,
  'map-steps': measureMapSteps,
  'short-timeout': measureShortTimeout,
};

function selectedParts(args) {
  const at = args.indexOf('--only');
  if (at === -1) return Object.keys(PARTS);
  const names = (args[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((name) => !(name in PARTS));
  if (names.length === 0 || unknown.length > 0) {
    process.stderr.write(
      `bench: invalid --only ${JSON.stringify(args[at + 1] ?? '')}: expected a comma-separated list of ${Object.keys(PARTS).join(', ')}\n`,
    );
    process.exit(2);
  }
  return Object.keys(PARTS).filter((name) => names.includes(name));
}

const parts = selectedParts(process.argv.slice(2));
const root = fileURLToPath(new URL('..', import.meta.url));
const book = readFileSync(join(root, '..', 'shared', 'corpora', 'war-and-peace-en.txt'));
const english = Buffer.concat(Array(10).fill(book));
const scratch = mkdtempSync(join(tmpdir(), 'wordcount-bench-'));
const englishFile = join(scratch, 'english.txt');
writeFileSync(englishFile, english);
const rows = [];
const sections = [];
/** Adds a row to the table of measurements. */
const report = (line) => {
  rows.push(line);
  process.stdout.write(`${line}\n`);
};
/** Adds a block of its own, such as a table with other columns, below the table of measurements. */
const section = (block) => {
  sections.push(block);
  process.stdout.write(`\n${block.join('\n')}\n`);
};
const load = () =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(', ');

const heading =
  `## ${new Date().toISOString().slice(0, 10)}: ${cpus().length} × ${cpus()[0].model}, ` +
  `${Math.round(totalmem() / 2 ** 30)} GiB, Node.js ${process.version}`;
const startLoad = load();
process.stdout.write(`${heading}\n\n`);
try {
  for (const name of parts) {
    await PARTS[name]({ root, scratch, book, english, englishFile, report, section });
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const lines = [
  heading,
  '',
  `Parts: ${parts.join(', ')}. Load average (1, 5, 15 min): ${startLoad} at the start, ` +
    `${load()} at the end; other programs shared the machine.`,
  '',
];
if (rows.length > 0) lines.push('| measurement | result |', '| --- | --- |', ...rows, '');
for (const block of sections) lines.push(...block, '');
const page = join(root, 'docs', 'benchmarks.md');
appendFileSync(page, `\n${lines.join('\n')}`);
// Prettier aligns the new tables like the older ones, so the page stays lint-clean.
execFileSync(join(root, 'node_modules', '.bin', 'prettier'), ['--write', page], {
  stdio: 'ignore',
});
