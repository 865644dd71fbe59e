import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { loadSecretFiles } from '../../functions/lib/secret-files.js';

describe('loadSecretFiles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wordcount-secrets-'));
  writeFileSync(join(dir, 'AWS_ACCESS_KEY_ID'), 'key-from-file\n');
  writeFileSync(join(dir, 'AWS_SECRET_ACCESS_KEY'), 'secret-from-file');

  it('reads NAME from NAME_FILE', () => {
    const env: Record<string, string | undefined> = {
      AWS_ACCESS_KEY_ID_FILE: join(dir, 'AWS_ACCESS_KEY_ID'),
      AWS_SECRET_ACCESS_KEY_FILE: join(dir, 'AWS_SECRET_ACCESS_KEY'),
    };

    loadSecretFiles(env);

    expect(env.AWS_ACCESS_KEY_ID).toBe('key-from-file');
    expect(env.AWS_SECRET_ACCESS_KEY).toBe('secret-from-file');
  });

  it('keeps a variable that is set', () => {
    const env: Record<string, string | undefined> = {
      AWS_ACCESS_KEY_ID: 'from-env',
      AWS_ACCESS_KEY_ID_FILE: join(dir, 'AWS_ACCESS_KEY_ID'),
    };

    loadSecretFiles(env);

    expect(env.AWS_ACCESS_KEY_ID).toBe('from-env');
  });

  it('names a missing file', () => {
    const env = { AWS_SECRET_ACCESS_KEY_FILE: join(dir, 'missing') };

    expect(() => loadSecretFiles(env)).toThrow(
      /cannot read AWS_SECRET_ACCESS_KEY_FILE=.*missing: ENOENT; check that the Secret is mounted there/,
    );
  });
});
