/**
 * Reads the configured timeouts of the deployed map and reduce functions through the
 * Kubernetes API, so that SafeSize and call deadlines follow the deployment rather than a
 * copied number. Each object kind keeps the timeout in a different place:
 *
 * - Knative Service: spec.template.spec.timeoutSeconds.
 * - Deployment (plain Kubernetes, or made by OpenFaaS Community Edition from a gateway
 *   deployment): FUNCTION_TIMEOUT_SECONDS, else exec_timeout, in a container's env.
 * - OpenFaaS Function: the same variables in spec.environment.
 *
 * The chart's Role allows only `get` on these objects, by name.
 */
import type { KubeConfig } from '@kubernetes/client-node';

import { WordcountError } from '../lib/errors.js';

export type FunctionObjectKind = 'knative-service' | 'deployment' | 'openfaas-function';

export const FUNCTION_OBJECT_KINDS: readonly FunctionObjectKind[] = [
  'knative-service',
  'deployment',
  'openfaas-function',
];

/** Where the deployed map and reduce functions are. */
export interface DeployedFunctions {
  kind: FunctionObjectKind;
  namespace: string;
  mapName: string;
  reduceName: string;
}

export interface DeployedTimeouts {
  mapTimeoutSeconds: number;
  reduceTimeoutSeconds: number;
}

/** Thrown when a function object cannot be read or has no usable timeout. */
export class DeployedTimeoutError extends WordcountError {
  constructor(message: string, options?: ErrorOptions) {
    super('DEPLOYED_TIMEOUT_UNREADABLE', message, options);
  }
}

/**
 * Reads the map and reduce timeouts in seconds, giving each API request `requestTimeoutMs`.
 *
 * @throws DeployedTimeoutError naming the object, when the API rejects or does not answer
 *   the request, or when the object has no timeout.
 */
export async function readDeployedTimeouts(
  kubeConfig: KubeConfig,
  functions: DeployedFunctions,
  requestTimeoutMs = 5000,
): Promise<DeployedTimeouts> {
  const read = (name: string) =>
    readTimeout(kubeConfig, functions.kind, functions.namespace, name, requestTimeoutMs);
  const [mapTimeoutSeconds, reduceTimeoutSeconds] = await Promise.all([
    read(functions.mapName),
    read(functions.reduceName),
  ]);
  return { mapTimeoutSeconds, reduceTimeoutSeconds };
}

async function readTimeout(
  kubeConfig: KubeConfig,
  kind: FunctionObjectKind,
  namespace: string,
  name: string,
  requestTimeoutMs: number,
): Promise<number> {
  const object = `${kind} ${namespace}/${name}`;
  let body: unknown;
  try {
    body = await withTimeout(getObject(kubeConfig, kind, namespace, name), requestTimeoutMs);
  } catch (error) {
    throw new DeployedTimeoutError(`reading ${object} failed: ${describe(error)}`, {
      cause: error,
    });
  }

  const timeout = timeoutOf(kind, body);
  if (timeout === undefined || !(timeout > 0)) {
    throw new DeployedTimeoutError(`${object} has no positive timeout (got ${String(timeout)})`);
  }
  return timeout;
}

async function getObject(
  kubeConfig: KubeConfig,
  kind: FunctionObjectKind,
  namespace: string,
  name: string,
): Promise<unknown> {
  const k8s = await import('@kubernetes/client-node');
  if (kind === 'deployment') {
    return kubeConfig.makeApiClient(k8s.AppsV1Api).readNamespacedDeployment({ name, namespace });
  }
  const [group, plural] =
    kind === 'knative-service'
      ? ['serving.knative.dev', 'services']
      : ['openfaas.com', 'functions'];
  return kubeConfig
    .makeApiClient(k8s.CustomObjectsApi)
    .getNamespacedCustomObject({ group, version: 'v1', namespace, plural, name });
}

/** Returns the timeout in seconds that `object` of `kind` configures, if any. */
export function timeoutOf(kind: FunctionObjectKind, object: unknown): number | undefined {
  if (kind === 'knative-service') {
    const spec = path(object, ['spec', 'template', 'spec']);
    const seconds = spec?.timeoutSeconds;
    return typeof seconds === 'number' ? seconds : undefined;
  }
  if (kind === 'openfaas-function') {
    const environment = path(object, ['spec', 'environment']) ?? {};
    return timeoutFromEnv((name) => stringOrUndefined(environment[name]));
  }
  const containers = path(object, ['spec', 'template', 'spec'])?.containers;
  for (const container of Array.isArray(containers) ? containers : []) {
    const env = (container as { env?: { name: string; value?: string }[] }).env ?? [];
    const seconds = timeoutFromEnv((name) => env.find((item) => item.name === name)?.value);
    if (seconds !== undefined) return seconds;
  }
  return undefined;
}

/** FUNCTION_TIMEOUT_SECONDS in seconds, else of-watchdog's exec_timeout ("300s", "5m" or "300"). */
function timeoutFromEnv(lookup: (name: string) => string | undefined): number | undefined {
  const seconds = lookup('FUNCTION_TIMEOUT_SECONDS');
  if (seconds !== undefined) return Number(seconds);
  const duration = lookup('exec_timeout')?.match(/^(\d+(?:\.\d+)?)(s|m|h)?$/);
  if (duration === undefined || duration === null) return undefined;
  const unit = { s: 1, m: 60, h: 3600 }[(duration[2] ?? 's') as 's' | 'm' | 'h'];
  return Number(duration[1]) * unit;
}

function path(value: unknown, keys: string[]): Record<string, unknown> | undefined {
  let current = value;
  for (const key of keys) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== null && typeof current === 'object'
    ? (current as Record<string, unknown>)
    : undefined;
}

function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  const message = (error as Error).message ?? String(error);
  return typeof code === 'number' ? `HTTP ${code}: ${message.split('\n')[0]}` : message;
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no response within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
