/**
 * The environment that the Helm chart gives each container, read from `helm template` of the
 * plain-Kubernetes variant: literal values, Secret keys and ConfigMap entries resolved to
 * the values the chart renders. Container tests start the same images with these variables.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
}

interface Manifest {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template?: { spec: { containers: Container[] } } };
}

export interface ChartContainer {
  env: Record<string, string>;
  args: string[];
}

export interface ChartEnvironment {
  /** Containers by name: coordinator, map, reduce and minio. */
  containers: Record<string, ChartContainer>;
  /** In-cluster URLs by service: the MinIO endpoint and the function URLs. */
  urls: { minio: string; map: string; reduce: string };
}

/** Release and namespace of the rendering. They appear only in the in-cluster URLs. */
const RELEASE = 'wc';
const NAMESPACE = 'default';

/** Renders the chart with `platform=kubernetes` and `sets` (helm --set) and resolves every container's environment. */
export function chartEnvironment(sets: readonly string[] = []): ChartEnvironment {
  const helm = execFileSync(join(PACKAGE_ROOT, 'scripts', 'ensure-tool.sh'), ['helm'], {
    encoding: 'utf8',
  }).trim();
  const rendered = execFileSync(
    helm,
    [
      'template',
      RELEASE,
      join(PACKAGE_ROOT, 'charts', 'wordcount'),
      '--namespace',
      NAMESPACE,
      '--set',
      'platform=kubernetes',
      ...sets.flatMap((set) => ['--set', set]),
    ],
    { encoding: 'utf8' },
  );
  const manifests = parseAllDocuments(rendered)
    .map((document) => document.toJS() as Manifest | null)
    .filter((manifest): manifest is Manifest => manifest !== null);

  const dataOf = (kind: string, name: string): Record<string, string> => {
    const found = manifests.find((m) => m.kind === kind && m.metadata.name === name);
    if (found?.data === undefined)
      throw new Error(`the chart renders no ${kind} ${name} with data`);
    if (kind !== 'Secret') return found.data;
    return Object.fromEntries(
      Object.entries(found.data).map(([key, value]) => [
        key,
        Buffer.from(value, 'base64').toString('utf8'),
      ]),
    );
  };

  const containers: Record<string, ChartContainer> = {};
  for (const manifest of manifests) {
    for (const container of manifest.spec?.template?.spec.containers ?? []) {
      const env: Record<string, string> = {};
      for (const source of container.envFrom ?? []) {
        if (source.configMapRef) Object.assign(env, dataOf('ConfigMap', source.configMapRef.name));
      }
      for (const variable of container.env ?? []) {
        const ref = variable.valueFrom?.secretKeyRef;
        const value = ref === undefined ? variable.value : dataOf('Secret', ref.name)[ref.key];
        if (value === undefined)
          throw new Error(
            `cannot resolve ${variable.name} of container ${container.name}: the rendered chart has no value or Secret key for it`,
          );
        env[variable.name] = value;
      }
      containers[container.name] = { env, args: container.args ?? [] };
    }
  }
  for (const name of ['coordinator', 'map', 'reduce', 'minio']) {
    if (containers[name] === undefined) throw new Error(`the chart renders no ${name} container`);
  }

  const coordinator = containers.coordinator.env;
  return {
    containers,
    urls: {
      minio: coordinator.AWS_ENDPOINT_URL,
      map: coordinator.MAP_URL,
      reduce: coordinator.REDUCE_URL,
    },
  };
}
