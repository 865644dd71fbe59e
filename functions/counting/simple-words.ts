/**
 * The scanner's fast path: runs of words made only of ASCII letters and digits and two-byte
 * UTF-8 word characters, separated by ASCII bytes: most words of English, Cyrillic, Greek
 * and other text whose letters are ASCII or two-byte UTF-8. Anything else goes back to the
 * general state machine in scanner.ts, which follows the whole word rule.
 */
import { FOLDED_ASCII, TWO_BYTE_WORD } from './char-class.js';
import { keyBuffer } from './key-buffer.js';
import { MAX_WORD_BYTES } from './limits.js';
import { HASH_PARAMETERS, KEY_PREFIX_BYTES, type WordTable } from './word-table.js';

/**
 * Returns whether the bytes at `index` are a two-byte UTF-8 sequence (lead C2 to DF) of a
 * word character. Longer sequences and ill-formed bytes return false. Hot loops pass
 * TWO_BYTE_WORD from a local, which spares them a check of the imported binding per call.
 */
export function isTwoByteWordChar(
  bytes: Uint8Array,
  index: number,
  limit: number,
  twoByteWord: Uint8Array,
): boolean {
  const lead = bytes[index];
  if (lead < 0xc2 || lead > 0xdf || index + 1 >= limit) return false;
  const next = bytes[index + 1];
  if ((next & 0xc0) !== 0x80) return false;
  return twoByteWord[((lead & 0x1f) << 6) | (next & 0x3f)] !== 0;
}

/** Masks of the key bytes in a prefix int32 by key length, for lengths 0 to 8. */
const LOW_MASKS = Int32Array.of(0, 0xff, 0xffff, 0xffffff, -1, -1, -1, -1, -1);
const HIGH_MASKS = Int32Array.of(0, 0, 0, 0, 0, 0xff, 0xffff, 0xffffff, -1);
/** ORed into four ASCII letters or digits, lowercases them all. */
const FOLD_FOUR_ASCII = 0x20202020;

/**
 * Counts into `table` the simple words from `index` on, which must be outside any word and
 * at or after the first owned byte. Only words that start before `until` are counted, and
 * none is read past `limit`. `view` is a DataView of `bytes`.
 *
 * Returns the index where the general state machine continues, again outside any word:
 * `until` or later when the range is done, `limit` when the window ended, or the first
 * byte that the fast path does not handle. When that byte lies inside a word, or ends it
 * without being an ASCII separator other than the apostrophe, the result is the word's
 * start and the word is not counted, so the general machine counts it whole.
 */
export function countSimpleWords(
  bytes: Uint8Array,
  view: DataView,
  index: number,
  until: number,
  limit: number,
  table: WordTable,
): number {
  // Imported bindings copied to locals, so the loops read no module binding.
  const folded = FOLDED_ASCII;
  const twoByteWord = TWO_BYTE_WORD;
  const lowMasks = LOW_MASKS;
  const highMasks = HIGH_MASKS;
  const seed = HASH_PARAMETERS[0];
  const multiplier = HASH_PARAMETERS[1];
  const maxWordBytes = MAX_WORD_BYTES;
  const key = keyBuffer();
  const keyBytes = key.bytes;
  const prefix = key.prefix;
  const skipUntil = until < limit ? until : limit;

  for (;;) {
    // Separators: every ASCII byte that is not a letter or digit, the apostrophe included,
    // because outside a word it cannot join anything.
    while (index < skipUntil) {
      const byte = bytes[index];
      if (byte >= 0x80 || folded[byte] !== 0) break;
      index++;
    }
    if (index >= skipUntil) return index;
    if (bytes[index] >= 0x80 && !isTwoByteWordChar(bytes, index, limit, twoByteWord)) return index;

    // The ASCII letters and digits that start the word, found without copying or hashing.
    const wordStart = index;
    while (index < limit && folded[bytes[index]] !== 0) index++;
    if (index >= limit) return wordStart;
    let end = bytes[index];

    let keyLength = index - wordStart;
    let hash: number;
    let low: number;
    let high: number;
    if (end < 0x80 && keyLength <= KEY_PREFIX_BYTES && wordStart + KEY_PREFIX_BYTES <= limit) {
      // A short ASCII word: its key is its bytes lowercased, read four at a time.
      low = (view.getInt32(wordStart, true) | FOLD_FOUR_ASCII) & lowMasks[keyLength];
      high = (view.getInt32(wordStart + 4, true) | FOLD_FOUR_ASCII) & highMasks[keyLength];
      hash = Math.imul(Math.imul(seed ^ low, multiplier) ^ high, multiplier); // hashPrefix
    } else {
      // Any other word: copy and hash its key byte by byte, including two-byte characters.
      // The key grows by as many bytes as the input advances, so `stop` keeps the writes
      // inside the key buffer.
      const stop = wordStart + keyBytes.length < limit ? wordStart + keyBytes.length : limit;
      index = wordStart;
      keyLength = 0;
      hash = seed;
      prefix.setFloat64(0, 0);
      while (index < stop) {
        const byte = bytes[index];
        const folding = folded[byte];
        if (folding !== 0) {
          keyBytes[keyLength++] = folding;
          hash = Math.imul(hash ^ folding, multiplier);
          index++;
        } else {
          if (
            byte < 0x80 ||
            index + 1 >= stop ||
            !isTwoByteWordChar(bytes, index, limit, twoByteWord)
          ) {
            break;
          }
          const next = bytes[index + 1];
          keyBytes[keyLength++] = byte;
          keyBytes[keyLength++] = next;
          hash = Math.imul(Math.imul(hash ^ byte, multiplier) ^ next, multiplier);
          index += 2;
        }
      }
      if (index >= stop) return wordStart;
      end = bytes[index];
      if (end >= 0x80 || index - wordStart > maxWordBytes) return wordStart;
      low = prefix.getInt32(0, true);
      high = prefix.getInt32(4, true);
      if (keyLength <= KEY_PREFIX_BYTES) {
        hash = Math.imul(Math.imul(seed ^ low, multiplier) ^ high, multiplier); // hashPrefix
      }
    }

    // Only an ASCII separator other than the apostrophe ends a word here.
    if (end === 0x27) return wordStart;
    table.addPacked(keyBytes, keyLength, hash, low, high);
    index++;
  }
}
