/**
 * The scanner's contract written the slow way, one UTF-8 unit and one state transition at a
 * time with no fast path, so tests can compare the kernel's raw keys and resume offsets
 * against it on any bytes.
 */
import { APOSTROPHE, FOLDED_ASCII, WORD, classify } from '../../functions/counting/char-class.js';
import { INCOMPLETE, decodeUnit, findUnitStart } from '../../functions/counting/utf8.js';
import type { Window } from '../../functions/counting/scanner.js';

export interface ReferenceScan {
  /** Raw word keys as lowercase hex of their bytes, with counts. */
  keys: Map<string, number>;
  /** The offset scanWindow must return. */
  reached: number;
}

function hex(bytes: number[]): string {
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** Returns the words a scanWindow call must count and the offset it must return. */
export function referenceScan(
  window: Window,
  countFrom: number,
  countUntil: number,
): ReferenceScan {
  const { bytes, offset: base, atEnd } = window;
  const keys = new Map<string, number>();
  const add = (key: number[]): void => {
    keys.set(hex(key), (keys.get(hex(key)) ?? 0) + 1);
  };

  let index = base === 0 ? 0 : findUnitStart(bytes, 0);
  let inWord = false;
  let afterApostrophe = false;
  let owned = false;
  let wordStart = 0;
  let key: number[] = [];

  for (;;) {
    if (base + index >= countUntil && (!inWord || !owned)) return { keys, reached: base + index };
    if (index >= bytes.length) break;

    const byte = bytes[index];
    let length = 1;
    let charClass = 0;
    if (byte < 0x80) {
      if (FOLDED_ASCII[byte] !== 0) charClass = WORD;
      else if (byte === 0x27) charClass = APOSTROPHE;
    } else {
      const unit = decodeUnit(bytes, index, bytes.length, atEnd);
      if (unit === INCOMPLETE) break;
      if (unit < 0) length = -unit;
      else {
        length = unit & 7;
        charClass = classify(unit >>> 3);
      }
    }
    const unitBytes = [...bytes.subarray(index, index + length)];
    const folded = length === 1 && charClass === WORD ? [FOLDED_ASCII[byte]] : unitBytes;

    if (charClass === WORD) {
      if (!inWord) {
        inWord = true;
        wordStart = index;
        owned = base + index >= countFrom;
        key = [];
      } else if (afterApostrophe) {
        key.push(0x27);
      }
      afterApostrophe = false;
      key.push(...folded);
    } else if (inWord && !afterApostrophe && charClass === APOSTROPHE) {
      afterApostrophe = true;
    } else if (inWord) {
      if (owned) add(key);
      inWord = false;
      afterApostrophe = false;
    }
    index += length;
  }

  if (atEnd) {
    if (inWord && owned) add(key);
    return { keys, reached: base + index };
  }
  if (inWord && owned) return { keys, reached: base + wordStart };
  return { keys, reached: base + index };
}
