/**
 * Base class of every error this project raises on purpose. `code` is stable and
 * documented, so clients and logs can branch on it instead of parsing messages.
 */
export class WordcountError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Thrown when a run of word characters is longer than the documented maximum word length. */
export class WordTooLongError extends WordcountError {
  readonly offset: number;

  constructor(offset: number, maxWordBytes: number) {
    super(
      'WORD_TOO_LONG',
      `a word starting at byte ${offset} is longer than the maximum word length of ` +
        `${maxWordBytes} bytes; split the input or remove the run of letters, marks and numbers there`,
    );
    this.offset = offset;
  }
}

/** Thrown when a command line or request parameter is missing or invalid. */
export class UsageError extends WordcountError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Thrown when an input file cannot be used: missing, a directory, or unreadable. */
export class InputError extends WordcountError {
  readonly path: string;

  constructor(path: string, message: string, options?: ErrorOptions) {
    super('INPUT_UNUSABLE', message, options);
    this.path = path;
  }
}

/** Thrown when protobuf bytes or a JSON body do not form a valid message of the expected type. */
export class MessageFormatError extends WordcountError {
  constructor(message: string, options?: ErrorOptions) {
    super('MALFORMED_MESSAGE', message, options);
  }
}

/** Thrown when a request is well-formed but a field is missing or has an invalid value. */
export class InvalidRequestError extends WordcountError {
  constructor(message: string) {
    super('INVALID_REQUEST', message);
  }
}

/** Thrown when an object key or bucket name is not acceptable to the store. */
export class InvalidKeyError extends WordcountError {
  constructor(message: string) {
    super('INVALID_KEY', message);
  }
}

/** Thrown when a bucket does not exist. */
export class BucketNotFoundError extends WordcountError {
  constructor(
    readonly bucket: string,
    store: string,
  ) {
    super(
      'BUCKET_NOT_FOUND',
      `bucket ${bucket} not found in ${store}; create it or fix the bucket name`,
    );
  }
}

/** Thrown when an object does not exist. */
export class ObjectNotFoundError extends WordcountError {
  constructor(
    readonly bucket: string,
    readonly key: string,
    store: string,
  ) {
    super(
      'OBJECT_NOT_FOUND',
      `object ${bucket}/${key} not found in ${store}; check the bucket and key`,
    );
  }
}

/**
 * Thrown when the store rejects the credentials or denies access. Retrying cannot help: the
 * credentials or the store's policy must be fixed.
 */
export class StoreAuthError extends WordcountError {
  constructor(store: string, options?: ErrorOptions) {
    super(
      'STORE_AUTH_FAILED',
      `${store} rejected the credentials or denied access; check AWS_ACCESS_KEY_ID, ` +
        'AWS_SECRET_ACCESS_KEY and the bucket policy (do not retry)',
      options,
    );
  }
}

/** Thrown when the store cannot be reached or fails; a later retry may succeed. */
export class StoreUnavailableError extends WordcountError {
  constructor(store: string, options?: ErrorOptions) {
    const reason = options?.cause instanceof Error ? `: ${options.cause.message}` : '';
    super('STORE_UNAVAILABLE', `${store} is unavailable${reason}; retry later`, options);
  }
}

/** Thrown when a request names a bucket outside the configured input buckets. */
export class BucketNotAllowedError extends WordcountError {
  constructor(bucket: string, allowed: readonly string[]) {
    super(
      'BUCKET_NOT_ALLOWED',
      `bucket ${bucket} is not allowed; allowed input buckets: ${allowed.join(', ')}`,
    );
  }
}

/** Thrown when a stored object cannot be decoded or fails its checksum. */
export class CorruptObjectError extends WordcountError {
  constructor(message: string, options?: ErrorOptions) {
    super('CORRUPT_OBJECT', message, options);
  }
}

/** Thrown when the input object changed after the job was planned. */
export class InputChangedError extends WordcountError {
  constructor(bucket: string, key: string, expected: string, actual: string) {
    super(
      'INPUT_CHANGED',
      `input ${bucket}/${key} changed after the job was planned (ETag ${actual}, expected ${expected}); submit a new job`,
    );
  }
}

/** Thrown when no job has the requested id. */
export class JobNotFoundError extends WordcountError {
  constructor(jobId: string) {
    super('JOB_NOT_FOUND', `job ${jobId} not found; submit it with POST /jobs first`);
  }
}

/** Thrown when a client-chosen job id already belongs to a job with another input. */
export class JobConflictError extends WordcountError {
  constructor(jobId: string, existing: string, requested: string) {
    super(
      'JOB_CONFLICT',
      `job ${jobId} already counts ${existing}, not ${requested}; choose another job id`,
    );
  }
}

/** Thrown when a job's result is requested before the job is done. */
export class JobNotDoneError extends WordcountError {
  constructor(jobId: string, phase: string) {
    super('JOB_NOT_DONE', `job ${jobId} is not done yet (phase ${phase}); advance it or wait`);
  }
}

/** Thrown when a task still fails after its last attempt; the job can continue when resubmitted. */
export class TaskFailedError extends WordcountError {
  constructor(
    readonly task: string,
    attempts: number,
    lastError: string,
  ) {
    super('TASK_FAILED', `${task} failed after ${attempts} attempts; last error: ${lastError}`);
  }
}

/** Thrown when a failed job's result is requested; the job will not finish. */
export class JobFailedError extends WordcountError {
  constructor(jobId: string, reason: string) {
    super(
      'JOB_FAILED',
      `job ${jobId} failed and has no result: ${reason}; submit a new job after fixing the cause`,
    );
  }
}

/**
 * Thrown when a map or reduce invocation arrives too late in its time to count or merge
 * anything before its deadline.
 */
export class NoTimeLeftError extends WordcountError {
  /** @param task the task, for example `map chunk 3` or `reduce task 0` */
  constructor(task: string, timeoutSeconds: number, reserveSeconds: number) {
    super(
      'NO_TIME_LEFT',
      `${task} started with no time left to work before its deadline ` +
        `(timeout ${timeoutSeconds} s, hand-over reserve ${reserveSeconds} s); ` +
        'send it again, or raise FUNCTION_TIMEOUT_SECONDS if this repeats',
    );
  }
}

/**
 * Thrown when a task contains so many distinct words that storing them alone takes most of its
 * timeout, so no invocation can move it forward. Retrying cannot help; the job fails.
 */
export class TimeoutTooShortError extends WordcountError {
  constructor(task: string, distinctWords: number, storeMs: number, timeoutSeconds: number) {
    super(
      'TIMEOUT_TOO_SHORT',
      `${task} contains ${distinctWords} distinct words, and storing them takes about ` +
        `${(storeMs / 1000).toFixed(1)} s of its ${timeoutSeconds} s timeout, leaving no time to ` +
        'continue; raise the map and reduce timeouts, or use more partitions or a smaller --safe-size',
    );
  }
}
