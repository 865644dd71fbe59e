import { execFileSync } from 'node:child_process';

/**
 * Builds dist/ once before the tests, so the command tests run the current sources. Also
 * builds the pinned MinIO, Helm, kubeconform, etcd and kube-apiserver when they are missing
 * and makes the Kubernetes and Knative schemas (several minutes, once per machine), because
 * that work inside a test would run into the test's timeout.
 */
export default function globalSetup() {
  execFileSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
  for (const tool of ['minio', 'helm', 'kubeconform', 'etcd', 'kube-apiserver']) {
    execFileSync('scripts/ensure-tool.sh', [tool], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  execFileSync('node', ['scripts/make-kube-schemas.mjs'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
