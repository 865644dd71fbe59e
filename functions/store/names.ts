/** Validation of bucket names and object keys, shared by both stores. */
import { InvalidKeyError } from '../lib/errors.js';

/** S3 bucket naming rules: 3 to 63 lowercase letters, digits, dots and hyphens. */
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Maximum key length in UTF-8 bytes, the S3 limit. */
const MAX_KEY_BYTES = 1024;

export function validateBucket(bucket: string): void {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
    throw new InvalidKeyError(
      `invalid bucket name ${JSON.stringify(bucket)}: expected 3 to 63 lowercase letters, digits, dots and hyphens`,
    );
  }
}

/**
 * Accepts keys whose segments are neither empty, `.` nor `..`, without control characters or
 * backslashes, so a key maps to a path inside its bucket folder in the directory store.
 */
export function validateKey(key: string): void {
  const problem = keyProblem(key);
  if (problem !== undefined)
    throw new InvalidKeyError(`invalid object key ${JSON.stringify(key)}: ${problem}`);
}

function keyProblem(key: string): string | undefined {
  if (key.length === 0) return 'it is empty';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES) return `it is longer than ${MAX_KEY_BYTES} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(key)) return 'it contains a control character or a backslash';
  for (const segment of key.split('/')) {
    if (segment === '') return 'it has an empty path segment (leading, trailing or double slash)';
    if (segment === '.' || segment === '..') return `it has a ${segment} segment`;
  }
  return undefined;
}

/** Validates a key prefix for listing: like a key, but it may end with a slash or be empty. */
export function validatePrefix(prefix: string): void {
  if (prefix === '') return;
  validateKey(prefix.endsWith('/') ? prefix.slice(0, -1) : prefix);
}
