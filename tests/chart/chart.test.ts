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

function template(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(helm, ['template', 'demo', CHART, '--namespace', 'wc', ...args], {
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('Helm chart', () => {
  it.each(variants)('passes helm lint with ci/%s', (variant) => {
    const result = spawnSync(helm, ['lint', CHART, '--strict', '-f', join(CHART, 'ci', variant)], {
      encoding: 'utf8',
    });

    expect(result.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.status).toBe(0);
  });

  it.each(variants)('renders ci/%s to manifests valid against the real schemas', (variant) => {
    const rendered = template(['-f', join(CHART, 'ci', variant)]);
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
      /at '\/platform': value must be one of 'knative', 'kubernetes'/,
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
      ['--set', 'functions.coordinator.timeoutSeconds=300'],
      /functions\.coordinator\.timeoutSeconds=300 leaves no room for a map or reduce call of 300 s; fix with --set functions\.coordinator\.timeoutSeconds=310/,
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
