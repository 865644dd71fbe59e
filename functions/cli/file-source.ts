/** A ByteSource over a local file. */
import type { FileHandle } from 'node:fs/promises';

import type { ByteSource } from '../counting/count-range.js';

export class FileSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(bytes, filled, length - filled, offset + filled);
      if (bytesRead === 0) {
        throw new Error(
          `file ended at byte ${offset + filled} while ${this.size} bytes were expected; ` +
            'was it truncated during the count?',
        );
      }
      filled += bytesRead;
    }
    return bytes;
  }
}
