/** The three functions started as processes for tests, against a directory store or a MinIO server. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CoordinatorClient } from '../../functions/cli/coordinator-client.js';
import {
  startLocalDeployment,
  type LocalDeployment,
} from '../../functions/cli/local-deployment.js';
import type { ObjectStore } from '../../functions/store/object-store.js';
import { openStore, type S3Settings } from '../../functions/store/open-store.js';
import type { MinioServer } from './minio-server.js';

export type StoreKind = 'directory' | 'minio';

export interface TestDeployment {
  kind: StoreKind;
  store: ObjectStore;
  bucket: string;
  storeUrl: string;
  s3: S3Settings;
  deployment: LocalDeployment;
  client: CoordinatorClient;
  stop(): Promise<void>;
}

export interface TestDeploymentOptions {
  functionTimeoutSeconds?: number;
  concurrency?: number;
  partitions?: number;
  /** State bucket name; each test file should use its own on a shared MinIO. */
  bucket?: string;
  env?: NodeJS.ProcessEnv;
}

export function minioSettings(minio: MinioServer): S3Settings {
  return { endpoint: minio.endpoint, accessKey: minio.accessKey, secretKey: minio.secretKey };
}

export async function startTestDeployment(
  kind: StoreKind,
  minio: MinioServer | undefined,
  options: TestDeploymentOptions = {},
): Promise<TestDeployment> {
  const bucket = options.bucket ?? 'wordcount';
  const storeUrl =
    kind === 'minio'
      ? `s3://${bucket}`
      : `file://${join(mkdtempSync(join(tmpdir(), 'wordcount-dir-')), bucket)}`;
  const s3 = kind === 'minio' && minio !== undefined ? minioSettings(minio) : {};
  const { store } = openStore(storeUrl, s3);
  await store.makeBucket(bucket);

  const deployment = await startLocalDeployment({
    storeUrl,
    s3,
    functionTimeoutSeconds: options.functionTimeoutSeconds ?? 30,
    concurrency: options.concurrency ?? 2,
    partitions: options.partitions,
    port: 0,
    logs: { file: join(mkdtempSync(join(tmpdir(), 'wordcount-logs-')), 'functions.log') },
    env: options.env,
  });
  const client = new CoordinatorClient(deployment.coordinatorUrl, 120);
  return {
    kind,
    store,
    bucket,
    storeUrl,
    s3,
    deployment,
    client,
    stop: async () => {
      await client.close();
      await deployment.stop();
    },
  };
}
