/**
 * Maximum length of one word in input bytes: 16 MiB. A longer run of word characters
 * fails the count with WordTooLongError, because a range would otherwise have to read
 * without bound past its end to finish its last word.
 */
export const MAX_WORD_BYTES = 16 * 1024 * 1024;

/**
 * Bytes a range reads before its start to learn whether it starts inside a word. Finding a
 * UTF-8 sequence boundary takes at most 3 bytes, and the apostrophe rule looks back two
 * characters of at most 4 bytes each, so 16 bytes leave a margin.
 */
export const LOOKBEHIND_BYTES = 16;

/**
 * Bytes a word may need after its last character: the apostrophe rule looks at the next
 * character after an apostrophe (4 + 4 bytes at most), plus the lookbehind of a restart.
 */
export const LOOKAHEAD_SLACK_BYTES = 16;

/** Default size of one read while a range is counted: 4 MiB. */
export const DEFAULT_WINDOW_BYTES = 4 * 1024 * 1024;
