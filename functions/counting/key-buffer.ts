/**
 * The buffer in which scans build word keys: the word's UTF-8 bytes with ASCII letters
 * lowercased and each joining U+2019 written as U+0027. One buffer serves every scan,
 * because a scan runs to its end without yielding.
 */

export interface KeyBuffer {
  bytes: Uint8Array;
  /**
   * View of the first eight bytes of `bytes`, read as the two little-endian int32s of the
   * key's prefix (see `hashPrefix`). A scan zeroes them at each word start, so that bytes
   * past the end of a short key read as zero.
   */
  prefix: DataView;
}

const INITIAL_BYTES = 4096;

let current = wrap(new Uint8Array(INITIAL_BYTES));

function wrap(bytes: Uint8Array): KeyBuffer {
  return { bytes, prefix: new DataView(bytes.buffer, bytes.byteOffset, 8) };
}

/** Returns the shared key buffer. */
export function keyBuffer(): KeyBuffer {
  return current;
}

/** Replaces the shared key buffer by one of at least `needed` bytes with the same contents. */
export function growKeyBuffer(needed: number): KeyBuffer {
  let capacity = current.bytes.length * 2;
  while (capacity < needed) capacity *= 2;
  const bytes = new Uint8Array(capacity);
  bytes.set(current.bytes);
  current = wrap(bytes);
  return current;
}
