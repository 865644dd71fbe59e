/** Command-line parsing of `wordcount` and its subcommands. */
import { parseArgs } from 'node:util';

import { UsageError } from '../lib/errors.js';
import { parseByteSize } from './byte-size.js';

export const USAGE = `Usage:
  wordcount FILE [options]          count FILE through local coordinator, map and reduce servers
  wordcount plan FILE [options]     print the SafeSize inputs and the range plan, run nothing
  wordcount serve [options]         keep the three functions running on 127.0.0.1
  wordcount submit s3://BUCKET/KEY --coordinator URL [--wait] [options]
                                    count an object through a running coordinator
  wordcount upload FILE s3://BUCKET/KEY
                                    store a local file in S3 or MinIO, creating the bucket
  wordcount cleanup --coordinator URL [--retention SECS]
                                    remove what ended and abandoned jobs no longer need

A file named like a subcommand is passed as ./plan.

Output: one "word<TAB>count" line per word on stdout, most frequent first, then in Unicode
code point order; a summary line on stderr.

Options:
  --top N                   print only the first N words
  --json                    print one JSON object: {"totalWords", "distinctWords", "words"}
  --safe-size BYTES         largest range per map task (4096, 64KiB, 2GiB); default: SafeSize
  --function-timeout SECS   map and reduce timeout in seconds (default 300)
  --concurrency N           map and reduce tasks in flight (default: the number of cores)
  --partitions N            hash partitions of the map output (default 256)
  --in-process              count in this process, without servers (the baseline)
  --store URL               s3://BUCKET for S3 or MinIO, or a folder (default: a folder in
                            the user's cache); S3 settings come from the options below or
                            AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION
  --endpoint URL            S3 endpoint, such as http://127.0.0.1:9000
  --access-key KEY          S3 access key
  --secret-key KEY          S3 secret key
  --region REGION           S3 region
  --port N                  serve: coordinator port (default 8080; map and reduce take free ports)
  --coordinator URL         submit: coordinator URL (default $WORDCOUNT_COORDINATOR_URL)
  --wait                    submit: advance the job until it ends and print the result
  --job-id ID               submit: choose the job id; resubmitting it continues the job
  --retention SECS          cleanup: keep the objects of jobs that ended less than SECS ago
                            (default: the coordinator's CLEANUP_RETENTION_SECONDS)
  -h, --help                print this help
  -V, --version             print the version

Exit codes: 0 success, 2 usage error or unusable input, 1 any other failure.`;

export interface StoreOptions {
  store?: string;
  endpoint?: string;
  accessKey?: string;
  secretKey?: string;
  region?: string;
}

export interface JobSettings {
  safeSize?: number;
  functionTimeoutSeconds?: number;
  concurrency?: number;
  partitions?: number;
}

export interface OutputOptions {
  top?: number;
  json: boolean;
}

export interface CountCommand extends StoreOptions, JobSettings, OutputOptions {
  kind: 'count';
  file: string;
  inProcess: boolean;
}

export interface PlanCommand extends StoreOptions, JobSettings {
  kind: 'plan';
  file: string;
  json: boolean;
}

export interface ServeCommand extends StoreOptions, JobSettings {
  kind: 'serve';
  port: number;
}

export interface CleanupCommand {
  kind: 'cleanup';
  coordinator: string;
  retentionSeconds?: number;
}

export interface SubmitCommand extends JobSettings, OutputOptions {
  kind: 'submit';
  bucket: string;
  key: string;
  coordinator: string;
  wait: boolean;
  jobId?: string;
}

export interface UploadCommand extends StoreOptions {
  kind: 'upload';
  file: string;
  bucket: string;
  key: string;
}

export type Command =
  | UploadCommand
  | CountCommand
  | PlanCommand
  | ServeCommand
  | SubmitCommand
  | CleanupCommand
  | { kind: 'help' }
  | { kind: 'version' };

const OPTIONS = {
  top: { type: 'string' },
  json: { type: 'boolean', default: false },
  'safe-size': { type: 'string' },
  'function-timeout': { type: 'string' },
  concurrency: { type: 'string' },
  partitions: { type: 'string' },
  'in-process': { type: 'boolean', default: false },
  store: { type: 'string' },
  endpoint: { type: 'string' },
  'access-key': { type: 'string' },
  'secret-key': { type: 'string' },
  region: { type: 'string' },
  port: { type: 'string' },
  coordinator: { type: 'string' },
  wait: { type: 'boolean', default: false },
  'job-id': { type: 'string' },
  retention: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
  version: { type: 'boolean', short: 'V', default: false },
} as const;

/** Options each subcommand accepts, besides --help and --version. */
const ACCEPTED: Record<string, readonly string[]> = {
  count: [
    'top',
    'json',
    'safe-size',
    'function-timeout',
    'concurrency',
    'partitions',
    'in-process',
    'store',
    'endpoint',
    'access-key',
    'secret-key',
    'region',
  ],
  plan: [
    'json',
    'safe-size',
    'function-timeout',
    'concurrency',
    'partitions',
    'store',
    'endpoint',
    'access-key',
    'secret-key',
    'region',
  ],
  serve: [
    'safe-size',
    'function-timeout',
    'concurrency',
    'partitions',
    'store',
    'endpoint',
    'access-key',
    'secret-key',
    'region',
    'port',
  ],
  upload: ['endpoint', 'access-key', 'secret-key', 'region'],
  cleanup: ['coordinator', 'retention'],
  submit: [
    'top',
    'json',
    'safe-size',
    'concurrency',
    'partitions',
    'coordinator',
    'wait',
    'job-id',
  ],
};

type Values = ReturnType<typeof parse>['values'];

