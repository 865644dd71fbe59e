/**
 * Open-addressing hash table from word keys (UTF-8 bytes) to occurrence counts. Keys live
 * in one byte arena, so counting makes no string per occurrence. Strings are made once per
 * distinct key, when the table is read out.
 */

import { randomBytes } from 'node:crypto';

/** The standard FNV-1a offset basis, for hashes that must be equal in every process. */
export const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const INITIAL_SLOTS = 1 << 12;

/** Adds one byte to an FNV-1a hash, the hash of stored partitions. */
export function hashByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, FNV_PRIME);
}

const random = randomBytes(8);

/**
 * Start and multiplier of the table hash, which has FNV-1a's shape (xor a byte, or four
 * bytes of a short key, then multiply) but a random start and a random odd multiplier per
 * process. FNV-1a collisions
 * can be computed in advance, and an input made of them would put every word on one probe
 * chain and make counting quadratic. Random parameters make such inputs impossible to
 * prepare. Only in-memory tables use this hash, so nothing stored depends on it.
 */
export const HASH_SEED = random.readInt32LE(0);
export const HASH_MULTIPLIER = random.readInt32LE(4) | 0x01000001;

/**
 * HASH_SEED and HASH_MULTIPLIER for hot loops. V8's optimizing compiler reads an Int32Array
 * element as an int32. Read from a module constant instead, the multiplier was a tagged
 * number that Node.js 20's optimized code converted again before each Math.imul.
 */
export const HASH_PARAMETERS = Int32Array.of(HASH_SEED, HASH_MULTIPLIER);

/** Adds one byte to a table hash that starts at HASH_SEED. */
export function hashKeyByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, HASH_MULTIPLIER);
}

/** Int32 fields per entry record: hash, key length and the first eight key bytes. */
const RECORD_FIELDS = 4;
const HASH = 0;
const LENGTH = 1;
const PREFIX_LOW = 2;
const PREFIX_HIGH = 3;

/** Key bytes held in an entry record. A longer key compares the rest in the arena. */
export const KEY_PREFIX_BYTES = 8;

/**
 * Returns the hash of a key of at most KEY_PREFIX_BYTES bytes from its prefix, the key
 * bytes read as two little-endian int32s with zeros past the key's end. Keys contain no
 * zero byte, so the prefix alone identifies such a key. Hot loops pass `seed` and
 * `multiplier` from HASH_PARAMETERS.
 */
export function hashPrefix(low: number, high: number, seed: number, multiplier: number): number {
  return Math.imul(Math.imul(seed ^ low, multiplier) ^ high, multiplier);
}

/** Scratch space for the prefix of a key passed to `add` or `hashKey`. */
const scratch = new DataView(new ArrayBuffer(KEY_PREFIX_BYTES));

function readPrefix(key: Uint8Array, length: number): void {
  scratch.setFloat64(0, 0);
  for (let i = 0; i < length && i < KEY_PREFIX_BYTES; i++) scratch.setUint8(i, key[i]);
}

/**
 * Returns the table hash of `key[0, length)` as the scanner computes it: `hashPrefix` for
 * a key of at most KEY_PREFIX_BYTES bytes, and `hashKeyByte` over every byte from
 * HASH_SEED for a longer one.
 */
export function hashKey(key: Uint8Array, length: number): number {
  if (length <= KEY_PREFIX_BYTES) {
    readPrefix(key, length);
    const low = scratch.getInt32(0, true);
    const high = scratch.getInt32(4, true);
    return hashPrefix(low, high, HASH_SEED, HASH_MULTIPLIER);
  }
  let hash = HASH_SEED;
  for (let i = 0; i < length; i++) hash = hashKeyByte(hash, key[i]);
  return hash;
}

/** Returns the slot where the probe for `hash` starts. */
function firstSlot(hash: number, mask: number): number {
  // The high bits of a multiplicative hash depend on every input bit and the low bits do
  // not, so fold them into the slot index.
  return (hash ^ (hash >>> 15)) & mask;
}

