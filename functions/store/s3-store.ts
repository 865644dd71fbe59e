/** An object store over the S3 API, through the MinIO client. */
import type { IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';

import type * as Minio from 'minio';

import {
  BucketNotFoundError,
  ObjectNotFoundError,
  StoreAuthError,
  StoreUnavailableError,
} from '../lib/errors.js';
import { validateBucket, validateKey, validatePrefix } from './names.js';
import type { ListedObject, ObjectInfo, ObjectStore, PutOptions } from './object-store.js';

export interface S3StoreOptions {
  /** Endpoint URL, for example http://127.0.0.1:9000. */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region?: string;
  /** Maximum wait for one store call, in ms; default 60 s. A store that hangs is then unavailable. */
  timeoutMs?: number;
}

/** S3 error codes that mean the credentials or the policy are wrong. */
const AUTH_CODES = new Set([
  'AccessDenied',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'InvalidToken',
  'ExpiredToken',
  'AllAccessDisabled',
]);

/** Errors of the connection itself, as Node.js reports them. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
]);

export class S3Store implements ObjectStore {
  readonly location: string;
  private readonly options: Minio.ClientOptions;
  private clientPromise: Promise<Minio.Client> | undefined;
  private readonly timeoutMs: number;

  constructor(options: S3StoreOptions) {
    const url = new URL(options.endpoint);
    const useSSL = url.protocol === 'https:';
    let port = Number(url.port);
    if (url.port === '') port = useSSL ? 443 : 80;
    this.location = `S3 endpoint ${url.origin}`;
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.options = {
      endPoint: url.hostname,
      port,
      useSSL,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region ?? 'us-east-1',
      pathStyle: true,
      // Retries belong to the task level, where backoff and logging are under our control.
      retryOptions: { disableRetry: true },
    };
  }

  /**
   * Waits for a store call at most `timeoutMs`. A call that times out is left to finish or
   * fail on its own; its result is then ignored.
   */
  private async timed<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(
          new StoreUnavailableError(this.location, {
            cause: new Error(`no response within ${this.timeoutMs / 1000} s`),
          }),
        );
      }, this.timeoutMs);
    });
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Returns the MinIO client, loaded on first use because the module takes about 0.25 s to load. */
  private get client(): Promise<Minio.Client> {
    this.clientPromise ??= import('minio').then((minio) => new minio.Client(this.options));
    return this.clientPromise;
  }

  async stat(bucket: string, key: string): Promise<ObjectInfo> {
    checkNames(bucket, key);
    const client = await this.client;
    try {
      const stat = await this.timed(client.statObject(bucket, key));
      return { size: stat.size, etag: stat.etag, lastModified: stat.lastModified };
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  async get(bucket: string, key: string): Promise<Uint8Array> {
    checkNames(bucket, key);
    const client = await this.client;
    try {
      return await this.timed((async () => readAll(await client.getObject(bucket, key)))());
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
    checkNames(bucket, key);
    if (length === 0) {
      return { bytes: new Uint8Array(0), etag: (await this.stat(bucket, key)).etag };
    }
    const client = await this.client;
    try {
      // The response's ETag describes the same version as its bytes.
      const { bytes, etag } = await this.timed(
        (async () => {
          const response = (await client.getPartialObject(
            bucket,
            key,
            offset,
            length,
          )) as Readable & Partial<Pick<IncomingMessage, 'headers'>>;
          return {
            bytes: await readAll(response),
            etag: String(response.headers?.etag ?? '').replace(/"/g, ''),
          };
        })(),
      );
      if (bytes.length !== length) {
        throw new StoreUnavailableError(this.location, {
          cause: new Error(
            `ranged read of ${bucket}/${key} returned ${bytes.length} of ${length} bytes`,
          ),
        });
      }
      return { bytes, etag };
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
  }

  async put(
    bucket: string,
    key: string,
    body: Uint8Array,
    options: PutOptions = {},
  ): Promise<{ created: boolean }> {
    checkNames(bucket, key);
    const headers: Record<string, string> = {
      'Content-Type': options.contentType ?? 'application/octet-stream',
    };
    if (options.ifAbsent) headers['If-None-Match'] = '*';
    const client = await this.client;
    try {
      await this.timed(
        client.putObject(
          bucket,
          key,
          Buffer.from(body.buffer, body.byteOffset, body.byteLength),
          body.length,
          headers,
        ),
      );
      return { created: true };
    } catch (error) {
      if (options.ifAbsent && isPreconditionFailed(error)) return { created: false };
      throw await this.translate(error, bucket, key);
    }
  }

  async putFile(bucket: string, key: string, path: string): Promise<ObjectInfo> {
    checkNames(bucket, key);
    const client = await this.client;
    try {
      await client.fPutObject(bucket, key, path, { 'Content-Type': 'text/plain' });
    } catch (error) {
      throw await this.translate(error, bucket, key);
    }
    return this.stat(bucket, key);
  }

  async *list(bucket: string, prefix: string): AsyncIterable<ListedObject> {
    validateBucket(bucket);
    validatePrefix(prefix);
    const client = await this.client;
    const stream = client.listObjectsV2(bucket, prefix, true);
    try {
      for await (const item of stream as AsyncIterable<Minio.BucketItem>) {
        if (item.name === undefined) continue;
        yield { key: item.name, size: item.size, lastModified: item.lastModified ?? new Date(0) };
      }
    } catch (error) {
      throw await this.translate(error, bucket, prefix);
    }
  }

  async remove(bucket: string, keys: readonly string[]): Promise<void> {
    validateBucket(bucket);
    for (const key of keys) validateKey(key);
    const client = await this.client;
    try {
      for (let i = 0; i < keys.length; i += 1000) {
        await client.removeObjects(bucket, keys.slice(i, i + 1000));
      }
    } catch (error) {
      throw await this.translate(error, bucket, keys[0] ?? '');
    }
  }

  async bucketExists(bucket: string): Promise<boolean> {
    validateBucket(bucket);
    const client = await this.client;
    try {
      return await client.bucketExists(bucket);
    } catch (error) {
      throw await this.translate(error, bucket, '');
    }
  }

  async makeBucket(bucket: string): Promise<void> {
    validateBucket(bucket);
    const client = await this.client;
    try {
      if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
    } catch (error) {
      const code = (error as Minio.S3Error).code;
      if (code === 'BucketAlreadyOwnedByYou' || code === 'BucketAlreadyExists') return;
      throw await this.translate(error, bucket, '');
    }
  }

  /** Maps client errors to the store errors. For an unexplained 404 it checks whether the bucket exists. */
  private async translate(error: unknown, bucket: string, key: string): Promise<unknown> {
    const code = (error as Minio.S3Error).code ?? '';
    if (AUTH_CODES.has(code)) return new StoreAuthError(this.location, { cause: error });
    if (code === 'NoSuchBucket') return new BucketNotFoundError(bucket, this.location);
    if (code === 'NoSuchKey') return new ObjectNotFoundError(bucket, key, this.location);
    if (code === 'NotFound') {
      const client = await this.client;
      const bucketExists = await client.bucketExists(bucket).catch(() => true);
      return bucketExists
        ? new ObjectNotFoundError(bucket, key, this.location)
        : new BucketNotFoundError(bucket, this.location);
    }
    if (NETWORK_CODES.has(code) || isServerError(error)) {
      return new StoreUnavailableError(this.location, { cause: error });
    }
    return error;
  }
}

function checkNames(bucket: string, key: string): void {
  validateBucket(bucket);
  validateKey(key);
}

function isPreconditionFailed(error: unknown): boolean {
  const code = (error as Minio.S3Error).code;
  return (
    code === 'PreconditionFailed' ||
    (error as { amzCode?: string }).amzCode === 'PreconditionFailed'
  );
}

function isServerError(error: unknown): boolean {
  const code = (error as Minio.S3Error).code ?? '';
  const message = (error as Error).message ?? '';
  return (
    ['InternalError', 'ServiceUnavailable', 'SlowDown', 'XMinioServerNotInitialized'].includes(
      code,
    ) || /Retryable HTTP status|socket hang up/.test(message)
  );
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
}
