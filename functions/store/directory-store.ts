/**
 * An object store in a local folder: each bucket is a subfolder, each key a file path below
 * it. A put writes a temporary file and renames it into place, so readers see whole objects
 * only. A create-only put links the temporary file, which fails when the key exists.
 */
import { randomUUID } from 'node:crypto';
import type { BigIntStats } from 'node:fs';
import {
  copyFile,
  link,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

import { BucketNotFoundError, ObjectNotFoundError } from '../lib/errors.js';
import { validateBucket, validateKey, validatePrefix } from './names.js';
import type { ListedObject, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';

/** Folder below the root for files being written; a bucket cannot have this name. */
const TEMP_DIR = '.tmp';

export class DirectoryStore implements ObjectStore {
  readonly location: string;
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.location = `directory store ${this.root}`;
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo> {
    const path = this.objectPath(bucket, key);
    try {
      const stats = await stat(path, { bigint: true });
      if (!stats.isFile()) throw Object.assign(new Error('not a file'), { code: 'ENOENT' });
      return infoOf(stats);
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.objectPath(bucket, key));
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  async getRange(
    bucket: string,
    key: string,
    offset: number,
    length: number,
  ): Promise<{ bytes: Uint8Array; etag: string }> {
    let handle;
    try {
      handle = await open(this.objectPath(bucket, key), 'r');
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
    try {
      // fstat describes the opened file, so the ETag matches the bytes even if the key is replaced meanwhile.
      const stats = await handle.stat({ bigint: true });
      const bytes = new Uint8Array(length);
      let filled = 0;
      while (filled < length) {
        const { bytesRead } = await handle.read(bytes, filled, length - filled, offset + filled);
        if (bytesRead === 0) {
          throw new RangeError(
            `${bucket}/${key} ends at byte ${offset + filled}, before ${offset + length}`,
          );
        }
        filled += bytesRead;
      }
      return { bytes, etag: infoOf(stats).etag };
    } finally {
      await handle.close();
    }
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: PutOptions = {},
  ): Promise<{ created: boolean }> {
    const path = this.objectPath(bucket, key);
    const temp = await this.tempPath(bucket);
    await writeFile(temp, body);
    return this.moveIntoPlace(temp, path, bucket, key, options.ifAbsent ?? false);
  }

  async putFile(bucket: string, key: string, source: string): Promise<ObjectInfo> {
    const path = this.objectPath(bucket, key);
    const temp = await this.tempPath(bucket);
    await copyFile(source, temp);
    await this.moveIntoPlace(temp, path, bucket, key, false);
    return this.stat(bucket, key);
  }

  async *list(bucket: string, prefix: string): AsyncIterable<ListedObject> {
    validateBucket(bucket);
    validatePrefix(prefix);
    await this.requireBucket(bucket);

    // Start at the deepest folder the prefix names, then filter by the rest of the prefix.
    const folder = prefix.includes('/') ? prefix.slice(0, prefix.lastIndexOf('/')) : '';
    const keys: ListedObject[] = [];
    await this.collect(join(this.root, bucket), folder, prefix, keys);
    keys.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
    yield* keys;
  }

  async remove(bucket: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      try {
        await unlink(this.objectPath(bucket, key));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    validateBucket(bucket);
    try {
      return (await stat(join(this.root, bucket))).isDirectory();
    } catch {
      return false;
    }
  }

  async makeBucket(bucket: string): Promise<void> {
    validateBucket(bucket);
    await mkdir(join(this.root, bucket), { recursive: true });
  }

  private objectPath(bucket: string, key: string): string {
    validateBucket(bucket);
    validateKey(key);
    return join(this.root, bucket, key);
  }

  private async tempPath(bucket: string): Promise<string> {
    await this.requireBucket(bucket);
    const dir = join(this.root, TEMP_DIR);
    await mkdir(dir, { recursive: true });
    return join(dir, randomUUID());
  }

  private async moveIntoPlace(
    temp: string,
    path: string,
    bucket: string,
    key: string,
    ifAbsent: boolean,
  ): Promise<{ created: boolean }> {
    try {
      await mkdir(dirname(path), { recursive: true });
      if (!ifAbsent) {
        await rename(temp, path);
        return { created: true };
      }
      try {
        await link(temp, path);
        return { created: true };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') return { created: false };
        throw error;
      }
    } catch (error) {
      throw await this.translate(error, bucket, key);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async collect(
    bucketDir: string,
    folder: string,
    prefix: string,
    out: ListedObject[],
  ): Promise<void> {
    let entries;
    try {
      entries = await readdir(join(bucketDir, folder), { withFileTypes: true });
    } catch (error) {
      if (
        (error as NodeJS.ErrnoException).code === 'ENOENT' ||
        (error as NodeJS.ErrnoException).code === 'ENOTDIR'
      )
        return;
      throw error;
    }
    for (const entry of entries) {
      const key = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        if (
          prefix.startsWith(key + '/') ||
          key.startsWith(prefix) ||
          `${key}/`.startsWith(prefix)
        ) {
          await this.collect(bucketDir, key, prefix, out);
        }
      } else if (entry.isFile() && key.startsWith(prefix)) {
        const stats = await stat(join(bucketDir, key));
        out.push({ key, size: stats.size, lastModified: stats.mtime });
      }
    }
  }

  private async requireBucket(bucket: string): Promise<void> {
    if (!(await this.bucketExists(bucket))) throw new BucketNotFoundError(bucket, this.location);
  }

  private async translate(error: unknown, bucket: string, key: string): Promise<unknown> {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      if (!(await this.bucketExists(bucket))) return new BucketNotFoundError(bucket, this.location);
      return new ObjectNotFoundError(bucket, key, this.location);
    }
    return error;
  }
}

function infoOf(stats: BigIntStats): ObjectInfo {
  return {
    size: Number(stats.size),
    etag: `${stats.ino.toString(16)}-${stats.size.toString(16)}-${stats.mtimeNs.toString(16)}`,
    lastModified: stats.mtime,
  };
}
