/**
 * The word rule as a state machine over UTF-8 bytes. It counts the words that start inside
 * `[countFrom, countUntil)` and reads past `countUntil` until the last of them ends, which
 * is the ownership rule that makes every word counted by exactly one range.
 */
import { WordTooLongError } from '../lib/errors.js';
import { APOSTROPHE, FOLDED_ASCII, SEPARATOR, WORD, classify } from './char-class.js';
import { MAX_WORD_BYTES } from './limits.js';
import { INCOMPLETE, decodeUnit, findUnitStart } from './utf8.js';
import { HASH_SEED, hashKeyByte, type WordTable } from './word-table.js';

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
 * Word key buffer shared by all scans. Keys are the word's UTF-8 bytes with ASCII letters
 * lowercased and each joining U+2019 written as U+0027.
 */
let key = new Uint8Array(4096);

function growKey(needed: number): void {
  let capacity = key.length * 2;
  while (capacity < needed) capacity *= 2;
  const grown = new Uint8Array(capacity);
  grown.set(key);
  key = grown;
}

function addWord(
  table: WordTable,
  keyLength: number,
  hash: number,
  offset: number,
  length: number,
): void {
  if (length > MAX_WORD_BYTES) throw new WordTooLongError(offset, MAX_WORD_BYTES);
  table.add(key, keyLength, hash);
}

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

  let index = base === 0 ? 0 : findUnitStart(bytes, 0);
  let state = OUTSIDE;
  let owned = false;
  let wordStart = 0;
  let apostropheAt = 0;
  let keyLength = 0;
  let hash = HASH_SEED;

  for (;;) {
    if (index >= until && (state === OUTSIDE || !owned)) return base + index;

    if (state === IN_WORD && owned) {
      // Hot path: ASCII letters and digits inside a word.
      for (;;) {
        const stop = Math.min(limit, index + key.length - keyLength);
        while (index < stop) {
          const folded = FOLDED_ASCII[bytes[index]];
          if (folded === 0) break;
          key[keyLength++] = folded;
          hash = hashKeyByte(hash, folded);
          index++;
        }
        if (index < stop || index >= limit) break;
        growKey(key.length + 1);
      }
    }

    if (index >= limit) break;

    const byte = bytes[index];
    let length = 1;
    let charClass: number;
    if (byte < 0x80) {
      charClass = SEPARATOR;
      if (FOLDED_ASCII[byte] !== 0) charClass = WORD;
      else if (byte === 0x27) charClass = APOSTROPHE;
    } else {
      const unit = decodeUnit(bytes, index, limit, window.atEnd);
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
        hash = HASH_SEED;
      } else if (state === AFTER_APOSTROPHE) {
        state = IN_WORD;
        if (owned) {
          if (keyLength + 1 > key.length) growKey(keyLength + 1);
          key[keyLength++] = 0x27;
          hash = hashKeyByte(hash, 0x27);
        }
      }
      if (owned) {
        if (keyLength + length > key.length) growKey(keyLength + length);
        for (let i = 0; i < length; i++) {
          const keyByte = length === 1 ? FOLDED_ASCII[byte] : bytes[index + i];
          key[keyLength++] = keyByte;
          hash = hashKeyByte(hash, keyByte);
        }
      }
    } else if (state === IN_WORD) {
      if (charClass === APOSTROPHE) {
        state = AFTER_APOSTROPHE;
        apostropheAt = index;
      } else {
        if (owned) addWord(table, keyLength, hash, base + wordStart, index - wordStart);
        state = OUTSIDE;
      }
    } else if (state === AFTER_APOSTROPHE) {
      if (owned) addWord(table, keyLength, hash, base + wordStart, apostropheAt - wordStart);
      state = OUTSIDE;
    }
    index += length;
  }

  // The window ended at `index`, possibly before an incomplete character.
  if (window.atEnd) {
    if (state === IN_WORD && owned) {
      addWord(table, keyLength, hash, base + wordStart, index - wordStart);
    } else if (state === AFTER_APOSTROPHE && owned) {
      addWord(table, keyLength, hash, base + wordStart, apostropheAt - wordStart);
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
