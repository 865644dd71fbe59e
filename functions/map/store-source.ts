/** A ByteSource over one version of an object in the store, read with ranged GETs. */
import type { ByteSource } from '../counting/count-range.js';
import { InputChangedError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import type { ObjectRef } from '../state/messages.js';

export class StoreSource implements ByteSource {
  /** Bytes fetched so far, including what the ownership rule reads outside the range. */
  bytesRead = 0;

  constructor(
    private readonly store: ObjectStore,
    private readonly object: ObjectRef,
  ) {}

  get size(): number {
    return this.object.size;
  }

  /** @throws InputChangedError when the object's ETag is no longer the planned one. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const { bucket, key, etag } = this.object;
    const part = await this.store.getRange(bucket, key, offset, length);
    if (part.etag !== etag) throw new InputChangedError(bucket, key, etag, part.etag);
    this.bytesRead += length;
    return part.bytes;
  }
}
