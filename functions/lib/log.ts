/** Structured JSON logs (pino) with the service name and instance id on every line. */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';

import { pino, type Logger } from 'pino';

/** Identifies this process among all instances of all functions: pod name, pid and a random tag. */
export const INSTANCE_ID = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;

/** Paths that may carry a credential; pino replaces their values before writing. */
const REDACT = [
  'accessKey',
  'secretKey',
  'password',
  'authorization',
  '*.accessKey',
  '*.secretKey',
  '*.authorization',
  'req.headers.authorization',
];

export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service, instance: INSTANCE_ID },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}

export type { Logger };
