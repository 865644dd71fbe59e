/**
 * UTF-8 decoding one unit at a time, with the error handling of the WHATWG Encoding
 * Standard that `TextDecoder` implements: each maximal subpart of an ill-formed sequence
 * decodes to one U+FFFD, and the byte that ended it starts the next unit.
 */

/**
 * Result of `decodeUnit` packed into one number, which keeps the scanner free of allocations.
 * A positive result is a character (`codePoint << 3 | length`). A negative result is an
 * ill-formed unit of `-result` bytes. Zero means the bytes end before the unit is complete.
 */
export type PackedUnit = number;

export const INCOMPLETE: PackedUnit = 0;

/**
 * Decodes the unit that starts at `index`, whose byte is at least 0x80. When `atEnd` is true,
 * `limit` is the end of the input, so a truncated sequence there is ill-formed rather than
 * incomplete.
 */
export function decodeUnit(
  bytes: Uint8Array,
  index: number,
  limit: number,
  atEnd: boolean,
): PackedUnit {
  const lead = bytes[index];
  let needed: number;
  let lower = 0x80;
  let upper = 0xbf;
  let codePoint: number;

  if (lead >= 0xc2 && lead <= 0xdf) {
    needed = 1;
    codePoint = lead & 0x1f;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    if (lead === 0xe0) lower = 0xa0;
    if (lead === 0xed) upper = 0x9f; // no surrogates
    needed = 2;
    codePoint = lead & 0x0f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    if (lead === 0xf0) lower = 0x90;
    if (lead === 0xf4) upper = 0x8f; // nothing above U+10FFFF
    needed = 3;
    codePoint = lead & 0x07;
  } else {
    return -1; // a continuation byte, an overlong lead (C0, C1) or F5 to FF
  }

  let next = index + 1;
  while (needed > 0) {
    if (next >= limit) return atEnd ? -(next - index) : INCOMPLETE;

    const byte = bytes[next];
    if (byte < lower || byte > upper) return -(next - index);

    codePoint = (codePoint << 6) | (byte & 0x3f);
    lower = 0x80;
    upper = 0xbf;
    needed--;
    next++;
  }
  return (codePoint << 3) | (next - index);
}

function isContinuation(byte: number): boolean {
  return byte >= 0x80 && byte <= 0xbf;
}

/**
 * Returns the first index at or after `from` where a unit certainly starts, looking only at
 * bytes inside `bytes`. A byte that is not a continuation byte always starts a unit, and so
 * does any byte after three continuation bytes, because no sequence has more than three.
 * Returns at most `from + 3`, or `bytes.length` when the bytes end first.
 */
export function findUnitStart(bytes: Uint8Array, from: number): number {
  for (let index = from; index < bytes.length; index++) {
    if (!isContinuation(bytes[index])) return index;
    if (
      index >= 3 &&
      isContinuation(bytes[index - 1]) &&
      isContinuation(bytes[index - 2]) &&
      isContinuation(bytes[index - 3])
    ) {
      return index;
    }
  }
  return bytes.length;
}
