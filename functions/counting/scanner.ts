/**
 * The word rule as a state machine over UTF-8 bytes. It counts the words that start inside
 * `[countFrom, countUntil)` and reads past `countUntil` until the last of them ends, which
 * is the ownership rule that makes every word counted by exactly one range.
 */
import { WordTooLongError } from '../lib/errors.js';
import {
  APOSTROPHE,
  FOLDED_ASCII,
  SEPARATOR,
  TWO_BYTE_WORD,
  WORD,
  classify,
} from './char-class.js';
import { growKeyBuffer, keyBuffer, type KeyBuffer } from './key-buffer.js';
import { MAX_WORD_BYTES } from './limits.js';
import { countSimpleWords, isTwoByteWordChar } from './simple-words.js';
import { INCOMPLETE, decodeUnit, findUnitStart } from './utf8.js';
import { HASH_PARAMETERS, KEY_PREFIX_BYTES, type WordTable, hashPrefix } from './word-table.js';

/** Bytes of the input, starting at file offset `offset`. */
export interface Window {
  bytes: Uint8Array;
  offset: number;
  /** The bytes end where the input ends. */
  atEnd: boolean;
}

const OUTSIDE = 0;
const IN_WORD = 1;
/** In a word whose last character was an apostrophe: the next character decides. */
const AFTER_APOSTROPHE = 2;

/**
 * Counts into `table` every word that starts at a file offset in `[countFrom, countUntil)`
 * and ends inside the window. The window must start at or before `countFrom - LOOKBEHIND_BYTES`
 * (or at offset 0), so the scan can tell whether `countFrom` lies inside a word.
 *
 * Returns the file offset where counting continues: every owned word that starts before it
 * has been counted and none after it. A result at or beyond `countUntil` means the range is
 * done. A smaller result means the window ended first. The caller then reads a window that
 * starts `LOOKBEHIND_BYTES` before the result, and a larger one when the result did not
 * advance, because then a word is longer than the window.
 *
 * Outside words, the fast path in simple-words.ts counts runs of simple words. Inside an
 * owned word, ASCII and two-byte characters are folded and hashed in a tight loop. Every
 * other byte takes the general step, one UTF-8 unit at a time.
 *
 * @throws WordTooLongError when an owned word is longer than MAX_WORD_BYTES.
 */
export function scanWindow(
  window: Window,
  countFrom: number,
  countUntil: number,
  table: WordTable,
): number {
  const bytes = window.bytes;
  const limit = bytes.length;
  const base = window.offset;
  const from = countFrom - base;
  const until = countUntil - base;
  const atEnd = window.atEnd;
  const folded = FOLDED_ASCII;
  const twoByteWord = TWO_BYTE_WORD;
  const seed = HASH_PARAMETERS[0];
  const multiplier = HASH_PARAMETERS[1];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let key = keyBuffer();

  let index = base === 0 ? 0 : findUnitStart(bytes, 0);
  let state = OUTSIDE;
  let owned = false;
  let wordStart = 0;
  let apostropheAt = 0;
  let keyLength = 0;
  let hash = seed;

  for (;;) {
    if (state === OUTSIDE && index >= from && index < until) {
      index = countSimpleWords(bytes, view, index, until, limit, table);
    }
    if (index >= until && (state === OUTSIDE || !owned)) return base + index;

    if (state === IN_WORD && owned) {
      // ASCII and two-byte word characters. The key grows by as many bytes as the input
      // advances, so `stop` keeps the writes inside the key buffer.
      const keyBytes = key.bytes;
      const room = keyBytes.length - keyLength;
      const stop = index + room < limit ? index + room : limit;
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
          )
            break;
          const next = bytes[index + 1];
          keyBytes[keyLength++] = byte;
          keyBytes[keyLength++] = next;
          hash = Math.imul(Math.imul(hash ^ byte, multiplier) ^ next, multiplier);
          index += 2;
        }
      }
    }

    if (index >= limit) break;

    // General step: one UTF-8 unit.
    const byte = bytes[index];
    let length = 1;
    let charClass: number;
    if (byte < 0x80) {
      charClass = SEPARATOR;
      if (folded[byte] !== 0) charClass = WORD;
      else if (byte === 0x27) charClass = APOSTROPHE;
    } else {
      const unit = decodeUnit(bytes, index, limit, atEnd);
      if (unit === INCOMPLETE) break;
      if (unit < 0) {
        length = -unit;
        charClass = SEPARATOR;
      } else {
        length = unit & 7;
        charClass = classify(unit >>> 3);
      }
    }

    if (charClass === WORD) {
      if (state === OUTSIDE) {
        state = IN_WORD;
        wordStart = index;
        owned = index >= from;
        keyLength = 0;
        hash = seed;
        key.prefix.setFloat64(0, 0);
      } else if (state === AFTER_APOSTROPHE) {
        state = IN_WORD;
        if (owned) {
          if (keyLength + 1 > key.bytes.length) key = growKeyBuffer(keyLength + 1);
          key.bytes[keyLength++] = 0x27;
          hash = Math.imul(hash ^ 0x27, multiplier);
        }
      }
      if (owned) {
        if (keyLength + length > key.bytes.length) key = growKeyBuffer(keyLength + length);
        for (let i = 0; i < length; i++) {
          const keyByte = length === 1 ? folded[byte] : bytes[index + i];
          key.bytes[keyLength++] = keyByte;
          hash = Math.imul(hash ^ keyByte, multiplier);
        }
      }
    } else if (state === IN_WORD) {
      if (charClass === APOSTROPHE) {
        state = AFTER_APOSTROPHE;
        apostropheAt = index;
      } else {
        if (owned) addWord(table, key, keyLength, hash, base + wordStart, index - wordStart);
        state = OUTSIDE;
      }
    } else if (state === AFTER_APOSTROPHE) {
      if (owned) addWord(table, key, keyLength, hash, base + wordStart, apostropheAt - wordStart);
      state = OUTSIDE;
    }
    index += length;
  }

  // The window ended at `index`, possibly before an incomplete character.
  if (atEnd) {
    if (state === IN_WORD && owned) {
      addWord(table, key, keyLength, hash, base + wordStart, index - wordStart);
    } else if (state === AFTER_APOSTROPHE && owned) {
      addWord(table, key, keyLength, hash, base + wordStart, apostropheAt - wordStart);
    }
    return base + index;
  }
  if (state !== OUTSIDE && owned) {
    if (index - wordStart > MAX_WORD_BYTES)
      throw new WordTooLongError(base + wordStart, MAX_WORD_BYTES);
    return base + wordStart;
  }
  return base + index;
}

/**
 * Adds a word that the general step ended. `byteHash` is the hash of every key byte, which
 * is the table hash of long keys only (see `hashKey`).
 *
 * @throws WordTooLongError when the word spans more than MAX_WORD_BYTES input bytes.
 */
function addWord(
  table: WordTable,
  key: KeyBuffer,
  keyLength: number,
  byteHash: number,
  offset: number,
  length: number,
): void {
  if (length > MAX_WORD_BYTES) throw new WordTooLongError(offset, MAX_WORD_BYTES);
  const low = key.prefix.getInt32(0, true);
  const high = key.prefix.getInt32(4, true);
  const hash =
    keyLength <= KEY_PREFIX_BYTES
      ? hashPrefix(low, high, HASH_PARAMETERS[0], HASH_PARAMETERS[1])
      : byteHash;
  table.addPacked(key.bytes, keyLength, hash, low, high);
}
