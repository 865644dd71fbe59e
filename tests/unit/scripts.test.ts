import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

const scripts = [
  'scripts/ensure-tool.sh',
  'scripts/build-base-image.sh',
  'scripts/build-minio-image.sh',
  'scripts/test.sh',
  '.ci/run',
];

describe('shell scripts', () => {
  it.each(scripts)('%s passes shellcheck', (script) => {
    expect(() =>
      execFileSync('shellcheck', [join(PACKAGE_ROOT, script)], { encoding: 'utf8' }),
    ).not.toThrow();
  });

  it('ensure-tool.sh rejects an unknown tool', () => {
    const run = () =>
      execFileSync(join(PACKAGE_ROOT, 'scripts/ensure-tool.sh'), ['nothing'], {
        encoding: 'utf8',
        stdio: 'pipe',
      });

    expect(run).toThrow(
      /unknown tool 'nothing'; expected: minio, helm, kubeconform, kube-apiserver or etcd/,
    );
  });
});
