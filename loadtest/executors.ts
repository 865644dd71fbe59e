/**
 * The executors that run a scenario's steps. Each virtual user (VU) is an async loop that
 * starts iterations one after another. A step ends when its time is up and every iteration
 * that started has finished, where k6 would interrupt them after a grace period.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import type { Recorder, Tags } from './metrics.js';
import type { StepOptions } from './options.js';

export interface Iteration {
  vu: number;
  /** Iterations this VU started before this one, in this step. */
  iteration: number;
  /** Scenario and step tags, to pass on to requests and checks. */
  tags: Tags;
}

export type IterationFunction = (iteration: Iteration) => Promise<void>;

export interface StepRun {
  /** Human-readable name, such as `4 VUs` or `1→2 VUs`. */
  name: string;
  executor: StepOptions['executor'];
  startMs: number;
  endMs: number;
  /** Largest number of VUs the step runs at once. */
  vus: number;
  /** Time-weighted mean of the active VUs that the step schedules. */
  meanVus: number;
}

/** How often an inactive VU of a ramping step looks again whether it is needed, in ms. */
const RAMP_POLL_MS = 50;

export function stepName(step: StepOptions): string {
  const users = (n: number): string => `${n} VU${n === 1 ? '' : 's'}`;
  switch (step.executor) {
    case 'constant-vus':
      return users(step.vus);
    case 'ramping-vus':
      return `${step.startVus}→${users(step.targetVus)}`;
    case 'idle':
      return `idle ${step.durationSeconds} s`;
    case 'per-vu-iterations':
      return `burst ${users(step.vus)} × ${step.iterations}`;
  }
}

/**
 * Runs one step: records `iterations` and `iteration_duration` per iteration, and a failed
 * check named `iteration ran without an error` for an iteration that throws.
 */
export async function runStep(
  step: StepOptions,
  exec: IterationFunction,
  recorder: Recorder,
  tags: Tags,
): Promise<StepRun> {
  const startMs = recorder.now();
  const name = stepName(step);
  const iterate = async (vu: number, iteration: number): Promise<void> => {
    const started = recorder.now();
    let ok = true;
    try {
      await exec({ vu, iteration, tags });
    } catch (error) {
      ok = false;
      reportError(error);
    }
    recorder.add('iterations', 1, tags);
    recorder.add('iteration_duration', recorder.now() - started, tags);
    recorder.add('checks', ok ? 1 : 0, { ...tags, check: 'iteration ran without an error' });
  };

  const schedule = activeVus(step);
  const vus = maxVus(step);
  if (step.executor === 'idle') {
    await sleep(step.durationSeconds * 1000);
  } else if (step.executor === 'per-vu-iterations') {
    const deadline = startMs + step.maxDurationSeconds * 1000;
    await Promise.all(
      range(vus).map(async (vu) => {
        for (let i = 0; i < step.iterations && recorder.now() < deadline; i++) await iterate(vu, i);
      }),
    );
  } else {
    const endMs = startMs + step.durationSeconds * 1000;
    await Promise.all(
      range(vus).map(async (vu) => {
        let iteration = 0;
        while (recorder.now() < endMs) {
          const elapsedSeconds = (recorder.now() - startMs) / 1000;
          if (vu < schedule(elapsedSeconds)) await iterate(vu, iteration++);
          else await sleep(RAMP_POLL_MS);
        }
      }),
    );
  }
  return {
    name,
    executor: step.executor,
    startMs,
    endMs: recorder.now(),
    vus,
    meanVus: meanOf(schedule, 'durationSeconds' in step ? step.durationSeconds : 1),
  };
}

/** Returns the number of active VUs that a step schedules `t` seconds after it started. */
function activeVus(step: StepOptions): (t: number) => number {
  switch (step.executor) {
    case 'constant-vus':
    case 'per-vu-iterations':
      return () => step.vus;
    case 'idle':
      return () => 0;
    case 'ramping-vus': {
      const { startVus, targetVus, durationSeconds } = step;
      return (t) =>
        Math.round(
          startVus + ((targetVus - startVus) * Math.min(t, durationSeconds)) / durationSeconds,
        );
    }
  }
}

function maxVus(step: StepOptions): number {
  if (step.executor === 'idle') return 0;
  if (step.executor === 'ramping-vus') return Math.max(step.startVus, step.targetVus);
  return step.vus;
}

function meanOf(schedule: (t: number) => number, seconds: number): number {
  const points = 1000;
  let sum = 0;
  for (let i = 0; i < points; i++) sum += schedule(((i + 0.5) / points) * seconds);
  return sum / points;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Distinct iteration errors already written, so a failing target does not flood stderr. */
const reported = new Set<string>();

function reportError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  if (reported.has(message) || reported.size >= 20) return;
  reported.add(message);
  process.stderr.write(`loadtest: iteration failed: ${message}\n`);
}
