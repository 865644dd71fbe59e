/** Settings every function reads from its environment; the Helm chart sets the same names. */
import { availableParallelism } from 'node:os';

import { openStore, s3SettingsFromEnv, type OpenedStore } from '../store/open-store.js';
import { readNumber, readString, type Env } from './env.js';

export interface FunctionConfig {
  port: number;
  /** The function's timeout: how long one request may run, in seconds. */
  timeoutSeconds: number;
  workers: number;
  maxBodyBytes: number;
  state: OpenedStore;
}

export function readFunctionConfig(env: Env, defaultTimeoutSeconds: number): FunctionConfig {
  return {
    port: readNumber(env, 'PORT', 8080, { min: 0, max: 65535, integer: true }),
    timeoutSeconds: readNumber(env, 'FUNCTION_TIMEOUT_SECONDS', defaultTimeoutSeconds, {
      min: 1,
      max: 86_400,
    }),
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
