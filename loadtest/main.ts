#!/usr/bin/env node
/**
 * `npm run loadtest` and `npm run loadtest:smoke`: the load runner's command line.
 *
 *   node dist/loadtest/main.js [--smoke] [--out DIR] [--scenario NAME,...]
 *   node dist/loadtest/main.js plot SUMMARY_JSON [OUT_SVG]
 *
 * Exit codes follow k6: 0 when every threshold passed, 99 when one failed; 2 for a usage
 * error and 1 when the run itself failed.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

import { UsageError } from '../functions/lib/errors.js';
import { PACKAGE_ROOT } from '../functions/lib/package-root.js';
import { FULL, SMOKE } from './config.js';
import { renderPlot } from './plot.js';
import { RESULT_FILES, runLoadTest } from './run.js';
import type { RunSummary } from './summary.js';

const THRESHOLDS_FAILED = 99;

/** The English book that the project's corpus tests read, beside the clone. */
const DEFAULT_TEXT = join(PACKAGE_ROOT, '..', 'shared', 'corpora', 'war-and-peace-en.txt');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      smoke: { type: 'boolean', default: false },
      out: { type: 'string' },
      scenario: { type: 'string' },
    },
  });
  if (positionals[0] === 'plot') return plot(positionals.slice(1));
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument ${positionals[0]}: expected options or \`plot\``);
  }

  const options = values.smoke ? SMOKE : FULL;
  const outDir =
    values.out ?? join(PACKAGE_ROOT, 'results', values.smoke ? 'loadtest-smoke' : 'loadtest');
  const only = (values.scenario ?? process.env.LOADTEST_SCENARIOS ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  const summary = await runLoadTest({
    options,
    outDir,
    env: process.env,
    textFile: process.env.LOADTEST_TEXT || DEFAULT_TEXT,
    only,
    log: (line) => process.stderr.write(`${line}\n`),
  });

  for (const result of summary.thresholds) {
    const value = result.value === undefined ? 'no samples' : result.value.toFixed(3);
    process.stderr.write(
      `  ${result.ok ? 'passed' : 'FAILED'}  ${result.key}: ${result.expression} (${value})\n`,
    );
  }
  process.stderr.write(
    `loadtest: ${summary.ok ? 'all thresholds passed' : 'thresholds failed'}; ` +
      `results in ${outDir} (${RESULT_FILES.summary}, ${RESULT_FILES.report}, ${RESULT_FILES.plot})\n`,
  );
  return summary.ok ? 0 : THRESHOLDS_FAILED;
}

function plot(args: string[]): number {
  const [input, output = input?.replace(/\.json$/, '.svg')] = args;
  if (input === undefined || output === input) {
    throw new UsageError('usage: main.js plot SUMMARY_JSON [OUT_SVG]');
  }
  const summary = JSON.parse(readFileSync(input, 'utf8')) as RunSummary;
  writeFileSync(output, renderPlot(summary));
  process.stderr.write(`loadtest: wrote ${output}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`loadtest: ${(error as Error).message}\n`);
    process.exitCode = error instanceof UsageError ? 2 : 1;
  },
);
