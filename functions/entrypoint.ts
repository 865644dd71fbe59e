/**
 * Entry point of the container image: the first argument, or $WORDCOUNT_FUNCTION, picks the
 * coordinator, map or reduce function, the `wordcount` command with the arguments after it,
 * or `openfaas-deploy`, which deploys the functions through an OpenFaaS gateway. Without
 * either, it prints the command's help. OpenFaaS cannot pass arguments to a function's
 * container, so there the environment variable picks the role.
 *
 *   docker run IMAGE map
 *   docker run -e WORDCOUNT_FUNCTION=map IMAGE
 *   docker run IMAGE wordcount submit s3://BUCKET/KEY --coordinator URL --wait
 */
import { loadSecretFiles } from './lib/secret-files.js';

/** The module each role runs, relative to this file. */
const MODULES: Record<string, string> = {
  coordinator: './coordinator/main.js',
  map: './map/main.js',
  reduce: './reduce/main.js',
  wordcount: './cli/main.js',
  'openfaas-deploy': './openfaas/main.js',
};
const ROLES = Object.keys(MODULES);

const [first, ...rest] = process.argv.slice(2);
const role = first ?? process.env.WORDCOUNT_FUNCTION ?? 'wordcount';
const args =
  first === undefined && process.env.WORDCOUNT_FUNCTION === undefined ? ['--help'] : rest;

if (!ROLES.includes(role)) {
  process.stderr.write(
    `wordcount image: unknown role ${JSON.stringify(role)}; pass one of ${ROLES.join(', ')} ` +
      'as the first argument or in WORDCOUNT_FUNCTION\n',
  );
  process.exit(2);
}

try {
  loadSecretFiles(process.env);
} catch (error) {
  process.stderr.write(`wordcount image: ${(error as Error).message}\n`);
  process.exit(2);
}

if (role === 'wordcount') process.argv = [process.argv[0], 'wordcount', ...args];
await import(MODULES[role]);
