/** Reading Kubernetes manifests in tests, and running their containers' commands the way the kubelet builds them. */
import { parseAllDocuments } from 'yaml';

export interface Manifest {
  kind: string;
  apiVersion: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

/** Returns the documents of a multi-document YAML text, without the empty ones. */
export function manifests(yamlText: string): Manifest[] {
  return parseAllDocuments(yamlText)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: unknown;
}

export interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { secretRef?: { name: string } }[];
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
}

/**
 * Expands `$(NAME)` references as the kubelet does in args and env values: a defined name is
 * replaced by its value, an undefined one stays as it is, and `$$` is a literal `$`.
 */
export function expandReferences(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (match, name?: string) => {
    if (match === '$$') return '$';
    return name !== undefined && Object.hasOwn(env, name) ? env[name] : match;
  });
}

/**
 * Returns a container's environment as the kubelet builds it: each `value` is expanded with
 * the variables before it. Variables set with `valueFrom` or `envFrom` take their values from
 * `given`, which replaces the cluster's pod fields and Secret keys,, and a
 * name in `overrides` replaces the manifest's value, as `kubectl set env` would.
 *
 * @throws Error for a `valueFrom` variable that `given` does not provide.
 */
export function containerEnv(
  container: Container,
  given: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string>> = {},
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const variable of container.env ?? []) {
    if (Object.hasOwn(overrides, variable.name)) {
      env[variable.name] = overrides[variable.name];
    } else if (variable.value !== undefined) {
      env[variable.name] = expandReferences(variable.value, env);
    } else if (Object.hasOwn(given, variable.name)) {
      env[variable.name] = given[variable.name];
    } else {
      throw new Error(
        `no value given for ${variable.name}, which ${container.name} reads from the cluster`,
      );
    }
  }
  if (container.envFrom !== undefined) {
    for (const [name, value] of Object.entries(given)) env[name] ??= value;
  }
  return env;
}
