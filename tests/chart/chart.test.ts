import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import { manifests, type Manifest } from '../support/kube-manifests.js';
import { ensureTool, kubeconform } from '../support/kube-tools.js';

const CHART = join(PACKAGE_ROOT, 'charts', 'wordcount');
const helm = ensureTool('helm');
const variants = readdirSync(join(CHART, 'ci')).filter((file) => file.endsWith('.yaml'));

/** OpenFaaS functions run in openfaas-fn, and the chart must be installed there. */
const namespaceOf = (variant: string): string =>
  variant.includes('openfaas') ? 'openfaas-fn' : 'wc';

function template(
  args: string[],
  namespace = 'wc',
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(helm, ['template', 'demo', CHART, '--namespace', namespace, ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Helm chart', () => {
  it.each(variants)('passes helm lint with ci/%s', (variant) => {
    const result = spawnSync(
      helm,
      [
        'lint',
        CHART,
        '--strict',
        '--namespace',
        namespaceOf(variant),
        '-f',
        join(CHART, 'ci', variant),
      ],
      { encoding: 'utf8' },
    );

    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it.each(variants)('renders ci/%s to manifests valid against the real schemas', (variant) => {
    const rendered = template(['-f', join(CHART, 'ci', variant)], namespaceOf(variant));
    expect(rendered.stderr).toBe('');
    expect(rendered.status).toBe(0);

    const result = kubeconform({ yaml: rendered.stdout });
    expect(result.stdout).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
    expect(result.status).toBe(0);
  });

  it('renders Knative Services with the timeouts, concurrency and scaling', () => {
    const services = manifests(
      template(['-f', join(CHART, 'ci', 'values-knative-tuned.yaml')]).stdout,
    ).filter(
      (manifest) => manifest.kind === 'Service' && manifest.apiVersion === 'serving.knative.dev/v1',
    );
    const map = services.find(
      (service) => service.metadata.name === 'demo-wordcount-map',
    ) as Manifest;
    const template_ = (
      map.spec as {
        template: {
          metadata: { annotations: Record<string, string> };
          spec: Record<string, unknown>;
        };
      }
    ).template;

    expect(services).toHaveLength(3);
    expect(template_.spec.timeoutSeconds).toBe(120);
    expect(template_.spec.containerConcurrency).toBe(1);
    expect(template_.metadata.annotations['autoscaling.knative.dev/min-scale']).toBe('1');
    expect(template_.metadata.annotations['autoscaling.knative.dev/max-scale']).toBe('0');
    expect(template_.metadata.annotations['autoscaling.knative.dev/target']).toBe('1');
  });

  it('passes the path timeout and URLs to the coordinator', () => {
    const rendered = template(['-f', join(CHART, 'ci', 'values-knative-tuned.yaml')]).stdout;

    expect(rendered).toMatch(/name: PATH_TIMEOUT_SECONDS\n\s+value: "120"/);
    expect(rendered).toMatch(
      /name: MAP_URL\n\s+value: "http:\/\/demo-wordcount-map\.wc\.svc\.cluster\.local"/,
    );
    expect(rendered).toMatch(/name: INPUT_BUCKETS\n\s+value: "wordcount,books"/);
  });

  it('renders OpenFaaS Functions with timeouts, scaling and secrets', () => {
    const rendered = manifests(
      template(['-f', join(CHART, 'ci', 'values-openfaas-operator.yaml')], 'openfaas-fn').stdout,
    );
    const functions = rendered.filter((manifest) => manifest.kind === 'Function');
    const map = functions.find(
      (resource) => resource.metadata.name === 'demo-wordcount-map',
    ) as Manifest & { spec: Record<string, Record<string, string> | string[] | boolean> };
    const environment = map.spec.environment as Record<string, string>;
    const labels = map.spec.labels as Record<string, string>;

    expect(functions.map((resource) => resource.apiVersion)).toEqual([
      'openfaas.com/v1',
      'openfaas.com/v1',
      'openfaas.com/v1',
    ]);
    expect(map.spec.name).toBe('demo-wordcount-map');
    expect(map.spec.image).toBe('dev.local/wordcount:0.1.0');
    expect(environment.WORDCOUNT_FUNCTION).toBe('map');
    expect(environment.FUNCTION_TIMEOUT_SECONDS).toBe('120');
    expect(environment.exec_timeout).toBe('120s');
    expect(environment.read_timeout).toBe('120s');
    expect(environment.write_timeout).toBe('120s');
    expect(environment.AWS_ACCESS_KEY_ID_FILE).toBe('/var/openfaas/secrets/AWS_ACCESS_KEY_ID');
    expect(labels['com.openfaas.scale.min']).toBe('1');
    expect(labels['com.openfaas.scale.max']).toBe('8');
    expect(labels['com.openfaas.scale.target']).toBe('1');
    expect(labels['com.openfaas.scale.zero']).toBe('true');
    expect(map.spec.limits).toEqual({ cpu: '2', memory: '2Gi' });
    expect(map.spec.requests).toEqual({ cpu: '1', memory: '512Mi' });
    expect(map.spec.secrets).toEqual(['demo-wordcount-store']);
    expect(map.spec.readOnlyRootFilesystem).toBe(true);
    expect(rendered.filter((manifest) => manifest.kind === 'Job')).toHaveLength(0);
  });

  it('routes the coordinator through the OpenFaaS gateway', () => {
    const rendered = manifests(
      template(['-f', join(CHART, 'ci', 'values-openfaas-operator.yaml')], 'openfaas-fn').stdout,
    );
    const coordinator = rendered.find(
      (manifest) => manifest.metadata.name === 'demo-wordcount-coordinator',
    ) as Manifest & { spec: { environment: Record<string, string> } };

    expect(coordinator.spec.environment.MAP_URL).toBe(
      'http://gateway.openfaas.svc.cluster.local:8080/function/demo-wordcount-map',
    );
    expect(coordinator.spec.environment.PATH_TIMEOUT_SECONDS).toBe('180');
    expect(coordinator.spec.environment.PARTITIONS).toBe('256');
  });

  it('deploys through the gateway API without the operator', () => {
    const rendered = manifests(
      template(['-f', join(CHART, 'ci', 'values-openfaas.yaml')], 'openfaas-fn').stdout,
    );
    const job = rendered.find((manifest) => manifest.kind === 'Job') as Manifest & {
      spec: {
        template: {
          spec: { containers: { args: string[]; env: { name: string; value?: string }[] }[] };
        };
      };
    };
    const container = job.spec.template.spec.containers[0];
    const bodies = JSON.parse(
      container.env.find((variable) => variable.name === 'OPENFAAS_FUNCTIONS')?.value ?? '[]',
    ) as { service: string; namespace: string; envVars: Record<string, string> }[];

    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,post-upgrade');
    expect(container.args).toEqual(['openfaas-deploy']);
    expect(bodies.map((body) => body.service)).toEqual([
      'demo-wordcount-coordinator',
      'demo-wordcount-map',
      'demo-wordcount-reduce',
    ]);
    expect(bodies.every((body) => body.namespace === 'openfaas-fn')).toBe(true);
    expect(bodies[1].envVars.exec_timeout).toBe('300s');
    expect(rendered.filter((manifest) => manifest.kind === 'Function')).toHaveLength(0);
    expect(Object.keys(bodies[0].envVars)).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(bodies[0].envVars.AWS_SECRET_ACCESS_KEY_FILE).toBe(
      '/var/openfaas/secrets/AWS_SECRET_ACCESS_KEY',
    );
  });

  it.each<[string, string[], RegExp]>([
    [
      'a function timeout above the gateway timeout',
      ['--set', 'functions.map.timeoutSeconds=700'],
      /functions\.map\.timeoutSeconds=700 is above the gateway's upstream timeout openfaas\.gateway\.upstreamTimeoutSeconds=660, so the gateway would end its calls first; fix with --set functions\.map\.timeoutSeconds=660/,
    ],
    [
      'a gateway timeout below the defaults',
      ['--set', 'openfaas.gateway.upstreamTimeoutSeconds=60'],
      /functions\.coordinator\.timeoutSeconds=600 is above the gateway's upstream timeout .* --set openfaas\.gateway\.upstreamTimeoutSeconds=600\)/,
    ],
  ])('rejects on OpenFaaS %s with the fix', (_name, args, message) => {
    const result = template(
      ['-f', join(CHART, 'ci', 'values-openfaas.yaml'), ...args],
      'openfaas-fn',
    );

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('rejects OpenFaaS outside the function namespace', () => {
    const result = template(['-f', join(CHART, 'ci', 'values-openfaas.yaml')], 'wc');

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(
      /the release is in namespace wc, but OpenFaaS functions run in openfaas\.functionNamespace=openfaas-fn .*; install with --namespace openfaas-fn/,
    );
  });

  it.each<[string, string, string, string]>([
    ['values-knative.yaml', 'wc', 'serving.knative.dev', 'services'],
    ['values-kubernetes.yaml', 'wc', 'apps', 'deployments'],
    ['values-openfaas.yaml', 'openfaas-fn', 'apps', 'deployments'],
    ['values-openfaas-operator.yaml', 'openfaas-fn', 'openfaas.com', 'functions'],
  ])('grants with ci/%s only get on the functions', (variant, namespace, group, resource) => {
    const rendered = manifests(template(['-f', join(CHART, 'ci', variant)], namespace).stdout);
    const role = rendered.find((manifest) => manifest.kind === 'Role') as Manifest & {
      rules: {
        apiGroups: string[];
        resources: string[];
        resourceNames: string[];
        verbs: string[];
      }[];
    };
    const binding = rendered.find((manifest) => manifest.kind === 'RoleBinding') as Manifest & {
      subjects: { kind: string; name: string; namespace: string }[];
      roleRef: { name: string };
    };

    expect(role.rules).toEqual([
      {
        apiGroups: [group],
        resources: [resource],
        resourceNames: ['demo-wordcount-map', 'demo-wordcount-reduce'],
        verbs: ['get'],
      },
    ]);
    expect(binding.roleRef.name).toBe(role.metadata.name);
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'demo-wordcount', namespace },
    ]);
  });

  it('mounts the API token only into the coordinator', () => {
    const rendered = manifests(
      template(['-f', join(CHART, 'ci', 'values-kubernetes.yaml')]).stdout,
    );
    const mounts = Object.fromEntries(
      rendered
        .filter((manifest) => manifest.kind === 'Deployment' || manifest.kind === 'Pod')
        .map((manifest) => {
          const spec =
            (manifest.spec as { template?: { spec: Record<string, unknown> } }).template?.spec ??
            (manifest.spec as Record<string, unknown>);
          return [manifest.metadata.name, spec.automountServiceAccountToken];
        }),
    );
    const account = rendered.find((manifest) => manifest.kind === 'ServiceAccount') as Manifest & {
      automountServiceAccountToken: boolean;
    };

    expect(account.automountServiceAccountToken).toBe(true);
    expect(mounts['demo-wordcount-coordinator']).toBeUndefined();
    expect(mounts['demo-wordcount-map']).toBe(false);
    expect(mounts['demo-wordcount-reduce']).toBe(false);
    expect(mounts['demo-wordcount-test']).toBe(false);
  });

  it('renders the cleanup CronJob and retention', () => {
    const rendered = template(['--set', 'cleanup.retentionSeconds=120']).stdout;

    expect(rendered).toMatch(
      /CLEANUP_RETENTION_SECONDS: "120"\n\s+CLEANUP_ABANDON_SECONDS: "86400"/,
    );
    const cronJob = manifests(rendered).find((manifest) => manifest.kind === 'CronJob');
    expect(JSON.stringify(cronJob)).toContain(
      '"args":["wordcount","cleanup","--coordinator","http://demo-wordcount-coordinator.wc.svc.cluster.local"]',
    );
    const disabled = template(['--set', 'cleanup.cronJob.enabled=false']).stdout;
    expect(manifests(disabled).filter((manifest) => manifest.kind === 'CronJob')).toHaveLength(0);
  });

  it('pins MinIO by digest, and runs an image of your own by tag', () => {
    expect(template([]).stdout).toContain(
      'image: quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z@sha256:14cea493d9a34af32f524e538b8346cf79f3321eff8e708c1e2960462bd8936e',
    );
    const own = template([
      '--set',
      'minio.image.repository=dev.local/minio',
      '--set',
      'minio.image.tag=source',
      '--set',
      'minio.image.digest=',
    ]).stdout;
    expect(own).toContain('image: dev.local/minio:source\n');
  });

  it('makes no Role when the timeouts come from the values', () => {
    const rendered = manifests(template(['--set', 'readDeployedTimeouts=false']).stdout);
    const account = rendered.find((manifest) => manifest.kind === 'ServiceAccount') as Manifest & {
      automountServiceAccountToken: boolean;
    };

    expect(rendered.filter((manifest) => manifest.kind === 'Role')).toHaveLength(0);
    expect(account.automountServiceAccountToken).toBe(false);
  });

  it('keeps credentials out of the values and the manifests', () => {
    const rendered = template([]).stdout;
    const secret = manifests(rendered).find(
      (manifest) => manifest.kind === 'Secret',
    ) as Manifest & { data: Record<string, string> };

    expect(Object.keys(secret.data).sort()).toEqual(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    expect(Buffer.from(secret.data.AWS_SECRET_ACCESS_KEY, 'base64').toString()).toHaveLength(40);
    expect(rendered).not.toMatch(/name: AWS_SECRET_ACCESS_KEY\n\s+value:/);
  });

  it('uses an existing Secret without making one', () => {
    const rendered = manifests(
      template(['-f', join(CHART, 'ci', 'values-external-s3.yaml')]).stdout,
    );

    expect(rendered.filter((manifest) => manifest.kind === 'Secret')).toHaveLength(0);
    expect(rendered.filter((manifest) => manifest.kind === 'StatefulSet')).toHaveLength(0);
  });

  it.each<[string, string[], RegExp]>([
    [
      'a negative timeout',
      ['--set', 'functions.map.timeoutSeconds=-5'],
      /at '\/functions\/map\/timeoutSeconds': minimum: got -5, want 1/,
    ],
    [
      'an unknown platform',
      ['--set', 'platform=lambda'],
      /at '\/platform': value must be one of 'knative', 'openfaas', 'kubernetes'/,
    ],
    [
      'min scale above max scale',
      ['--set', 'functions.map.minScale=5', '--set', 'functions.map.maxScale=2'],
      /functions\.map\.minScale=5 is above functions\.map\.maxScale=2; fix with --set functions\.map\.minScale=2/,
    ],
    [
      'MinIO off without an endpoint',
      ['--set', 'minio.enabled=false'],
      /minio\.enabled=false needs an external S3 endpoint; fix with --set store\.externalEndpoint=/,
    ],
    [
      'a timeout above the revision maximum',
      ['--set', 'functions.map.timeoutSeconds=700'],
      /functions\.map\.timeoutSeconds=700 is above the cluster's maximum revision timeout knative\.maxRevisionTimeoutSeconds=600; fix with --set functions\.map\.timeoutSeconds=600/,
    ],
    [
      'a coordinator timeout too short',
      ['--set', 'functions.coordinator.timeoutSeconds=310'],
      /functions\.coordinator\.timeoutSeconds=310 leaves no room for a map or reduce call of 300 s plus its margin; fix with --set functions\.coordinator\.timeoutSeconds=315/,
    ],
    [
      'unlimited scale outside Knative',
      ['--set', 'platform=kubernetes', '--set', 'functions.map.maxScale=0'],
      /functions\.map\.maxScale=0 means unlimited only on Knative/,
    ],
    [
      'an unknown value',
      ['--set', 'functions.map.timeout=5'],
      /additional properties 'timeout' not allowed/,
    ],
  ])('rejects %s with the fix', (_name, args, message) => {
    const result = template(args);

    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(message);
  });

  it('documents every value with @param', () => {
    const values = spawnSync(helm, ['show', 'values', CHART], { encoding: 'utf8' }).stdout;
    const documented = new Set([...values.matchAll(/## @param (\S+)/g)].map((match) => match[1]));
    const leaves: string[] = [];
    const walk = (object: Record<string, unknown>, prefix: string): void => {
      for (const [key, value] of Object.entries(object)) {
        const path = prefix === '' ? key : `${prefix}.${key}`;
        if (
          value !== null &&
          typeof value === 'object' &&
          !Array.isArray(value) &&
          !['resources'].includes(key)
        ) {
          walk(value as Record<string, unknown>, path);
        } else {
          leaves.push(path);
        }
      }
    };
    walk(parseAllDocuments(values)[0].toJS() as Record<string, unknown>, '');

    expect(leaves.filter((leaf) => !documented.has(leaf))).toEqual([]);
  });
});
