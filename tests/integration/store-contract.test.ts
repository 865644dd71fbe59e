import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  BucketNotFoundError,
  InvalidKeyError,
  ObjectNotFoundError,
  StoreAuthError,
  StoreUnavailableError,
} from '../../functions/lib/errors.js';
import { DirectoryStore } from '../../functions/store/directory-store.js';
import type { ObjectStore } from '../../functions/store/object-store.js';
import { S3Store } from '../../functions/store/s3-store.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const text = (data: Uint8Array): string => new TextDecoder().decode(data);

async function keysOf(store: ObjectStore, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const item of store.list(bucket, prefix)) keys.push(item.key);
  return keys;
}

let minio: MinioServer;
let scratch: string;

beforeAll(async () => {
  minio = await startMinio();
  scratch = mkdtempSync(join(tmpdir(), 'wordcount-store-'));
});

afterAll(async () => {
  await minio?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

const stores: [string, () => ObjectStore][] = [
  ['directory store', () => new DirectoryStore(mkdtempSync(join(scratch, 'root-')))],
  [
    'S3 store on MinIO',
    () =>
      new S3Store({
        endpoint: minio.endpoint,
        accessKey: minio.accessKey,
        secretKey: minio.secretKey,
      }),
  ],
];

describe.each(stores)('%s', (_name, createStore) => {
  let store: ObjectStore;
  let bucket: string;
  let counter = 0;

  beforeEach(async () => {
    store = createStore();
    bucket = `contract-${process.pid}-${counter++}`;
    await store.makeBucket(bucket);
  });

  it('stores and reads an object', async () => {
    await store.put(bucket, 'a/b.txt', bytes('hello'));

    expect(text(await store.get(bucket, 'a/b.txt'))).toBe('hello');
    const info = await store.stat(bucket, 'a/b.txt');
    expect(info.size).toBe(5);
    expect(info.etag).not.toBe('');
  });

  it('replaces an object and its ETag', async () => {
    await store.put(bucket, 'k', bytes('one'));
    const first = await store.stat(bucket, 'k');
    await store.put(bucket, 'k', bytes('three'));

    expect(text(await store.get(bucket, 'k'))).toBe('three');
    expect((await store.stat(bucket, 'k')).etag).not.toBe(first.etag);
  });

  it('creates only once with ifAbsent', async () => {
    expect(await store.put(bucket, 'once', bytes('first'), { ifAbsent: true })).toEqual({
      created: true,
    });
    expect(await store.put(bucket, 'once', bytes('second'), { ifAbsent: true })).toEqual({
      created: false,
    });
    expect(text(await store.get(bucket, 'once'))).toBe('first');
  });

  it('lets one of many racing creates win', async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.put(bucket, 'race', bytes(`writer ${i}`), { ifAbsent: true }),
      ),
    );
    const winners = results.flatMap((result, i) => (result.created ? [i] : []));

    expect(winners).toHaveLength(1);
    expect(text(await store.get(bucket, 'race'))).toBe(`writer ${winners[0]}`);
  });

  it('reads a byte range with the ETag of its version', async () => {
    await store.put(bucket, 'range', bytes('0123456789'));
    const { etag } = await store.stat(bucket, 'range');

    const part = await store.getRange(bucket, 'range', 3, 4);
    expect(text(part.bytes)).toBe('3456');
    expect(part.etag).toBe(etag);
    expect(text((await store.getRange(bucket, 'range', 9, 1)).bytes)).toBe('9');
    expect((await store.getRange(bucket, 'range', 5, 0)).bytes).toHaveLength(0);
  });

  it('lists by prefix in key order', async () => {
    for (const key of ['jobs/x/b', 'jobs/x/a', 'jobs/x/sub/c', 'jobs/xy/d', 'jobs/y/e', 'top']) {
      await store.put(bucket, key, bytes(key));
    }

    expect(await keysOf(store, bucket, 'jobs/x/')).toEqual([
      'jobs/x/a',
      'jobs/x/b',
      'jobs/x/sub/c',
    ]);
    expect(await keysOf(store, bucket, 'jobs/x')).toEqual([
      'jobs/x/a',
      'jobs/x/b',
      'jobs/x/sub/c',
      'jobs/xy/d',
    ]);
    expect(await keysOf(store, bucket, 'nothing/')).toEqual([]);
    expect(await keysOf(store, bucket, '')).toHaveLength(6);
  });

  it('removes objects and skips missing ones', async () => {
    await store.put(bucket, 'r/1', bytes('1'));
    await store.put(bucket, 'r/2', bytes('2'));
    await store.remove(bucket, ['r/1', 'r/missing']);

    expect(await keysOf(store, bucket, 'r/')).toEqual(['r/2']);
  });

  it('uploads a local file', async () => {
    const path = join(scratch, `upload-${counter}.txt`);
    writeFileSync(path, 'file body');
    const info = await store.putFile(bucket, 'uploads/file.txt', path);

    expect(info.size).toBe(9);
    expect(text(await store.get(bucket, 'uploads/file.txt'))).toBe('file body');
  });

  it('reports a missing object', async () => {
    await expect(store.get(bucket, 'missing')).rejects.toThrow(ObjectNotFoundError);
    await expect(store.stat(bucket, 'missing')).rejects.toThrow(ObjectNotFoundError);
    await expect(store.getRange(bucket, 'missing', 0, 1)).rejects.toThrow(ObjectNotFoundError);
    await expect(store.get(bucket, 'missing')).rejects.toThrow(
      `object ${bucket}/missing not found`,
    );
  });

  it('reports a missing bucket', async () => {
    await expect(store.get('no-such-bucket', 'k')).rejects.toThrow(BucketNotFoundError);
    await expect(store.stat('no-such-bucket', 'k')).rejects.toThrow(BucketNotFoundError);
    await expect(store.put('no-such-bucket', 'k', bytes('x'))).rejects.toThrow(BucketNotFoundError);
    await expect(keysOf(store, 'no-such-bucket', '')).rejects.toThrow(BucketNotFoundError);
    expect(await store.bucketExists('no-such-bucket')).toBe(false);
  });

  it.each(['../escape', '/absolute', 'a//b', 'a/./b', 'a/', '', 'tab\there', 'back\\slash'])(
    'rejects the key %j',
    async (key) => {
      await expect(store.put(bucket, key, bytes('x'))).rejects.toThrow(InvalidKeyError);
      await expect(store.get(bucket, key)).rejects.toThrow(InvalidKeyError);
    },
  );

  it.each(['..', 'A', 'ab', '.tmp', 'a_b', 'x'.repeat(64)])(
    'rejects the bucket %j',
    async (name) => {
      await expect(store.get(name, 'k')).rejects.toThrow(InvalidKeyError);
    },
  );
});

