/**
 * Running a load test: open the target, store the workload, run each scenario's steps one
 * after another, evaluate the thresholds and write the results. k6 runs scenarios side by
 * side by default, but here they would compete for the same cores.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { UsageError } from '../functions/lib/errors.js';
import { runStep, type StepRun } from './executors.js';
import { HttpClient } from './http.js';
import { Recorder } from './metrics.js';
import type { LoadTestOptions } from './options.js';
import { renderPlot } from './plot.js';
import { renderHtml } from './report-html.js';
import { createExec } from './scenarios.js';
import { buildSummary, stepSummary, type RunSummary } from './summary.js';
import { openTarget } from './target.js';
import { evaluateThresholds, parseKey } from './thresholds.js';
import { prepareWorkload } from './workload.js';

export interface RunSettings {
  options: LoadTestOptions;
  /** Directory for summary.json, report.html, scaling.svg and the local functions' log. */
  outDir: string;
  /** BASE_URL, MAP_URL and the other variables that name the target. */
  env: NodeJS.ProcessEnv;
  /** The text whose chunk and whole the jobs count. */
  textFile: string;
  /** Names of the scenarios to run; all when empty. */
  only: readonly string[];
  /** Receives a progress line per step. */
  log: (line: string) => void;
}

export const RESULT_FILES = {
  summary: 'summary.json',
  report: 'report.html',
  plot: 'scaling.svg',
  functionsLog: 'functions.log',
};

/** Runs the load test and writes its results; thresholds decide `summary.ok`. */
export async function runLoadTest(settings: RunSettings): Promise<RunSummary> {
  const { options, outDir, log } = settings;
  const scenarios = selectScenarios(options, settings.only);
  mkdirSync(outDir, { recursive: true });
  const startedAt = new Date();
  const target = await openTarget(settings.env, join(outDir, RESULT_FILES.functionsLog));
  const recorder = new Recorder();
  const http = new HttpClient(recorder);
  try {
    const runId = `load-${startedAt.getTime().toString(36)}-${randomBytes(2).toString('hex')}`;
    const workload = await prepareWorkload(target, options.workload, settings.textFile, runId);
    log(`loadtest: ${options.name} run ${runId} against ${target.description}`);

    const context = { http, recorder, target, workload, options };
    const steps: Record<string, StepRun[]> = {};
    for (const name of scenarios) {
      const scenario = options.scenarios[name];
      const exec = await createExec(name, scenario, context);
      steps[name] = [];
      for (const [index, step] of scenario.steps.entries()) {
        const tags = { scenario: name, step: String(index), ...scenario.tags };
        const run = await runStep(step, exec, recorder, tags);
        steps[name].push(run);
        log(progressLine(name, stepSummary(recorder, name, scenario, run, index)));
      }
    }

    const thresholds = evaluateThresholds(
      thresholdsFor(options.thresholds, scenarios),
      recorder,
      recorder.now() / 1000,
    );
    const summary = buildSummary({
      options,
      target: target.description,
      startedAt,
      recorder,
      workload,
      steps,
      thresholds,
    });
    writeFileSync(join(outDir, RESULT_FILES.summary), `${JSON.stringify(summary, null, 2)}\n`);
    writeFileSync(join(outDir, RESULT_FILES.report), renderHtml(summary));
    writeFileSync(join(outDir, RESULT_FILES.plot), renderPlot(summary));
    return summary;
  } finally {
    await http.close();
    await target.stop();
  }
}

function selectScenarios(options: LoadTestOptions, only: readonly string[]): string[] {
  const names = Object.keys(options.scenarios);
  const unknown = only.filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown scenario ${unknown.join(', ')}: expected some of ${names.join(', ')}`,
    );
  }
  return only.length === 0 ? names : names.filter((name) => only.includes(name));
}

/** Returns the thresholds without those filtered to a scenario that is not selected. */
function thresholdsFor(
  thresholds: Record<string, string[]>,
  scenarios: readonly string[],
): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(thresholds).filter(([key]) => {
      const scenario = parseKey(key).filter.scenario;
      return scenario === undefined || scenarios.includes(scenario);
    }),
  );
}

function progressLine(scenario: string, step: ReturnType<typeof stepSummary>): string {
  const head = step.headline;
  if (head === undefined) return `  ${scenario} ${step.name}: ${step.elapsedSeconds.toFixed(1)} s`;
  const p95 = head.p95Ms === undefined ? 'none' : `${head.p95Ms.toFixed(0)} ms`;
  return (
    `  ${scenario} ${step.name}: ${head.throughputPerSecond.toFixed(2)} ${head.unit}, p95 ${p95}, ` +
    `${(head.inputBytesPerSecond / 1e6).toFixed(1)} MB/s counted, ${head.failed} failed, ` +
    `${head.instances} instance${head.instances === 1 ? '' : 's'}` +
    (head.jobInstancesMax === undefined ? '' : `, up to ${head.jobInstancesMax} per job`)
  );
}
