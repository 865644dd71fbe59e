/** Settings every function reads from its environment; the Helm chart sets the same names. */
import { availableParallelism } from 'node:os';

import { openStore, s3SettingsFromEnv, type OpenedStore } from '../store/open-store.js';
import { readNumber, readString, type Env } from './env.js';
import { UsageError } from './errors.js';

export interface FunctionConfig {
  port: number;
  /** The function's timeout: how long one request may run, in seconds. */
  timeoutSeconds: number;
  /**
   * Seconds a map or reduce invocation keeps free before its timeout to store a checkpoint
   * and respond: it hands the rest of its task over when the next step would end later.
   */
  handoverReserveSeconds: number;
  workers: number;
  maxBodyBytes: number;
  state: OpenedStore;
}

/** Returns the default hand-over reserve: 10 s, but at most a fifth of the timeout. */
export function defaultHandoverReserveSeconds(timeoutSeconds: number): number {
  return Math.min(10, timeoutSeconds / 5);
}

export function readFunctionConfig(env: Env, defaultTimeoutSeconds: number): FunctionConfig {
  const timeoutSeconds = readNumber(env, 'FUNCTION_TIMEOUT_SECONDS', defaultTimeoutSeconds, {
    min: 1,
    max: 86_400,
  });
  const handoverReserveSeconds = readNumber(
    env,
    'HANDOVER_RESERVE_SECONDS',
    defaultHandoverReserveSeconds(timeoutSeconds),
    { min: 0, max: 86_400 },
  );
  if (handoverReserveSeconds >= timeoutSeconds) {
    throw new UsageError(
      `HANDOVER_RESERVE_SECONDS=${handoverReserveSeconds} leaves no time to work within ` +
        `FUNCTION_TIMEOUT_SECONDS=${timeoutSeconds}; set it below the timeout, for example to ` +
        `${defaultHandoverReserveSeconds(timeoutSeconds)}`,
    );
  }
  return {
    port: readNumber(env, 'PORT', 8080, { min: 0, max: 65535, integer: true }),
    timeoutSeconds,
    handoverReserveSeconds,
    workers: readNumber(env, 'WORKERS', 1, {
      min: 1,
      max: 4 * availableParallelism(),
      integer: true,
    }),
    maxBodyBytes: readNumber(env, 'MAX_BODY_BYTES', 16 * 1024 * 1024, {
      min: 1024,
      max: 1024 ** 3,
      integer: true,
    }),
    state: openStore(readString(env, 'WORDCOUNT_STORE'), s3SettingsFromEnv(env)),
  };
}
