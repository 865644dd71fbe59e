/**
 * The deployment under load: the one named by BASE_URL (a cluster, or `wordcount serve`), or
 * a local deployment that the runner starts itself with a temporary folder store.
 */
import { availableParallelism } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { startLocalDeployment } from '../functions/cli/local-deployment.js';
import { SAFE_SIZE_DEFAULTS } from '../functions/counting/safe-size.js';
import { UsageError } from '../functions/lib/errors.js';
import type { ObjectStore } from '../functions/store/object-store.js';
import { openStore, s3SettingsFromEnv } from '../functions/store/open-store.js';
import type { Endpoint } from './http.js';

export interface Target {
  coordinator: Endpoint;
  /** The map function; undefined when BASE_URL is set without MAP_URL. */
  map?: Endpoint;
  /** The state bucket's store, where the runner puts the texts the jobs read. */
  store: ObjectStore;
  bucket: string;
  /** `local` when the runner started the deployment, otherwise the coordinator URL. */
  description: string;
  stop(): Promise<void>;
}

/**
 * Opens the target that `env` names. With BASE_URL it needs LOADTEST_STORE (and for S3 the
 * AWS_* variables), because the runner stores its input texts there first.
 *
 * @throws UsageError when a variable is missing or invalid.
 */
export async function openTarget(env: NodeJS.ProcessEnv, logFile: string): Promise<Target> {
  const baseUrl = env.BASE_URL;
  if (baseUrl === undefined || baseUrl === '') return startLocal(logFile);

  const storeUrl = env.LOADTEST_STORE;
  if (storeUrl === undefined || storeUrl === '') {
    throw new UsageError(
      `BASE_URL is set (${baseUrl}) but LOADTEST_STORE is not: set it to the functions' state ` +
        'store, such as s3://wordcount with AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY',
    );
  }
  const opened = openStore(storeUrl, s3SettingsFromEnv(env));
  const mapUrl = env.MAP_URL;
  return {
    coordinator: endpoint(baseUrl, env.BASE_HOST),
    map: mapUrl === undefined || mapUrl === '' ? undefined : endpoint(mapUrl, env.MAP_HOST),
    store: opened.store,
    bucket: opened.bucket,
    description: baseUrl,
    stop: async () => {},
  };
}

function endpoint(url: string, host: string | undefined): Endpoint {
  try {
    new URL(url);
  } catch {
    throw new UsageError(`invalid URL ${JSON.stringify(url)}: expected http://HOST:PORT`);
  }
  return host === undefined || host === '' ? { url } : { url, host };
}

/** Starts the three functions as `wordcount serve` does, on a folder store in a temporary directory. */
async function startLocal(logFile: string): Promise<Target> {
  const root = mkdtempSync(join(tmpdir(), 'wordcount-loadtest-'));
  const opened = openStore(`file://${join(root, 'wordcount')}`);
  await opened.store.makeBucket(opened.bucket);
  const deployment = await startLocalDeployment({
    storeUrl: opened.url,
    s3: {},
    functionTimeoutSeconds: SAFE_SIZE_DEFAULTS.timeoutSeconds,
    concurrency: availableParallelism(),
    port: 0,
    logs: { file: logFile },
  });
  return {
    coordinator: { url: deployment.coordinatorUrl },
    map: { url: deployment.mapUrl },
    store: opened.store,
    bucket: opened.bucket,
    description: 'local',
    stop: async () => {
      await deployment.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
