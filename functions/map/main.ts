/** Entry point of the map function. */
import { readList } from '../lib/env.js';
import { runFunction } from '../lib/function-main.js';

await runFunction('map', 300, async (config) => {
  const { mapRoutes } = await import('./routes.js');
  return mapRoutes({
    store: config.state.store,
    limits: {
      stateBucket: config.state.bucket,
      inputBuckets: readList(process.env, 'INPUT_BUCKETS', [config.state.bucket]),
    },
  });
});
