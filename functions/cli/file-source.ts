/** A ByteSource over a local file. */
import type { FileHandle } from 'node:fs/promises';

import type { ByteSource } from '../counting/count-range.js';
import { InputError } from '../lib/errors.js';
import { displayPath } from './open-input.js';

export class FileSource implements ByteSource {
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    private readonly path: string,
  ) {}

  async read(offset: number, length: number): Promise<Uint8Array> {
    const bytes = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const { bytesRead } = await this.handle.read(bytes, filled, length - filled, offset + filled);
      if (bytesRead === 0) {
        throw new InputError(
          this.path,
          `${displayPath(this.path)} ended at byte ${offset + filled}, but it had ${this.size} bytes when ` +
            'the count started; keep the file unchanged while it is counted',
        );
      }
      filled += bytesRead;
    }
    return bytes;
  }
}