export class WordTable {
  /** Slot → entry index + 1, or 0 when the slot is free. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  /** RECORD_FIELDS int32s per entry, so one cache line settles most lookups. */
  private records = new Int32Array((INITIAL_SLOTS / 2) * RECORD_FIELDS);
  private offsets = new Uint32Array(INITIAL_SLOTS / 2);
  private counts = new Float64Array(INITIAL_SLOTS / 2);
  private arena = new Uint8Array(64 * 1024);
  private arenaView = new DataView(this.arena.buffer);
  private arenaLength = 0;
  private entries = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.entries;
  }

  /** Sum of all counts. */
  get total(): number {
    let total = 0;
    for (let index = 0; index < this.entries; index++) total += this.counts[index];
    return total;
  }

  /**
   * Adds `count` to the key `key[0, length)` with hash `hash`. All adds to one table must
   * hash keys the same way, because equal keys must have equal hashes. The scanner hashes
   * as `hashKey` does.
   */
  add(key: Uint8Array, length: number, hash: number, count = 1): void {
    readPrefix(key, length);
    this.addPacked(key, length, hash, scratch.getInt32(0, true), scratch.getInt32(4, true), count);
  }

  /**
   * Adds `count` to the key `key[0, length)` like `add`, with its prefix (see `hashPrefix`)
   * already read into `low` and `high`. A key of at most KEY_PREFIX_BYTES bytes is read
   * from the prefix alone, and `key` may then hold anything.
   */
  addPacked(
    key: Uint8Array,
    length: number,
    hash: number,
    low: number,
    high: number,
    count = 1,
  ): void {
    const records = this.records;
    const slots = this.slots;
    const mask = this.mask;

    let slot = firstSlot(hash, mask);
    for (;;) {
      const entry = slots[slot];
      if (entry === 0) break;

      const index = entry - 1;
      const record = index * RECORD_FIELDS;
      // A short key is equal when its prefix and length are; the hash is for long keys.
      if (
        records[record + PREFIX_LOW] === low &&
        records[record + PREFIX_HIGH] === high &&
        records[record + LENGTH] === length &&
        (length <= KEY_PREFIX_BYTES ||
          (records[record + HASH] === hash && this.suffixEquals(index, key, length)))
      ) {
        this.counts[index] += count;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.insert(slot, key, length, hash, low, high, count);
  }

  /** Calls `visit` once per distinct key with a view of its bytes (valid only during the call). */
  forEach(visit: (key: Uint8Array, count: number) => void): void {
    for (let index = 0; index < this.entries; index++) {
      const offset = this.offsets[index];
      const length = this.records[index * RECORD_FIELDS + LENGTH];
      visit(this.arena.subarray(offset, offset + length), this.counts[index]);
    }
  }

  private suffixEquals(index: number, key: Uint8Array, length: number): boolean {
    const arena = this.arena;
    const offset = this.offsets[index];
    for (let i = KEY_PREFIX_BYTES; i < length; i++) {
      if (arena[offset + i] !== key[i]) return false;
    }
    return true;
  }

  private insert(
    slot: number,
    key: Uint8Array,
    length: number,
    hash: number,
    low: number,
    high: number,
    count: number,
  ): void {
    // A short key is written from its prefix, so callers need not store its bytes in `key`.
    // The eight bytes written may pass the key's end, and the next key overwrites them.
    const needed = Math.max(length, KEY_PREFIX_BYTES);
    if (this.arenaLength + needed > this.arena.length) this.growArena(needed);
    if (length <= KEY_PREFIX_BYTES) {
      this.arenaView.setInt32(this.arenaLength, low, true);
      this.arenaView.setInt32(this.arenaLength + 4, high, true);
    } else {
      this.arena.set(key.subarray(0, length), this.arenaLength);
    }

    const index = this.entries++;
    const record = index * RECORD_FIELDS;
    this.records[record + HASH] = hash;
    this.records[record + LENGTH] = length;
    this.records[record + PREFIX_LOW] = low;
    this.records[record + PREFIX_HIGH] = high;
    this.offsets[index] = this.arenaLength;
    this.counts[index] = count;
    this.arenaLength += length;
    this.slots[slot] = index + 1;

    // Keep the load factor at or below one half so probe sequences stay short.
    if (this.entries * 2 >= this.slots.length) this.growSlots();
  }

  private growArena(needed: number): void {
    let capacity = this.arena.length * 2;
    while (capacity < this.arenaLength + needed) capacity *= 2;
    const arena = new Uint8Array(capacity);
    arena.set(this.arena.subarray(0, this.arenaLength));
    this.arena = arena;
    this.arenaView = new DataView(arena.buffer);
  }

  private growSlots(): void {
    const capacity = this.slots.length * 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let index = 0; index < this.entries; index++) {
      const hash = this.records[index * RECORD_FIELDS + HASH];
      let slot = firstSlot(hash, this.mask);
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = index + 1;
    }
    this.records = grow(this.records, (capacity / 2) * RECORD_FIELDS);
    this.offsets = grow(this.offsets, capacity / 2);
    this.counts = grow(this.counts, capacity / 2);
  }
}

function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}
