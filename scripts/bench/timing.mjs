/** Timing helpers shared by the benchmark's parts. */

/** Returns the best of `runs` timings of `work`, in seconds. */
export function best(runs, work) {
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    work();
    fastest = Math.min(fastest, (performance.now() - started) / 1000);
  }
  return fastest;
}

/** Returns a rate in MB/s (10^6 bytes per second). */
export const mb = (bytes, seconds) => bytes / 1e6 / seconds;
