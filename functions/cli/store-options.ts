/** The store the command uses: --store and S3 flags, the AWS variables, or a folder in the user's cache. */
import { homedir } from 'node:os';
import { join } from 'node:path';

import {
  openStore,
  s3SettingsFromEnv,
  type OpenedStore,
  type S3Settings,
} from '../store/open-store.js';
import type { StoreOptions } from './args.js';

/** Returns the command's cache folder: $XDG_CACHE_HOME/wordcount, or ~/.cache/wordcount. */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg !== undefined && xdg !== '' ? xdg : join(homedir(), '.cache'), 'wordcount');
}

/** Returns the default store URL, a folder in the cache kept between runs so measured rates carry over. */
export function defaultStoreUrl(env: NodeJS.ProcessEnv): string {
  return `file://${join(cacheDir(env), 'store', 'wordcount')}`;
}

export interface ResolvedStore extends OpenedStore {
  s3: S3Settings;
}

/** Opens the store of the command; flags take precedence over the environment. */
export function resolveStore(options: StoreOptions, env: NodeJS.ProcessEnv): ResolvedStore {
  const fromEnv = s3SettingsFromEnv(env);
  const s3: S3Settings = {
    endpoint: options.endpoint ?? fromEnv.endpoint,
    accessKey: options.accessKey ?? fromEnv.accessKey,
    secretKey: options.secretKey ?? fromEnv.secretKey,
    region: options.region ?? fromEnv.region,
  };
  const opened = openStore(options.store ?? defaultStoreUrl(env), s3);
  return { ...opened, s3 };
}
