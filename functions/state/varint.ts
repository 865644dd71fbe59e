/** Unsigned LEB128 varints up to 2^53 - 1, the integer range of this project. */
import { MessageFormatError } from '../lib/errors.js';

/** An append-only byte buffer. */
export class ByteWriter {
  private bytes: Uint8Array;
  length = 0;

  constructor(capacity = 1024) {
    this.bytes = new Uint8Array(capacity);
  }

  writeVarint(value: number): void {
    this.reserve(8);
    let rest = value;
    while (rest >= 0x80) {
      this.bytes[this.length++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.bytes[this.length++] = rest;
  }

  writeBytes(source: Uint8Array, start = 0, end = source.length): void {
    this.reserve(end - start);
    this.bytes.set(source.subarray(start, end), this.length);
    this.length += end - start;
  }

  /** Returns the written bytes (a view, valid until the next write). */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    let capacity = this.bytes.length * 2;
    while (capacity < this.length + extra) capacity *= 2;
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

/** Reads varints and byte runs from a buffer, rejecting truncated or oversized values. */
export class ByteReader {
  offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.offset >= this.bytes.length;
  }

  readVarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.offset >= this.bytes.length) throw this.error('ends inside a varint');
      const byte = this.bytes[this.offset++];
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) {
        if (!Number.isSafeInteger(value)) throw this.error('has a varint above 2^53 - 1');
        return value;
      }
      scale *= 0x80;
    }
    throw this.error('has a varint longer than 8 bytes');
  }

  readBytes(length: number): Uint8Array {
    if (this.offset + length > this.bytes.length) throw this.error('ends inside a byte run');
    const run = this.bytes.subarray(this.offset, this.offset + length);
    this.offset += length;
    return run;
  }

  private error(problem: string): MessageFormatError {
    return new MessageFormatError(`${this.what} ${problem} at byte ${this.offset}`);
  }
}
