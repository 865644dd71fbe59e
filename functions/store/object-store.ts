/** The one interface through which functions reach shared state, with two implementations. */

export interface ObjectInfo {
  size: number;
  /** Identifies this version of the content; changes when the object is replaced. */
  etag: string;
  lastModified: Date;
}

export interface ListedObject {
  key: string;
  size: number;
  lastModified: Date;
}

export interface PutOptions {
  /** Create the object only if the key is free: the first writer wins, later ones get `created: false`. */
  ifAbsent?: boolean;
  contentType?: string;
}

export interface ObjectStore {
  /** Location of the store, for messages: an endpoint URL or a folder, never a credential. */
  readonly location: string;

  stat(bucket: string, key: string): Promise<ObjectInfo>;
  get(bucket: string, key: string): Promise<Uint8Array>;
  /** Reads `[offset, offset + length)`, which must lie inside the object, and the version it came from. */
  getRange(
    bucket: string,
    key: string,
    offset: number,
    length: number,
  ): Promise<{ bytes: Uint8Array; etag: string }>;
  /** Stores the whole body at once: readers see the old object or the new one, never a part. */
  put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options?: PutOptions,
  ): Promise<{ created: boolean }>;
  /** Uploads a local file. */
  putFile(bucket: string, key: string, path: string): Promise<ObjectInfo>;
  /** Lists the objects whose keys start with `prefix`, in key order. */
  list(bucket: string, prefix: string): AsyncIterable<ListedObject>;
  /** Removes objects; keys that do not exist are skipped. */
  remove(bucket: string, keys: readonly string[]): Promise<void>;
  bucketExists(bucket: string): Promise<boolean>;
  makeBucket(bucket: string): Promise<void>;
}
