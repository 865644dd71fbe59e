/**
 * Turns word keys into the words of the result: each distinct key is decoded, lowercased
 * with the full default Unicode mapping (`String.prototype.toLowerCase`) and NFC-normalized
 * once, and keys that become the same word are merged.
 */
import { Buffer } from 'node:buffer';

import type { Counts } from './count-map.js';
import type { WordTable } from './word-table.js';

const utf8 = new TextDecoder('utf-8');

function isAscii(key: Uint8Array): boolean {
  for (let i = 0; i < key.length; i++) {
    if (key[i] >= 0x80) return false;
  }
  return true;
}

/**
 * Returns the word for a key. Keys already have lowercase ASCII letters and U+0027 for a
 * joining apostrophe, so an ASCII key is final as it is.
 */
export function wordOfKey(key: Uint8Array): string {
  if (isAscii(key))
    return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
  return utf8.decode(key).toLowerCase().normalize('NFC');
}

/** Adds the normalized words of `table` to `counts` and returns `counts`. */
export function addTableTo<C extends Counts>(counts: C, table: WordTable): C {
  table.forEach((key, count) => {
    const word = wordOfKey(key);
    counts.set(word, (counts.get(word) ?? 0) + count);
  });
  return counts;
}

/** Adds every count of `source` to `target` and returns `target`. */
export function mergeCounts<C extends Counts>(target: C, source: Counts): C {
  for (const [word, count] of source) target.set(word, (target.get(word) ?? 0) + count);
  return target;
}
