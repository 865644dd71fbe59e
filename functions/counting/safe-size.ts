/**
 * SafeSize: the largest number of input bytes one map instance may take on so that it
 * finishes before the platform's timeout ends it.
 *
 *   SafeSize = rate × (T − reserve) × factor
 *
 * T is the smallest timeout on the map call's path in seconds, reserve covers start-up and
 * I/O in seconds, factor is a safety margin below 1, and rate is the measured input bytes
 * per second of map wall time.
 */
import { UsageError } from '../lib/errors.js';

export interface SafeSizeInputs {
  /** Smallest timeout on the map call's path, in seconds. */
  timeoutSeconds: number;
  /** Time kept free for start-up, reads and writes, in seconds. */
  reserveSeconds: number;
  /** Share of the remaining time that counting may use, in (0, 1]. */
  safetyFactor: number;
  /** Map throughput in input bytes per second of wall time. */
  bytesPerSecond: number;
}

/**
 * Defaults when nothing is configured or measured: Knative's default revision timeout of
 * 300 s (5 minutes), a 10 s reserve and half of the rest. The rate of 20 MB/s is well below
 * what the map kernel measures on one core, and it applies until map instances report rates.
 */
export const SAFE_SIZE_DEFAULTS: Readonly<SafeSizeInputs> = {
  timeoutSeconds: 300,
  reserveSeconds: 10,
  safetyFactor: 0.5,
  bytesPerSecond: 20_000_000,
};

/**
 * Returns SafeSize in whole bytes (at least 1).
 *
 * @throws UsageError when an input is out of range, naming the input and its value.
 */
export function computeSafeSize(inputs: SafeSizeInputs): number {
  const { timeoutSeconds, reserveSeconds, safetyFactor, bytesPerSecond } = inputs;
  if (!(timeoutSeconds > 0)) {
    throw new UsageError(`timeout must be more than 0 seconds, got ${timeoutSeconds}`);
  }
  if (!(reserveSeconds >= 0 && reserveSeconds < timeoutSeconds)) {
    throw new UsageError(
      `reserve must be at least 0 and less than the timeout of ${timeoutSeconds} s, got ${reserveSeconds}`,
    );
  }
  if (!(safetyFactor > 0 && safetyFactor <= 1)) {
    throw new UsageError(`safety factor must be in (0, 1], got ${safetyFactor}`);
  }
  if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond)) {
    throw new UsageError(
      `map rate must be a positive number of bytes per second, got ${bytesPerSecond}`,
    );
  }
  return Math.max(1, Math.floor(bytesPerSecond * (timeoutSeconds - reserveSeconds) * safetyFactor));
}
