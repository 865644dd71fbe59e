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
