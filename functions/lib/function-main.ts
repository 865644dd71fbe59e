/**
 * The common entry point of a function process: configuration, logger, server. The route
 * modules load only in processes that serve requests, so a primary that just forks workers
 * starts fast.
 */
import cluster from 'node:cluster';

import type { Router } from 'express';

import { readFunctionConfig, type FunctionConfig } from './function-config.js';
import { startFunction, startWorkers } from './http/serve.js';
import { createLogger, type Logger } from './log.js';

/**
 * Starts function `name` from the environment. `routes` builds the function's routes from
 * its configuration. A configuration error is logged and ends the process with exit code 1.
 */
export async function runFunction(
  name: string,
  defaultTimeoutSeconds: number,
  routes: (config: FunctionConfig, logger: Logger) => Promise<Router>,
): Promise<void> {
  const logger = createLogger(name);
  let config: FunctionConfig;
  try {
    config = readFunctionConfig(process.env, defaultTimeoutSeconds);
  } catch (error) {
    return fatal(logger, name, error);
  }
  if (config.workers > 1 && cluster.isPrimary) {
    startWorkers(name, config.workers, logger);
    return;
  }

  let router: Router;
  try {
    router = await routes(config, logger);
  } catch (error) {
    return fatal(logger, name, error);
  }
  const { createApp } = await import('./http/app.js');
  await startFunction({
    name,
    port: config.port,
    timeoutSeconds: config.timeoutSeconds,
    logger,
    createApp: (isReady) =>
      createApp({ logger, maxBodyBytes: config.maxBodyBytes, routes: router, isReady }),
  });
}

function fatal(logger: Logger, name: string, error: unknown): never {
  logger.fatal({ err: error }, `${name} cannot start: ${(error as Error).message}`);
  process.exit(1);
}