function parse(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: OPTIONS });
  } catch (error) {
    // parseArgs messages may span lines; the command reports errors on one line.
    const message = (error as Error).message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
    throw new UsageError(`${message}; see wordcount --help`);
  }
}

/**
 * Parses the arguments after the program name.
 *
 * @throws UsageError naming the bad argument.
 */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv = {}): Command {
  const { values, positionals } = parse(argv);
  if (values.help) return { kind: 'help' };
  if (values.version) return { kind: 'version' };

  const subcommand = ['plan', 'serve', 'submit', 'upload', 'cleanup'].includes(positionals[0] ?? '')
    ? positionals[0]
    : 'count';
  const operands = subcommand === 'count' ? positionals : positionals.slice(1);
  for (const name of Object.keys(values) as (keyof Values)[]) {
    if (values[name] === undefined || name === 'help' || name === 'version') continue;
    if (OPTIONS[name].type === 'boolean' && values[name] === false) continue;
    if (!ACCEPTED[subcommand].includes(name)) {
      const where = subcommand === 'count' ? 'counting a FILE' : `wordcount ${subcommand}`;
      throw new UsageError(`option --${name} does not apply to ${where}; see wordcount --help`);
    }
  }

  switch (subcommand) {
    case 'count':
      return {
        kind: 'count',
        file: oneOperand(operands, 'FILE'),
        inProcess: values['in-process'],
        ...settings(values),
        ...output(values),
        ...storeOptions(values),
      };
    case 'plan':
      return {
        kind: 'plan',
        file: oneOperand(operands, 'FILE'),
        json: values.json,
        ...settings(values),
        ...storeOptions(values),
      };
    case 'serve':
      if (operands.length > 0)
        throw new UsageError(`wordcount serve takes no operands, got ${operands.join(' ')}`);
      return {
        kind: 'serve',
        port: integer(values.port, '--port', 0, 65535) ?? 8080,
        ...settings(values),
        ...storeOptions(values),
      };
    case 'upload': {
      if (operands.length !== 2) {
        throw new UsageError(
          `wordcount upload takes FILE and s3://BUCKET/KEY, got ${operands.length} operands`,
        );
      }
      const { bucket, key } = objectLocation(operands[1]);
      return { kind: 'upload', file: operands[0], bucket, key, ...storeOptions(values) };
    }
    case 'cleanup':
      if (operands.length > 0)
        throw new UsageError(`wordcount cleanup takes no operands, got ${operands.join(' ')}`);
      return {
        kind: 'cleanup',
        coordinator: coordinatorUrl(values, env),
        retentionSeconds: integer(values.retention, '--retention', 0, 10 * 365 * 86_400),
      };
    default:
      return submitCommand(values, oneOperand(operands, 's3://BUCKET/KEY'), env);
  }
}

function objectLocation(location: string): { bucket: string; key: string } {
  const match = /^(?:s3:\/\/)?([^/]+)\/(.+)$/.exec(location);
  if (match === null) {
    throw new UsageError(`invalid object ${JSON.stringify(location)}: expected s3://BUCKET/KEY`);
  }
  return { bucket: match[1], key: match[2] };
}

function coordinatorUrl(values: Values, env: NodeJS.ProcessEnv): string {
  const coordinator = values.coordinator ?? env.WORDCOUNT_COORDINATOR_URL;
  if (coordinator === undefined || coordinator === '') {
    throw new UsageError(
      'missing --coordinator URL (or WORDCOUNT_COORDINATOR_URL); see wordcount --help',
    );
  }
  try {
    new URL(coordinator);
  } catch {
    throw new UsageError(
      `invalid --coordinator ${JSON.stringify(coordinator)}: expected a URL such as http://127.0.0.1:8080`,
    );
  }
  return coordinator;
}

function submitCommand(values: Values, location: string, env: NodeJS.ProcessEnv): SubmitCommand {
  const { bucket, key } = objectLocation(location);
  const coordinator = coordinatorUrl(values, env);
  return {
    kind: 'submit',
    bucket,
    key,
    coordinator,
    wait: values.wait,
    jobId: values['job-id'],
    ...settings(values),
    ...output(values),
  };
}

function oneOperand(operands: readonly string[], name: string): string {
  if (operands.length === 0) throw new UsageError(`missing ${name}; see wordcount --help`);
  if (operands.length > 1) {
    throw new UsageError(
      `expected one ${name}, got ${operands.length}: ${operands.join(' ')}; see wordcount --help`,
    );
  }
  return operands[0];
}

function settings(values: Values): JobSettings {
  const result: JobSettings = {
    functionTimeoutSeconds: integer(values['function-timeout'], '--function-timeout', 1, 86_400),
    concurrency: integer(values.concurrency, '--concurrency', 1, 10_000),
    partitions: integer(values.partitions, '--partitions', 1, 65_536),
  };
  if (values['safe-size'] !== undefined) {
    const safeSize = parseByteSize(values['safe-size']);
    if (safeSize === undefined || safeSize < 1) {
      throw new UsageError(
        `invalid --safe-size '${values['safe-size']}': expected a positive number of bytes such as 4096 or 64MiB, at most 2^53 - 1`,
      );
    }
    result.safeSize = safeSize;
  }
  return result;
}

function output(values: Values): OutputOptions {
  return { json: values.json, top: integer(values.top, '--top', 0, Number.MAX_SAFE_INTEGER) };
}

function storeOptions(values: Values): StoreOptions {
  return {
    store: values.store,
    endpoint: values.endpoint,
    accessKey: values['access-key'],
    secretKey: values['secret-key'],
    region: values.region,
  };
}

function integer(
  text: string | undefined,
  option: string,
  min: number,
  max: number,
): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) {
    throw new UsageError(
      `invalid ${option} '${text}': expected a whole number from ${min} to ${max}`,
    );
  }
  return value;
}
