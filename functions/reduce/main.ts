/** Entry point of the reduce function. */
import { runFunction } from '../lib/function-main.js';

await runFunction('reduce', 300, async (config) => {
  const { reduceRoutes } = await import('./routes.js');
  return reduceRoutes({
    store: config.state.store,
    limits: { stateBucket: config.state.bucket, inputBuckets: [config.state.bucket] },
  });
});
