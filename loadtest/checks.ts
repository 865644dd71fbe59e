/** k6's `check`: a named condition recorded in the `checks` rate, which thresholds can gate. */
import type { Recorder, Tags } from './metrics.js';

export function check(recorder: Recorder, name: string, ok: boolean, tags: Tags): boolean {
  recorder.add('checks', ok ? 1 : 0, { ...tags, check: name });
  return ok;
}
