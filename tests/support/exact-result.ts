/** The check every fault-injection test ends with: the job's result equals a single naive pass. */
import type { CoordinatorClient } from '../../functions/cli/coordinator-client.js';
import { entries } from './count-by-ranges.js';
import { referenceCount } from './reference-count.js';

/** Fetches the job's whole result and expects exactly the counts of `bytes`. */
export async function expectExactResult(
  client: CoordinatorClient,
  jobId: string,
  bytes: Uint8Array,
): Promise<void> {
  const expected = referenceCount(bytes);
  const result = await client.resultJson(jobId);
  let total = 0;
  for (const count of expected.values()) total += count;
  expect(result.totalWords).toBe(total);
  expect(result.distinctWords).toBe(expected.size);
  expect(entries(new Map(result.words))).toEqual(entries(expected));
}
