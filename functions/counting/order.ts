/** Result order: count descending, then word in Unicode code point order. */

/**
 * Maps a UTF-16 code unit so that plain numeric order becomes code point order: surrogates
 * (which encode characters above U+FFFF) move above U+E000..U+FFFF.
 */
function codePointRank(codeUnit: number): number {
  if (codeUnit < 0xd800) return codeUnit;
  return codeUnit >= 0xe000 ? codeUnit - 0x800 : codeUnit + 0x2000;
}

/** Compares two strings in Unicode code point order (not UTF-16 code unit order). */
export function compareCodePoints(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

/** A word and its number of occurrences. */
export type WordCount = [word: string, count: number];

/** Compares two entries: higher count first, then code point order of the words. */
export function compareWordCounts(a: WordCount, b: WordCount): number {
  return b[1] - a[1] || compareCodePoints(a[0], b[0]);
}

/** Returns the entries of `counts` in result order. */
export function sortWordCounts(counts: Iterable<[string, number]>): WordCount[] {
  return [...counts].sort(compareWordCounts);
}
