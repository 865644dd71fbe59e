/** Planning a job: SafeSize from the timeouts and the measured map rate, then the byte ranges. */
import { computeSafeSize } from '../counting/safe-size.js';
import { planRanges, type ByteRange } from '../counting/ranges.js';
import type { JobOptions, RateEstimate, SafeSizePlan } from '../state/messages.js';
import type { CoordinatorConfig } from './config.js';

export type PlanSettings = Pick<
  CoordinatorConfig,
  | 'mapTimeoutSeconds'
  | 'pathTimeoutSeconds'
  | 'reserveSeconds'
  | 'safetyFactor'
  | 'initialMapBytesPerSecond'
  | 'minRangeBytes'
  | 'concurrency'
>;

/**
 * Returns the SafeSize inputs and result for a job. T is the smallest timeout on the map
 * call's path: the map function's own, or a smaller gateway or proxy timeout when one is
 * configured. The rate is the stored estimate once a job has measured one, otherwise the
 * configured initial rate; `options.safeSize` overrides the result.
 */
export function planSafeSize(
  settings: PlanSettings,
  options: JobOptions,
  rates: RateEstimate | undefined,
): SafeSizePlan {
  const timeoutSeconds = Math.min(
    settings.mapTimeoutSeconds,
    settings.pathTimeoutSeconds ?? Infinity,
  );
  const measured = rates !== undefined && rates.mapBytesPerSecond > 0;
  const bytesPerSecond = measured ? rates.mapBytesPerSecond : settings.initialMapBytesPerSecond;
  const computed = computeSafeSize({
    timeoutSeconds,
    reserveSeconds: settings.reserveSeconds,
    safetyFactor: settings.safetyFactor,
    bytesPerSecond,
  });
  const override = options.safeSize > 0;
  return {
    timeoutSeconds,
    reserveSeconds: settings.reserveSeconds,
    safetyFactor: settings.safetyFactor,
    bytesPerSecond,
    rateSource: rateSource(override, measured),
    safeSize: override ? options.safeSize : computed,
    minRangeBytes: settings.minRangeBytes,
    concurrency: options.concurrency > 0 ? options.concurrency : settings.concurrency,
  };
}

function rateSource(override: boolean, measured: boolean): string {
  if (override) return 'override';
  return measured ? 'measured' : 'default';
}

/**
 * Splits the input: ranges of at most SafeSize bytes, and at least one range per concurrent
 * task as long as each stays above the minimum range size.
 */
export function planJobRanges(size: number, plan: SafeSizePlan): ByteRange[] {
  return planRanges(size, {
    maxRangeBytes: plan.safeSize,
    minRanges: plan.concurrency,
    minRangeBytes: plan.minRangeBytes,
  });
}
