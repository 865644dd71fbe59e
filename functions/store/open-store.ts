/**
 * Opening the store named by a URL: `s3://BUCKET` for an S3 endpoint (MinIO), or
 * `file:///ROOT/BUCKET` (or a plain path) for a local folder whose subfolders are buckets.
 * The bucket in the URL is the state bucket, where jobs keep everything they write.
 */
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readOptionalString, type Env } from '../lib/env.js';
import { UsageError } from '../lib/errors.js';
import { DirectoryStore } from './directory-store.js';
import { validateBucket } from './names.js';
import type { ObjectStore } from './object-store.js';
import { S3Store } from './s3-store.js';

export interface S3Settings {
  endpoint?: string;
  accessKey?: string;
  secretKey?: string;
  region?: string;
}

export interface OpenedStore {
  store: ObjectStore;
  /** Bucket for job state, results and uploads. */
  bucket: string;
  /** The URL, normalized, for messages and child processes. */
  url: string;
}

/** Reads S3 settings from the standard AWS variables. */
export function s3SettingsFromEnv(env: Env): S3Settings {
  return {
    endpoint: readOptionalString(env, 'AWS_ENDPOINT_URL'),
    accessKey: readOptionalString(env, 'AWS_ACCESS_KEY_ID'),
    secretKey: readOptionalString(env, 'AWS_SECRET_ACCESS_KEY'),
    region: readOptionalString(env, 'AWS_REGION'),
  };
}

/**
 * Opens the store at `url`.
 *
 * @throws UsageError when the URL or a required S3 setting is missing or invalid.
 */
export function openStore(url: string, s3: S3Settings = {}): OpenedStore {
  if (url.startsWith('s3://')) {
    const bucket = url.slice('s3://'.length).replace(/\/$/, '');
    checkBucket(bucket, url);
    if (s3.endpoint === undefined) {
      throw new UsageError(`store ${url} needs an S3 endpoint: set AWS_ENDPOINT_URL or --endpoint`);
    }
    if (s3.accessKey === undefined || s3.secretKey === undefined) {
      throw new UsageError(
        `store ${url} needs credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`,
      );
    }
    try {
      new URL(s3.endpoint);
    } catch {
      throw new UsageError(
        `invalid S3 endpoint ${JSON.stringify(s3.endpoint)}: expected a URL such as http://127.0.0.1:9000`,
      );
    }
    const store = new S3Store({
      endpoint: s3.endpoint,
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
    });
    return { store, bucket, url: `s3://${bucket}` };
  }

  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !url.startsWith('file://')) {
    throw new UsageError(
      `unsupported store ${url}: expected s3://BUCKET, file:///FOLDER/BUCKET or a folder path`,
    );
  }
  const path = resolve(url.startsWith('file://') ? fileURLToPath(url) : url);
  const bucket = basename(path);
  checkBucket(bucket, url);
  return { store: new DirectoryStore(dirname(path)), bucket, url: `file://${path}` };
}

function checkBucket(bucket: string, url: string): void {
  try {
    validateBucket(bucket);
  } catch (error) {
    throw new UsageError(`invalid store ${url}: ${(error as Error).message}`);
  }
}
