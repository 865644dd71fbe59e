/**
 * The request body of the OpenFaaS gateway's POST and PUT /system/functions: the
 * FunctionDeployment schema of the gateway's OpenAPI document (api-docs/spec.openapi.yml in
 * openfaas/faas). Only the fields this chart sets are listed.
 */
import { UsageError } from '../lib/errors.js';

export interface FunctionResources {
  cpu?: string;
  memory?: string;
}

export interface FunctionDeployment {
  /** The function's name. */
  service: string;
  image: string;
  namespace: string;
  envVars: Record<string, string>;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  limits?: FunctionResources;
  requests?: FunctionResources;
  /** Names of Secrets in the function's namespace, mounted at /var/openfaas/secrets. */
  secrets: string[];
  readOnlyRootFilesystem: boolean;
}

/**
 * Parses the JSON list of deployments that the chart renders into OPENFAAS_FUNCTIONS.
 *
 * @throws UsageError naming the entry and field that is missing or has the wrong type.
 */
export function parseFunctionDeployments(text: string): FunctionDeployment[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`OPENFAAS_FUNCTIONS is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new UsageError('OPENFAAS_FUNCTIONS must be a non-empty JSON array of deployments');
  }
  return parsed.map((entry, index) => checkDeployment(entry, `OPENFAAS_FUNCTIONS[${index}]`));
}

function checkDeployment(entry: unknown, where: string): FunctionDeployment {
  if (!isObject(entry)) throw new UsageError(`${where} must be an object`);

  for (const field of ['service', 'image', 'namespace']) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      throw new UsageError(`${where}.${field} must be a non-empty string`);
    }
  }
  for (const field of ['envVars', 'labels', 'annotations']) {
    if (!isStringMap(entry[field])) {
      throw new UsageError(`${where}.${field} must be an object of strings`);
    }
  }
  for (const field of ['limits', 'requests']) {
    if (entry[field] !== undefined && !isStringMap(entry[field])) {
      throw new UsageError(`${where}.${field} must be an object with cpu and memory strings`);
    }
  }
  const secrets = entry.secrets;
  if (!Array.isArray(secrets) || !secrets.every((name) => typeof name === 'string')) {
    throw new UsageError(`${where}.secrets must be an array of Secret names`);
  }
  if (typeof entry.readOnlyRootFilesystem !== 'boolean') {
    throw new UsageError(`${where}.readOnlyRootFilesystem must be true or false`);
  }
  return entry as unknown as FunctionDeployment;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isObject(value) && Object.values(value).every((item) => typeof item === 'string');
}
