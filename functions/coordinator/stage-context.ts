/** The services and settings that the stages of a job share inside one coordinator request. */
import type { Logger } from '../lib/log.js';
import type { CoordinatorConfig } from './config.js';
import type { FunctionClient } from './function-client.js';
import type { JobState } from './job-state.js';
import type { RetryPolicy } from './run-task.js';

export interface StageContext {
  config: CoordinatorConfig;
  state: JobState;
  map: FunctionClient;
  reduce: FunctionClient;
  retry: RetryPolicy;
  log: Logger;
}
