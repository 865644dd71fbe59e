/** Runs async work over items with at most `limit` in flight at once. */

/**
 * Calls `work` for each item, at most `limit` at a time, and resolves when all are done.
 * The first failure stops new work from starting and is rethrown once running work ends.
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;

  const runner = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  const runners = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, runner);
  await Promise.all(runners);
  if (failure !== undefined) throw failure.error;
}
