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
 * Start and multiplier of the table hash, which has FNV-1a's shape (xor a byte, then
 * multiply) but a random start and a random odd multiplier per process. FNV-1a collisions
 * can be computed in advance, and an input made of them would put every word on one probe
 * chain and make counting quadratic. Random parameters make such inputs impossible to
 * prepare. Only in-memory tables use this hash, so nothing stored depends on it.
 */
export const HASH_SEED = random.readInt32LE(0);
const HASH_MULTIPLIER = random.readInt32LE(4) | 0x01000001;

/** Adds one byte to a table hash that starts at HASH_SEED. */
export function hashKeyByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, HASH_MULTIPLIER);
}

export class WordTable {
  /** Slot → entry index + 1, or 0 when the slot is free. */
  private slots = new Int32Array(INITIAL_SLOTS);
  private mask = INITIAL_SLOTS - 1;
  private hashes = new Int32Array(INITIAL_SLOTS / 2);
  private offsets = new Uint32Array(INITIAL_SLOTS / 2);
  private lengths = new Uint32Array(INITIAL_SLOTS / 2);
  private counts = new Float64Array(INITIAL_SLOTS / 2);
  private arena = new Uint8Array(64 * 1024);
  private arenaLength = 0;
  private entries = 0;
  private occurrences = 0;

  /** Number of distinct keys. */
  get size(): number {
    return this.entries;
  }

  /** Sum of all counts. */
  get total(): number {
    return this.occurrences;
  }

  /**
   * Adds `count` to the key `key[0, length)`, whose hash from HASH_SEED (FNV-1a steps) is `hash`.
   */
  add(key: Uint8Array, length: number, hash: number, count = 1): void {
    this.occurrences += count;

    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) break;

      const index = entry - 1;
      if (
        this.hashes[index] === hash &&
        this.lengths[index] === length &&
        this.keyEquals(index, key, length)
      ) {
        this.counts[index] += count;
        return;
      }
      slot = (slot + 1) & this.mask;
    }
    this.insert(slot, key, length, hash, count);
  }

  /** Calls `visit` once per distinct key with a view of its bytes (valid only during the call). */
  forEach(visit: (key: Uint8Array, count: number) => void): void {
    for (let index = 0; index < this.entries; index++) {
      const offset = this.offsets[index];
      const key = this.arena.subarray(offset, offset + this.lengths[index]);
      visit(key, this.counts[index]);
    }
  }

  private keyEquals(index: number, key: Uint8Array, length: number): boolean {
    const arena = this.arena;
    const offset = this.offsets[index];
    for (let i = 0; i < length; i++) {
      if (arena[offset + i] !== key[i]) return false;
    }
    return true;
  }

  private insert(slot: number, key: Uint8Array, length: number, hash: number, count: number): void {
    if (this.arenaLength + length > this.arena.length) this.growArena(length);
    this.arena.set(key.subarray(0, length), this.arenaLength);

    const index = this.entries++;
    this.hashes[index] = hash;
    this.offsets[index] = this.arenaLength;
    this.lengths[index] = length;
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
  }

  private growSlots(): void {
    const capacity = this.slots.length * 2;
    this.slots = new Int32Array(capacity);
    this.mask = capacity - 1;
    for (let index = 0; index < this.entries; index++) {
      let slot = this.hashes[index] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = index + 1;
    }
    this.hashes = grow(this.hashes, capacity / 2);
    this.offsets = grow(this.offsets, capacity / 2);
    this.lengths = grow(this.lengths, capacity / 2);
    this.counts = grow(this.counts, capacity / 2);
  }
}

function grow<T extends Int32Array | Uint32Array | Float64Array>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}
