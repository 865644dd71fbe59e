/**
 * Character classes of the word rule, taken from the Unicode data of the running Node.js
 * through `\p{…}` regular expressions, so the rule follows the runtime's Unicode version.
 */

/** Not part of any word. */
export const SEPARATOR = 0;
/** A letter, combining mark or number (general categories L, M, N). */
export const WORD = 1;
/** U+0027 or U+2019: joins two word characters, otherwise a separator. */
export const APOSTROPHE = 2;

export type CharClass = typeof SEPARATOR | typeof WORD | typeof APOSTROPHE;

const PLANE_SIZE = 0x10000;
const WORD_CHAR = /^[\p{L}\p{M}\p{N}]$/u;

function buildPlane(plane: number): Uint8Array {
  const table = new Uint8Array(PLANE_SIZE);
  const first = plane * PLANE_SIZE;

  for (let offset = 0; offset < PLANE_SIZE; offset++) {
    const codePoint = first + offset;
    if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue; // surrogates are not characters
    if (WORD_CHAR.test(String.fromCodePoint(codePoint))) table[offset] = WORD;
  }
  return table;
}

/** Classes of the Basic Multilingual Plane, built at load time (about 7 ms). */
const bmp = buildPlane(0);
bmp[0x27] = APOSTROPHE;
bmp[0x2019] = APOSTROPHE;

/**
 * 1 for the word characters among U+0080 to U+07FF, the characters of two-byte UTF-8
 * sequences, and 0 for the rest, by code point.
 */
export const TWO_BYTE_WORD = new Uint8Array(0x800);
for (let codePoint = 0x80; codePoint < 0x800; codePoint++) {
  if (bmp[codePoint] === WORD) TWO_BYTE_WORD[codePoint] = 1;
}

/** Classes of the supplementary planes, each built on its first use. */
const astralPlanes: (Uint8Array | undefined)[] = new Array(17);

/** Returns the word-rule class of a Unicode scalar value. */
export function classify(codePoint: number): CharClass {
  if (codePoint < PLANE_SIZE) return bmp[codePoint] as CharClass;

  const plane = codePoint >>> 16;
  let table = astralPlanes[plane];
  if (table === undefined) {
    table = buildPlane(plane);
    astralPlanes[plane] = table;
  }
  return table[codePoint & 0xffff] as CharClass;
}

/**
 * Lowercased ASCII word bytes: `FOLDED_ASCII[b]` is the lowercase byte for an ASCII letter
 * or digit and 0 for every other byte, so one lookup both classifies and folds.
 */
export const FOLDED_ASCII = new Uint8Array(256);
for (let byte = 0x30; byte <= 0x39; byte++) FOLDED_ASCII[byte] = byte;
for (let byte = 0x61; byte <= 0x7a; byte++) FOLDED_ASCII[byte] = byte;
for (let byte = 0x41; byte <= 0x5a; byte++) FOLDED_ASCII[byte] = byte + 0x20;
