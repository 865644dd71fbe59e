/** Entry point of the reduce function. */
import { readNumber } from '../lib/env.js';
import { runFunction } from '../lib/function-main.js';

await runFunction('reduce', 300, async (config, logger) => {
  const { reduceRoutes } = await import('./routes.js');
  // Test only: fault-injection tests make an instance slow so that it must hand over.
  const testMaxBytesPerSecond = readNumber(process.env, 'TEST_REDUCE_MAX_BYTES_PER_SECOND', 0, {
    min: 0,
  });
  if (testMaxBytesPerSecond > 0) {
    logger.warn(
      { testMaxBytesPerSecond },
      'TEST_REDUCE_MAX_BYTES_PER_SECOND slows this reduce instance down on purpose; unset it outside tests',
    );
  }
  // Test only: fault-injection tests kill an instance between its output and its receipt.
  const testCommitDelayMs = readNumber(process.env, 'TEST_REDUCE_COMMIT_DELAY_MS', 0, {
    min: 0,
    max: 600_000,
  });
  if (testCommitDelayMs > 0) {
    logger.warn(
      { testCommitDelayMs },
      'TEST_REDUCE_COMMIT_DELAY_MS delays every reduce commit on purpose; unset it outside tests',
    );
  }
  return reduceRoutes({
    store: config.state.store,
    limits: { stateBucket: config.state.bucket, inputBuckets: [config.state.bucket] },
    timeoutSeconds: config.timeoutSeconds,
    reserveSeconds: config.handoverReserveSeconds,
    testMaxBytesPerSecond: testMaxBytesPerSecond > 0 ? testMaxBytesPerSecond : undefined,
    testCommitDelayMs: testCommitDelayMs > 0 ? testCommitDelayMs : undefined,
  });
});
