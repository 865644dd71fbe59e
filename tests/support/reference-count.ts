/**
 * A deliberately naive single pass of the word rule, independent of the kernel: the whole
 * input decoded by TextDecoder, words found by one regular expression, each word
 * normalized on its own. Tests compare the kernel against it.
 */
const WORD = /[\p{L}\p{M}\p{N}]+(?:['\u2019][\p{L}\p{M}\p{N}]+)*/gu;

export function referenceCount(bytes: Uint8Array): Map<string, number> {
  const text = new TextDecoder('utf-8').decode(bytes);
  const counts = new Map<string, number>();
  for (const match of text.matchAll(WORD)) {
    const word = match[0].replaceAll('\u2019', "'").toLowerCase().normalize('NFC');
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}
