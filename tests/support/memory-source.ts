import type { ByteSource } from '../../functions/counting/count-range.js';

/** A ByteSource over bytes in memory that records how many reads it served. */
export class MemorySource implements ByteSource {
  reads = 0;
  bytesRead = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get size(): number {
    return this.bytes.length;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    if (offset < 0 || length < 0 || offset + length > this.bytes.length) {
      throw new RangeError(`read [${offset}, ${offset + length}) outside 0..${this.bytes.length}`);
    }
    this.reads++;
    this.bytesRead += length;
    return this.bytes.subarray(offset, offset + length);
  }
}
