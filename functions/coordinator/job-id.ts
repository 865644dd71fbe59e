/** Job ids derived from the input's identity and the user's parameters. */
import { createHash } from 'node:crypto';

import type { JobOptions, ObjectRef } from '../state/messages.js';

/**
 * Returns `j-` and 24 hex digits of a SHA-256 over the input's bucket, key and ETag and the
 * options that change the result's layout (SafeSize override, partitions). Derived values
 * such as the computed SafeSize are left out, so the same request maps to the same job even
 * after the measured rate changed.
 */
export function deriveJobId(input: ObjectRef, options: JobOptions): string {
  const identity = JSON.stringify([
    input.bucket,
    input.key,
    input.etag,
    options.safeSize,
    options.partitions,
  ]);
  return `j-${createHash('sha256').update(identity).digest('hex').slice(0, 24)}`;
}
