/** Entry point of the map function. */
import { readList, readNumber } from '../lib/env.js';
import { runFunction } from '../lib/function-main.js';

await runFunction('map', 300, async (config, logger) => {
  const { mapRoutes } = await import('./routes.js');
  // Test only: fault-injection tests make an instance slow so that it must hand over.
  const testMaxBytesPerSecond = readNumber(process.env, 'TEST_MAP_MAX_BYTES_PER_SECOND', 0, {
    min: 0,
  });
  if (testMaxBytesPerSecond > 0) {
    logger.warn(
      { testMaxBytesPerSecond },
      'TEST_MAP_MAX_BYTES_PER_SECOND slows this map instance down on purpose; unset it outside tests',
    );
  }
  return mapRoutes({
    store: config.state.store,
    limits: {
      stateBucket: config.state.bucket,
      inputBuckets: readList(process.env, 'INPUT_BUCKETS', [config.state.bucket]),
    },
    timeoutSeconds: config.timeoutSeconds,
    reserveSeconds: config.handoverReserveSeconds,
    testMaxBytesPerSecond: testMaxBytesPerSecond > 0 ? testMaxBytesPerSecond : undefined,
  });
});