describe('S3 store failures', () => {
  it('reports rejected credentials as an auth failure', async () => {
    const store = new S3Store({
      endpoint: minio.endpoint,
      accessKey: minio.accessKey,
      secretKey: 'wrong-secret',
    });

    await expect(store.get('any-bucket', 'k')).rejects.toThrow(StoreAuthError);
    await expect(store.put('any-bucket', 'k', bytes('x'))).rejects.toThrow(
      /rejected the credentials/,
    );
  });

  it('reports a store that stops responding as unavailable', async () => {
    const store = new S3Store({
      endpoint: minio.endpoint,
      accessKey: minio.accessKey,
      secretKey: minio.secretKey,
      timeoutMs: 500,
    });
    await store.makeBucket('paused');
    minio.pause();
    try {
      await expect(store.get('paused', 'k')).rejects.toThrow(StoreUnavailableError);
      await expect(store.stat('paused', 'k')).rejects.toThrow(
        /is unavailable: no response within 0\.5 s; retry later/,
      );
    } finally {
      minio.resume();
    }
    await expect(store.get('paused', 'k')).rejects.toThrow(ObjectNotFoundError);
  });

  it('reports an unreachable endpoint as unavailable', async () => {
    const store = new S3Store({ endpoint: 'http://127.0.0.1:9', accessKey: 'a', secretKey: 'b' });

    await expect(store.get('any-bucket', 'k')).rejects.toThrow(StoreUnavailableError);
  });
});
