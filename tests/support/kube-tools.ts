/**
 * The pinned Helm and kubeconform binaries and the strict Kubernetes and Knative schemas that
 * manifests are validated against, all made offline by scripts/ (see make-kube-schemas.mjs).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

/** Returns the path of a pinned tool, built by scripts/ensure-tool.sh when missing. */
export function ensureTool(name: 'helm' | 'kubeconform'): string {
  return execFileSync(join(PACKAGE_ROOT, 'scripts', 'ensure-tool.sh'), [name], {
    encoding: 'utf8',
  }).trim();
}

/** Returns the folder of the strict schemas, made by scripts/make-kube-schemas.mjs. */
export function kubeSchemas(): string {
  return execFileSync('node', [join(PACKAGE_ROOT, 'scripts', 'make-kube-schemas.mjs')], {
    encoding: 'utf8',
  }).trim();
}

/**
 * Validates manifests with kubeconform -strict against the schemas: YAML text on stdin, or
 * the files named in `files`. Returns kubeconform's summary output and exit status.
 */
export function kubeconform(input: { yaml: string } | { files: readonly string[] }): {
  status: number | null;
  stdout: string;
} {
  const files = 'files' in input ? input.files : ['-'];
  const result = spawnSync(
    ensureTool('kubeconform'),
    [
      '-strict',
      '-summary',
      '-schema-location',
      `${kubeSchemas()}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
      ...files,
    ],
    { input: 'yaml' in input ? input.yaml : undefined, encoding: 'utf8' },
  );
  return { status: result.status, stdout: result.stdout };
}
