/**
 * Credentials read from files, as OpenFaaS provides them: a function's Secrets are mounted
 * as files under /var/openfaas/secrets, not passed as environment variables. For each NAME
 * below, NAME_FILE names a file whose content (without a trailing newline) becomes NAME,
 * unless NAME is set already.
 */
import { readFileSync } from 'node:fs';

import { UsageError } from './errors.js';
import type { Env } from './env.js';

export const SECRET_VARIABLES = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'] as const;

/**
 * Sets each variable of SECRET_VARIABLES in `env` from its NAME_FILE file.
 *
 * @throws UsageError naming the variable and path when the file cannot be read.
 */
export function loadSecretFiles(env: Env): void {
  for (const name of SECRET_VARIABLES) {
    const path = env[`${name}_FILE`];
    if (path === undefined || path === '' || (env[name] ?? '') !== '') continue;
    try {
      env[name] = readFileSync(path, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw new UsageError(
        `cannot read ${name}_FILE=${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}; ` +
          'check that the Secret is mounted there',
      );
    }
  }
}
