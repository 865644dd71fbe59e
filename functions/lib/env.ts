/** Reading configuration from environment variables, with errors that name the variable. */
import { UsageError } from './errors.js';

export type Env = Record<string, string | undefined>;

export function readString(env: Env, name: string, fallback?: string): string {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  if (fallback !== undefined) return fallback;
  throw new UsageError(`missing environment variable ${name}`);
}

export function readOptionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

/** Reads a number within [min, max]; whole numbers only when `integer` is set. */
export function readNumber(
  env: Env,
  name: string,
  fallback: number,
  limits: { min?: number; max?: number; integer?: boolean } = {},
): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;

  const value = Number(text);
  const { min = -Infinity, max = Infinity, integer = false } = limits;
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new UsageError(
      `invalid ${name}=${JSON.stringify(text)}: expected ${kind} from ${min} to ${max}`,
    );
  }
  return value;
}

/** Reads a comma-separated list; empty items are dropped. */
export function readList(env: Env, name: string, fallback: readonly string[]): string[] {
  const text = env[name];
  if (text === undefined || text.trim() === '') return [...fallback];
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
