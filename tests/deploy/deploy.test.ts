import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';
import { manifests, type Container, type Manifest } from '../support/kube-manifests.js';
import { ensureTool, kubeconform } from '../support/kube-tools.js';

const DEPLOY = join(PACKAGE_ROOT, 'deploy');
const scripts = readdirSync(DEPLOY).filter((file) => file.endsWith('.sh'));
const manifestFiles = readdirSync(DEPLOY).filter((file) => file.endsWith('.yaml'));
const texts = mkdtempSync(join(tmpdir(), 'wordcount-deploy-'));
const TEXT = join(texts, 'War and Peace.txt');
writeFileSync(TEXT, 'war and peace\n');
const JOB_ID = `wc-war-and-peace.txt-${createHash('sha256').update('war and peace\n').digest('hex').slice(0, 12)}`;

/** Returns a variable of deploy/versions.env, as the scripts read it. */
function pinned(name: string): string {
  return execFileSync('bash', ['-c', `. deploy/versions.env && printf %s "$${name}"`], {
    cwd: PACKAGE_ROOT,
    encoding: 'utf8',
  });
}

function dryRun(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(join(DEPLOY, script), [...args, '--dry-run'], {
    encoding: 'utf8',
    env: { ...process.env, CLUSTER_NAME: '', NAMESPACE: '', WORDCOUNT_CA_BUNDLE: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Returns the expected lines that are missing from `lines` or out of order. */
function missingInOrder(lines: readonly string[], expected: readonly string[]): string[] {
  const missing: string[] = [];
  let from = 0;
  for (const line of expected) {
    const found = lines.findIndex((candidate, index) => index >= from && candidate === line);
    if (found < 0) missing.push(line);
    else from = found + 1;
  }
  return missing;
}

const CLUSTERS = {
  'kind.sh': {
    context: 'kind-wordcount',
    create: () => [
      `+ kind create cluster --name wordcount --image ${pinned('KIND_NODE_IMAGE')} --wait 180s`,
    ],
    load: '+ kind load docker-image dev.local/wordcount:0.1.0 --name wordcount',
    copy:
      "+ docker cp -L '" +
      TEXT +
      "' wordcount-control-plane:/var/lib/wordcount-texts/War-and-Peace.txt",
    down: '+ kind delete cluster --name wordcount',
  },
  'minikube.sh': {
    context: 'wordcount',
    create: () => [
      `+ minikube start -p wordcount --kubernetes-version=${pinned('MINIKUBE_KUBERNETES_VERSION')} --cpus=4 --memory=8g`,
    ],
    load: '+ minikube -p wordcount image load dev.local/wordcount:0.1.0',
    copy: `+ minikube -p wordcount cp '${TEXT}' /var/lib/wordcount-texts/War-and-Peace.txt`,
    down: '+ minikube delete -p wordcount',
  },
} as const;

const cases = (['kind.sh', 'minikube.sh'] as const).flatMap((script) =>
  (['knative', 'kubernetes'] as const).map((platform) => [script, platform] as const),
);

describe('deploy scripts', () => {
  it.each(scripts)('%s passes shellcheck', (script) => {
    const result = spawnSync('shellcheck', ['-x', join('deploy', script)], {
      cwd: PACKAGE_ROOT,
      encoding: 'utf8',
    });

    expect(result.stdout).toBe('');
    expect(result.status).toBe(0);
  });

  it.each(cases)('%s up --platform %s prints every step in order', (script, platform) => {
    const cluster = CLUSTERS[script];
    const kubectl = `+ kubectl --context ${cluster.context}`;
    const knative = [
      `${kubectl} apply -f ${pinned('KNATIVE_SERVING_CRDS_URL')}`,
      `${kubectl} apply -f ${pinned('KNATIVE_SERVING_CORE_URL')}`,
      `${kubectl} apply -f ${pinned('KOURIER_URL')}`,
      `${kubectl} patch configmap/config-network -n knative-serving --type merge -p '{"data":{"ingress-class":"kourier.ingress.networking.knative.dev"}}'`,
      `${kubectl} wait --for=condition=Available --timeout=300s deployment --all -n knative-serving`,
    ];
    const expected = [
      ...cluster.create(),
      ...(platform === 'knative' ? knative : []),
      '+ env DOCKER_BUILDKIT=1 docker build -t dev.local/wordcount:0.1.0 .',
      cluster.load,
      `+ helm upgrade --install wordcount charts/wordcount --kube-context ${cluster.context} --namespace wordcount --create-namespace --set platform=${platform} --set image.repository=dev.local/wordcount --set image.tag=0.1.0 --set image.pullPolicy=Never --wait --timeout 10m`,
      ...(platform === 'knative'
        ? [`${kubectl} wait --for=condition=Ready --timeout=300s ksvc --all -n wordcount`]
        : []),
      cluster.copy,
      `+ kubectl set env --local -f deploy/load-text-job.yaml -o yaml TEXT_FILE=War-and-Peace.txt INPUT_OBJECT=s3://wordcount/books/War-and-Peace.txt | kubectl --context ${cluster.context} apply -n wordcount -f -`,
      `${kubectl} delete job wordcount-count -n wordcount --ignore-not-found --wait=true`,
      `+ kubectl set env --local -f deploy/wordcount-job.yaml -o yaml INPUT_OBJECT=s3://wordcount/books/War-and-Peace.txt JOB_ID=${JOB_ID} | kubectl --context ${cluster.context} apply -n wordcount -f -`,
      `${kubectl} logs -n wordcount -l batch.kubernetes.io/job-name=wordcount-count --tail=-1 --prefix`,
    ];

    const result = dryRun(script, ['up', '--platform', platform, '--text', TEXT]);
    const lines = result.stdout.split('\n');

    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(missingInOrder(lines, expected)).toEqual([]);
    expect(lines.filter((line) => line !== '' && !line.startsWith('+ '))).toEqual([]);
    if (platform === 'kubernetes') expect(result.stdout).not.toMatch(/knative|kourier/);
  });

  it.each(cases)('%s up --platform %s prints the same plan twice', (script, platform) => {
    const first = dryRun(script, ['up', '--platform', platform, '--text', TEXT]);
    const second = dryRun(script, ['up', '--platform', platform, '--text', TEXT]);

    expect(second.stdout).toBe(first.stdout);
  });

  it.each(Object.keys(CLUSTERS) as (keyof typeof CLUSTERS)[])(
    '%s down deletes the cluster',
    (script) => {
      const result = dryRun(script, ['down']);

      expect(result.stdout).toContain(`${CLUSTERS[script].down}\n`);
      expect(result.status).toBe(0);
    },
  );

  it('passes a CA bundle to the image build as a secret', () => {
    const result = dryRun('kind.sh', ['up', '--text', TEXT], {
      WORDCOUNT_CA_BUNDLE: '/etc/ssl/certs/ca-certificates.crt',
    });

    expect(result.stdout).toContain(
      '+ env DOCKER_BUILDKIT=1 docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt -t dev.local/wordcount:0.1.0 .\n',
    );
  });

  it('gives each text a job id of its own', () => {
    const other = join(texts, 'other.txt');
    writeFileSync(other, 'another text\n');
    const jobIds = [TEXT, TEXT, other].map(
      (text) => /JOB_ID=(\S+)/.exec(dryRun('kind.sh', ['up', '--text', text]).stdout)?.[1],
    );

    expect(jobIds[0]).toBe(JOB_ID);
    expect(jobIds[1]).toBe(jobIds[0]);
    expect(jobIds[2]).toMatch(/^wc-other\.txt-[0-9a-f]{12}$/);
  });

  it.each<[string[], string]>([
    [
      ['up', '--platform', 'lambda'],
      "kind.sh: invalid --platform 'lambda': expected knative or kubernetes",
    ],
    [
      ['up', '--text', '/nonexistent/book.txt'],
      'kind.sh: text /nonexistent/book.txt is not a file; pass --text FILE',
    ],
    [['start'], "kind.sh: unknown argument 'start'; see deploy/kind.sh --help"],
    [[], 'kind.sh: missing up or down; see deploy/kind.sh --help'],
  ])('rejects %j with one line', (args, message) => {
    const result = dryRun('kind.sh', args);

    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${message}\n`);
  });
});

function readManifest(file: string): Manifest {
  return manifests(readFileSync(join(DEPLOY, file), 'utf8'))[0];
}

interface JobSpec {
  backoffLimit: number;
  activeDeadlineSeconds: number;
  ttlSecondsAfterFinished: number;
  podFailurePolicy: { rules: { action: string; onExitCodes?: { values: number[] } }[] };
  template: {
    spec: {
      restartPolicy: string;
      securityContext: Record<string, unknown>;
      containers: (Container & {
        resources: { requests: Record<string, string> };
        securityContext: Record<string, unknown>;
      })[];
    };
  };
}

const jobSpec = (file: string): JobSpec => readManifest(file).spec as unknown as JobSpec;

function envValue(container: Container, name: string): string | undefined {
  return container.env?.find((variable) => variable.name === name)?.value;
}

describe('deploy manifests', () => {
  it('are valid against the strict schemas', () => {
    const result = kubeconform({ files: manifestFiles.map((file) => join(DEPLOY, file)) });

    expect(result.stdout).toContain(
      `Valid: ${manifestFiles.length}, Invalid: 0, Errors: 0, Skipped: 0`,
    );
    expect(result.status).toBe(0);
  });

  it.each(['knative', 'kubernetes'])(
    'name the services of helm install wordcount on %s',
    (platform) => {
      const rendered = manifests(
        execFileSync(
          ensureTool('helm'),
          [
            'template',
            'wordcount',
            join(PACKAGE_ROOT, 'charts', 'wordcount'),
            '--namespace',
            'wc',
            '--set',
            `platform=${platform}`,
          ],
          { encoding: 'utf8' },
        ),
      );
      const names = (kind: string) =>
        rendered
          .filter((manifest) => manifest.kind === kind)
          .map((manifest) => manifest.metadata.name);
      const workflow = jobSpec('wordcount-job.yaml').template.spec.containers[0];
      const loader = jobSpec('load-text-job.yaml').template.spec.containers[0];

      expect(envValue(workflow, 'COORDINATOR_URL')).toBe(
        'http://wordcount-coordinator.$(POD_NAMESPACE).svc.cluster.local',
      );
      expect(names('Service')).toContain('wordcount-coordinator');
      expect(envValue(loader, 'AWS_ENDPOINT_URL')).toBe(
        'http://wordcount-minio.$(POD_NAMESPACE).svc.cluster.local:9000',
      );
      expect(names('Service')).toContain('wordcount-minio');
      expect(loader.envFrom).toEqual([{ secretRef: { name: 'wordcount-store' } }]);
      expect(names('Secret')).toEqual(['wordcount-store']);
      expect(workflow.image).toBe('dev.local/wordcount:0.1.0');
    },
  );

  it.each(manifestFiles)('%s retries within a deadline and cleans up', (file) => {
    const spec = jobSpec(file);
    const failJob = spec.podFailurePolicy.rules.find((rule) => rule.action === 'FailJob');

    expect(spec.backoffLimit).toBeGreaterThan(0);
    expect(spec.activeDeadlineSeconds).toBeGreaterThan(0);
    expect(spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
    expect(failJob?.onExitCodes?.values).toEqual([2]);
    expect(spec.template.spec.restartPolicy).toBe('Never');
  });

  it.each(manifestFiles)('%s runs like the chart pods, non-root and read-only', (file) => {
    const pod = jobSpec(file).template.spec;
    const container = pod.containers[0];

    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
  });
});
