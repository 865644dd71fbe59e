/** The coordinator's settings, from the environment variables that the Helm chart sets. */
import { readFunctionConfig, type FunctionConfig } from '../lib/function-config.js';
import { readList, readNumber, readString, type Env } from '../lib/env.js';
import { UsageError } from '../lib/errors.js';
import { SAFE_SIZE_DEFAULTS } from '../counting/safe-size.js';
import { MAX_PARTITIONS } from '../state/partition.js';
import { callMs } from './call-time.js';

export interface CoordinatorConfig extends FunctionConfig {
  inputBuckets: string[];
  mapUrl: string;
  reduceUrl: string;
  mapTimeoutSeconds: number;
  reduceTimeoutSeconds: number;
  /** Smallest timeout of a gateway, activator or ingress on the path to the functions, if declared. */
  pathTimeoutSeconds: number | undefined;
  reserveSeconds: number;
  safetyFactor: number;
  initialMapBytesPerSecond: number;
  initialReduceBytesPerSecond: number;
  minRangeBytes: number;
  concurrency: number;
  partitions: number;
  maxAttempts: number;
  retryBaseMs: number;
  /** Seconds after a job ended before a sweep removes its intermediate objects. */
  cleanupRetentionSeconds: number;
  /** Seconds without progress after which a sweep removes what killed instances left in a job. */
  cleanupAbandonSeconds: number;
}

/** Seconds a coordinator request keeps free after its last task call, to write state and respond. */
export const COORDINATOR_RESERVE_SECONDS = 5;

/**
 * Reads the configuration.
 *
 * @throws UsageError naming the variable, also when the coordinator's timeout leaves no room
 *   for a single map or reduce call.
 */
export function readCoordinatorConfig(env: Env): CoordinatorConfig {
  const base = readFunctionConfig(env, 600);
  const pathTimeout = readNumber(env, 'PATH_TIMEOUT_SECONDS', 0, { min: 0, max: 86_400 });
  const config: CoordinatorConfig = {
    ...base,
    inputBuckets: readList(env, 'INPUT_BUCKETS', [base.state.bucket]),
    mapUrl: readString(env, 'MAP_URL'),
    reduceUrl: readString(env, 'REDUCE_URL'),
    mapTimeoutSeconds: readNumber(env, 'MAP_TIMEOUT_SECONDS', SAFE_SIZE_DEFAULTS.timeoutSeconds, {
      min: 1,
      max: 86_400,
    }),
    reduceTimeoutSeconds: readNumber(
      env,
      'REDUCE_TIMEOUT_SECONDS',
      SAFE_SIZE_DEFAULTS.timeoutSeconds,
      { min: 1, max: 86_400 },
    ),
    pathTimeoutSeconds: pathTimeout === 0 ? undefined : pathTimeout,
    reserveSeconds: 0,
    safetyFactor: readNumber(env, 'SAFE_SIZE_FACTOR', SAFE_SIZE_DEFAULTS.safetyFactor, {
      min: 0.01,
      max: 1,
    }),
    initialMapBytesPerSecond: readNumber(
      env,
      'INITIAL_MAP_BYTES_PER_SECOND',
      SAFE_SIZE_DEFAULTS.bytesPerSecond,
      { min: 1 },
    ),
    initialReduceBytesPerSecond: readNumber(env, 'INITIAL_REDUCE_BYTES_PER_SECOND', 10_000_000, {
      min: 1,
    }),
    minRangeBytes: readNumber(env, 'MIN_RANGE_BYTES', 8 * 1024 * 1024, { min: 1, integer: true }),
    concurrency: readNumber(env, 'CONCURRENCY', 2, { min: 1, max: 10_000, integer: true }),
    partitions: readNumber(env, 'PARTITIONS', 256, { min: 1, max: MAX_PARTITIONS, integer: true }),
    maxAttempts: readNumber(env, 'MAX_ATTEMPTS', 4, { min: 1, max: 100, integer: true }),
    retryBaseMs: readNumber(env, 'RETRY_BASE_MS', 200, { min: 0, max: 600_000 }),
    cleanupRetentionSeconds: readNumber(env, 'CLEANUP_RETENTION_SECONDS', 3600, {
      min: 0,
      max: 10 * 365 * 86_400,
    }),
    cleanupAbandonSeconds: readNumber(env, 'CLEANUP_ABANDON_SECONDS', 86_400, {
      min: 0,
      max: 10 * 365 * 86_400,
    }),
  };

  // The reserve defaults to 10 s, but to at most a fifth of the map call's smallest timeout.
  const mapPathSeconds = Math.min(config.mapTimeoutSeconds, config.pathTimeoutSeconds ?? Infinity);
  config.reserveSeconds = readNumber(
    env,
    'SAFE_SIZE_RESERVE_SECONDS',
    Math.min(SAFE_SIZE_DEFAULTS.reserveSeconds, mapPathSeconds / 5),
    { min: 0, max: 86_400 },
  );
  if (config.reserveSeconds >= mapPathSeconds) {
    throw new UsageError(
      `SAFE_SIZE_RESERVE_SECONDS=${config.reserveSeconds} leaves no time to count within the map ` +
        `call's timeout of ${mapPathSeconds} s; set it below that, for example to ${mapPathSeconds / 5}`,
    );
  }

  const longestCall = Math.max(config.mapTimeoutSeconds, config.reduceTimeoutSeconds);
  const needed = callMs(longestCall) / 1000 + COORDINATOR_RESERVE_SECONDS;
  if (config.timeoutSeconds < needed) {
    throw new UsageError(
      `FUNCTION_TIMEOUT_SECONDS=${config.timeoutSeconds} of the coordinator leaves no room for a map or reduce call ` +
        `of up to ${longestCall} s plus its margin; set it to at least ${Math.ceil(needed)}`,
    );
  }
  return config;
}
