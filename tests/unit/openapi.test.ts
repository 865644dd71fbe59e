import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { parse } from 'yaml';

import { ERROR_MAPPINGS } from '../../functions/lib/http/error-response.js';
import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

interface OpenApi {
  components: { schemas: { ErrorCode: { enum: string[]; description: string } } };
  paths: Record<string, unknown>;
}

const document = parse(readFileSync(join(PACKAGE_ROOT, 'docs', 'openapi.yaml'), 'utf8')) as OpenApi;
const errorCode = document.components.schemas.ErrorCode;

describe('OpenAPI document', () => {
  it('lists every error code the functions send', () => {
    expect([...errorCode.enum].sort()).toEqual(Object.keys(ERROR_MAPPINGS).sort());
  });

  it.each(Object.entries(ERROR_MAPPINGS))(
    'documents %s with its status and retry advice',
    (code, mapping) => {
      const row = errorCode.description.split('\n').find((line) => line.startsWith(`| ${code} |`));

      expect(row).toBeDefined();
      const [, , status, retryable] = (row as string).split('|').map((cell) => cell.trim());
      expect(Number(status)).toBe(mapping.status);
      expect(retryable).toBe(mapping.retryable ? 'yes' : 'no');
    },
  );

  it('documents the routes of the three functions', () => {
    expect(Object.keys(document.paths).sort()).toEqual(
      [
        '/cleanup',
        '/healthz',
        '/jobs',
        '/jobs/{jobId}',
        '/jobs/{jobId}/advance',
        '/jobs/{jobId}/result',
        '/map',
        '/readyz',
        '/reduce',
      ].sort(),
    );
  });
});
