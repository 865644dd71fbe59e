/** Entry point of the coordinator function. */
import { runFunction } from '../lib/function-main.js';

await runFunction('coordinator', 600, async (_config, logger) => {
  const [
    { readCoordinatorConfig },
    { FunctionClient },
    { JobState },
    { coordinatorRoutes },
    { ensureStateBucket },
    { applyDeployedTimeouts },
  ] = await Promise.all([
    import('./config.js'),
    import('./function-client.js'),
    import('./job-state.js'),
    import('./routes.js'),
    import('./ensure-bucket.js'),
    import('./cluster-timeouts.js'),
  ]);
  const config = await applyDeployedTimeouts(
    readCoordinatorConfig(process.env),
    process.env,
    logger,
  );
  await ensureStateBucket(config.state, logger);
  const connections = Math.max(config.concurrency, 1) * 2;
  return coordinatorRoutes({
    config,
    state: new JobState(config.state.store, config.state.bucket),
    map: new FunctionClient(
      config.mapUrl.replace(/\/$/, '') + '/map',
      config.mapTimeoutSeconds,
      connections,
    ),
    reduce: new FunctionClient(
      config.reduceUrl.replace(/\/$/, '') + '/reduce',
      config.reduceTimeoutSeconds,
      connections,
    ),
    retry: { maxAttempts: config.maxAttempts, baseMs: config.retryBaseMs, capMs: 10_000 },
  });
});
