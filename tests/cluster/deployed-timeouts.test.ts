/**
 * The coordinator reads the deployed function timeouts through a real kube-apiserver (with
 * etcd) on 127.0.0.1, with a token of the chart's ServiceAccount bound by the chart's own Role
 * and RoleBinding. The function objects are the chart's rendered Knative Services and
 * Deployments; the Knative Service CRD comes from the knative.dev/serving module.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';

import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  KubernetesObjectApi,
  PatchStrategy,
  type KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { pino } from 'pino';
import { parseAllDocuments } from 'yaml';

import { applyDeployedTimeouts } from '../../functions/coordinator/cluster-timeouts.js';
import { readCoordinatorConfig } from '../../functions/coordinator/config.js';
import { planSafeSize } from '../../functions/coordinator/planner.js';
import type { Logger } from '../../functions/lib/log.js';
import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import type { JobOptions } from '../../functions/state/messages.js';
import { AUDIENCE, startKubeApiserver, type KubeCluster } from '../support/kube-apiserver.js';

/** Starting etcd and kube-apiserver takes seconds to a minute; the first build takes minutes. */
const START_TIMEOUT_MS = 300_000;

const CHART = join(PACKAGE_ROOT, 'charts', 'wordcount');
const NO_OPTIONS = { safeSize: 0, concurrency: 0 } as unknown as JobOptions;

/** The Knative Serving module that scripts/make-kube-schemas.mjs reads, at the same version. */
function knativeServiceCrd(): KubernetesObject {
  const script = readFileSync(join(PACKAGE_ROOT, 'scripts', 'make-kube-schemas.mjs'), 'utf8');
  const module = /const KNATIVE_SERVING = '([^']+)'/.exec(script)?.[1] as string;
  const info = JSON.parse(
    execFileSync('go', ['mod', 'download', '-json', module], { encoding: 'utf8' }),
  ) as { Dir: string };
  const text = readFileSync(
    join(info.Dir, 'config', 'core', '300-resources', 'service.yaml'),
    'utf8',
  );
  return parseAllDocuments(text)[0].toJS() as KubernetesObject;
}

/** The chart rendered into `namespace`, without Helm hooks. */
function render(namespace: string, args: string[]): KubernetesObject[] {
  const helm = execFileSync(join(PACKAGE_ROOT, 'scripts', 'ensure-tool.sh'), ['helm'], {
    encoding: 'utf8',
  }).trim();
  const text = execFileSync(helm, ['template', 'demo', CHART, '--namespace', namespace, ...args], {
    encoding: 'utf8',
  });
  return parseAllDocuments(text)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null)
    .filter((object) => object.metadata?.annotations?.['helm.sh/hook'] === undefined)
    .map((object) => ({ ...object, metadata: { ...object.metadata, namespace } }));
}

/** The coordinator's environment as the chart renders it, with stand-in store credentials. */
function coordinatorEnv(objects: KubernetesObject[]): Record<string, string> {
  const coordinator = objects.find(
    (object) =>
      object.metadata?.name === 'demo-wordcount-coordinator' &&
      (object as { spec?: { template?: unknown } }).spec?.template !== undefined,
  ) as {
    spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
  };
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'test-key',
    AWS_SECRET_ACCESS_KEY: 'test-secret',
  };
  for (const variable of coordinator.spec.template.spec.containers[0].env) {
    if (variable.value !== undefined) env[variable.name] = variable.value;
  }
  return env;
}

function captureLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream) as unknown as Logger, lines };
}

async function statusOf(request: Promise<unknown>): Promise<number> {
  try {
    await request;
    return 200;
  } catch (error) {
    return (error as { code?: number }).code ?? -1;
  }
}

describe('deployed timeouts on a real kube-apiserver', () => {
  let cluster: KubeCluster;
  let admin: KubeConfig;

  async function serviceAccountToken(namespace: string, name: string): Promise<string> {
    const response = await admin.makeApiClient(CoreV1Api).createNamespacedServiceAccountToken({
      namespace,
      name,
      body: { spec: { audiences: [AUDIENCE], expirationSeconds: 3600 } },
    });
    return response.status?.token as string;
  }

  async function install(namespace: string, objects: KubernetesObject[]): Promise<void> {
    const client = admin.makeApiClient(KubernetesObjectApi);
    await client.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
    const custom = admin.makeApiClient(CustomObjectsApi);
    for (const object of objects) {
      // KubernetesObjectApi serializes by kind alone, as if a Knative Service were a core
      // Service, and drops its spec.template; custom resources go through CustomObjectsApi.
      if (object.apiVersion === 'serving.knative.dev/v1') {
        await custom.createNamespacedCustomObject({
          group: 'serving.knative.dev',
          version: 'v1',
          namespace,
          plural: 'services',
          body: structuredClone(object),
        });
      } else {
        await client.create(structuredClone(object));
      }
    }
  }

  beforeAll(async () => {
    cluster = await startKubeApiserver();
    admin = cluster.kubeConfig(cluster.adminToken);
    const objects = admin.makeApiClient(KubernetesObjectApi);
    await objects.create(knativeServiceCrd());
    for (let attempt = 0; attempt < 60; attempt++) {
      const crd = (await objects.read({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'services.serving.knative.dev' },
      })) as { status?: { conditions?: { type: string; status: string }[] } };
      const established = crd.status?.conditions?.some(
        (condition) => condition.type === 'Established' && condition.status === 'True',
      );
      if (established) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await cluster?.stop();
  }, 30_000);

  describe('Knative Services', () => {
    const namespace = 'wc';
    const objects = render(namespace, [
      '-f',
      join(CHART, 'ci', 'values-knative-tuned.yaml'),
      '--set',
      'functions.map.timeoutSeconds=200',
      '--set',
      'knative.pathTimeoutSeconds=150',
    ]);
    let token: string;

    beforeAll(async () => {
      await install(namespace, objects);
      token = await serviceAccountToken(namespace, 'demo-wordcount');
    });

    it('reads the timeouts and plans with the smallest', async () => {
      const env = { ...coordinatorEnv(objects), MAP_TIMEOUT_SECONDS: '280' };
      const { logger } = captureLogger();

      const config = await applyDeployedTimeouts(readCoordinatorConfig(env), env, logger, () =>
        Promise.resolve(cluster.kubeConfig(token)),
      );

      expect(config.mapTimeoutSeconds).toBe(200);
      expect(config.reduceTimeoutSeconds).toBe(60);
      expect(config.pathTimeoutSeconds).toBe(150);
      expect(planSafeSize(config, NO_OPTIONS, undefined).timeoutSeconds).toBe(150);
    });

    it('follows a changed deployment', async () => {
      const custom = admin.makeApiClient(CustomObjectsApi);
      const request = {
        group: 'serving.knative.dev',
        version: 'v1',
        namespace,
        plural: 'services',
        name: 'demo-wordcount-map',
      };
      const map = (await custom.getNamespacedCustomObject(request)) as {
        spec: { template: { spec: { timeoutSeconds: number } } };
      };
      map.spec.template.spec.timeoutSeconds = 90;
      await custom.replaceNamespacedCustomObject({ ...request, body: map });
      const env = coordinatorEnv(objects);
      const { logger } = captureLogger();

      const config = await applyDeployedTimeouts(readCoordinatorConfig(env), env, logger, () =>
        Promise.resolve(cluster.kubeConfig(token)),
      );
      const plan = planSafeSize(config, NO_OPTIONS, undefined);

      expect(config.mapTimeoutSeconds).toBe(90);
      expect(plan.timeoutSeconds).toBe(90);
      expect(plan.safeSize).toBe(Math.floor(config.initialMapBytesPerSecond * (90 - 10) * 0.5));
    });

    it('lets the ServiceAccount get only the two functions', async () => {
      const user = cluster.kubeConfig(token);
      const custom = user.makeApiClient(CustomObjectsApi);
      const service = (name: string) => ({
        group: 'serving.knative.dev',
        version: 'v1',
        namespace,
        plural: 'services',
        name,
      });

      expect(await statusOf(custom.getNamespacedCustomObject(service('demo-wordcount-map')))).toBe(
        200,
      );
      expect(
        await statusOf(custom.getNamespacedCustomObject(service('demo-wordcount-reduce'))),
      ).toBe(200);
      expect(
        await statusOf(custom.getNamespacedCustomObject(service('demo-wordcount-coordinator'))),
      ).toBe(403);
      expect(
        await statusOf(
          custom.listNamespacedCustomObject({
            group: 'serving.knative.dev',
            version: 'v1',
            namespace,
            plural: 'services',
          }),
        ),
      ).toBe(403);
      expect(
        await statusOf(custom.deleteNamespacedCustomObject(service('demo-wordcount-map'))),
      ).toBe(403);
    });

    it('forbids the ServiceAccount to update services', async () => {
      const user = cluster.kubeConfig(token).makeApiClient(KubernetesObjectApi);
      const map = {
        apiVersion: 'serving.knative.dev/v1',
        kind: 'Service',
        metadata: { name: 'demo-wordcount-map', namespace },
        spec: { template: { spec: { timeoutSeconds: 600 } } },
      };

      expect(
        await statusOf(
          user.patch(map, undefined, undefined, undefined, undefined, PatchStrategy.MergePatch),
        ),
      ).toBe(403);
    });

    it('forbids the ServiceAccount to read secrets', async () => {
      const core = cluster.kubeConfig(token).makeApiClient(CoreV1Api);

      expect(await statusOf(core.listNamespacedSecret({ namespace }))).toBe(403);
      expect(
        await statusOf(core.readNamespacedSecret({ namespace, name: 'demo-wordcount-store' })),
      ).toBe(403);
    });

    it('falls back with a warning when forbidden', async () => {
      const client = admin.makeApiClient(KubernetesObjectApi);
      await client.create({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { name: 'unbound', namespace },
      });
      const unbound = await serviceAccountToken(namespace, 'unbound');
      const env = { ...coordinatorEnv(objects), MAP_TIMEOUT_SECONDS: '280' };
      const { logger, lines } = captureLogger();

      const config = await applyDeployedTimeouts(readCoordinatorConfig(env), env, logger, () =>
        Promise.resolve(cluster.kubeConfig(unbound)),
      );

      expect(config.mapTimeoutSeconds).toBe(280);
      expect(config.reduceTimeoutSeconds).toBe(60);
      expect(lines.join('')).toMatch(/cannot read the deployed function timeouts/);
      expect(lines.join('')).toMatch(/HTTP 403/);
    });
  });

  describe('Deployments', () => {
    const namespace = 'wc-plain';
    const objects = render(namespace, [
      '-f',
      join(CHART, 'ci', 'values-kubernetes.yaml'),
      '--set',
      'functions.map.timeoutSeconds=240',
      '--set',
      'functions.reduce.timeoutSeconds=45',
    ]);
    let token: string;

    beforeAll(async () => {
      await install(namespace, objects);
      token = await serviceAccountToken(namespace, 'demo-wordcount');
    });

    it('reads FUNCTION_TIMEOUT_SECONDS of the containers', async () => {
      const env = {
        ...coordinatorEnv(objects),
        MAP_TIMEOUT_SECONDS: '30',
        REDUCE_TIMEOUT_SECONDS: '30',
      };
      const { logger } = captureLogger();

      const config = await applyDeployedTimeouts(readCoordinatorConfig(env), env, logger, () =>
        Promise.resolve(cluster.kubeConfig(token)),
      );

      expect(config.mapTimeoutSeconds).toBe(240);
      expect(config.reduceTimeoutSeconds).toBe(45);
      expect(planSafeSize(config, NO_OPTIONS, undefined).timeoutSeconds).toBe(240);
    });

    it('forbids other Deployments and writes', async () => {
      const apps = cluster.kubeConfig(token).makeApiClient(AppsV1Api);

      expect(
        await statusOf(apps.readNamespacedDeployment({ namespace, name: 'demo-wordcount-map' })),
      ).toBe(200);
      expect(
        await statusOf(
          apps.readNamespacedDeployment({ namespace, name: 'demo-wordcount-coordinator' }),
        ),
      ).toBe(403);
      expect(await statusOf(apps.listNamespacedDeployment({ namespace }))).toBe(403);
      expect(
        await statusOf(apps.deleteNamespacedDeployment({ namespace, name: 'demo-wordcount-map' })),
      ).toBe(403);
    });

    it('falls back when the API is unreachable', async () => {
      const env = coordinatorEnv(objects);
      const { logger, lines } = captureLogger();
      const { KubeConfig } = await import('@kubernetes/client-node');
      const unreachable = new KubeConfig();
      unreachable.loadFromOptions({
        clusters: [{ name: 'none', server: 'https://127.0.0.1:1', skipTLSVerify: true }],
        users: [{ name: 'none', token }],
        contexts: [{ name: 'none', cluster: 'none', user: 'none' }],
        currentContext: 'none',
      });

      const config = await applyDeployedTimeouts(readCoordinatorConfig(env), env, logger, () =>
        Promise.resolve(unreachable),
      );

      expect(config.mapTimeoutSeconds).toBe(240);
      expect(lines.join('')).toMatch(/cannot read the deployed function timeouts/);
    });
  });
});
