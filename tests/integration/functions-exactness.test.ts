import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import fc from 'fast-check';

import { runJob } from '../../functions/cli/run-job.js';
import { Phase } from '../../functions/state/messages.js';
import { CORPORA } from '../support/cli.js';
import { entries } from '../support/count-by-ranges.js';
import { startTestDeployment, type StoreKind, type TestDeployment } from '../support/deployment.js';
import { startMinio, type MinioServer } from '../support/minio-server.js';
import { referenceCount } from '../support/reference-count.js';

let minio: MinioServer;

beforeAll(async () => {
  minio = await startMinio();
});

afterAll(async () => {
  await minio?.stop();
});

/** Stores `bytes` and counts them through the coordinator, map and reduce over HTTP. */
async function countThroughFunctions(
  target: TestDeployment,
  key: string,
  bytes: Uint8Array,
  safeSize = 0,
) {
  await target.store.put(target.bucket, key, bytes);
  const status = await runJob(
    target.client,
    {
      jobId: '',
      input: { bucket: target.bucket, key, etag: '', size: 0 },
      options: { safeSize, partitions: 0, concurrency: 0 },
    },
    () => undefined,
  );
  expect(status.failure).toBeUndefined();
  expect(status.phase).toBe(Phase.DONE);
  const result = await target.client.resultJson(status.jobId);
  return { status, result };
}

const pieces = [
  'a',
  'B',
  "'",
  '’',
  ' ',
  '\r\n',
  'é',
  'e\u0301',
  'Σ',
  '東',
  '𐐀',
  '😀',
  '\uFEFF',
  'don’t',
  'x'.repeat(9),
].map((text) => new TextEncoder().encode(text));
const invalid = [[0xff], [0xe2, 0x80], [0xf0, 0x9f, 0x98]].map((values) => Uint8Array.from(values));
const smallText = fc
  .array(fc.constantFrom(...pieces, ...invalid), { minLength: 1, maxLength: 14 })
  .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

describe.each<StoreKind>(['directory', 'minio'])(
  'functions over HTTP with the %s store',
  (kind) => {
    let target: TestDeployment;
    let counter = 0;

    beforeAll(async () => {
      target = await startTestDeployment(kind, minio, { partitions: 8, bucket: `exact-${kind}` });
    });

    afterAll(async () => {
      await target?.stop();
    });

    it.each([
      ['default SafeSize', 0],
      ['4 KiB SafeSize', 4096],
    ])('counts War and Peace exactly at %s', async (_name, safeSize) => {
      const bytes = readFileSync(join(CORPORA, 'war-and-peace-en.txt'));
      const { status, result } = await countThroughFunctions(
        target,
        `books/wp-${safeSize}.txt`,
        bytes,
        safeSize,
      );

      expect(result.totalWords).toBe(570_056);
      expect(result.distinctWords).toBe(18_254);
      expect(result.words.slice(0, 5)).toEqual([
        ['the', 34725],
        ['and', 22307],
        ['to', 16755],
        ['of', 15008],
        ['a', 10580],
      ]);
      expect(new Map(result.words)).toEqual(referenceCount(bytes));
      expect(status.rangesDone).toBe(status.rangesTotal);
      expect(status.bytesDone).toBe(bytes.length);
      if (safeSize > 0) expect(status.rangesTotal).toBe(Math.ceil(bytes.length / safeSize));
    });

    it('counts small texts exactly down to 1-byte ranges', async () => {
      await fc.assert(
        fc.asyncProperty(smallText, fc.integer({ min: 1, max: 5 }), async (bytes, safeSize) => {
          const { result } = await countThroughFunctions(
            target,
            `small/${counter++}.txt`,
            bytes,
            safeSize,
          );
          expect(entries(new Map(result.words))).toEqual(entries(referenceCount(bytes)));
        }),
        { numRuns: 12 },
      );
    });

    it('counts an empty object', async () => {
      const { status, result } = await countThroughFunctions(
        target,
        'small/empty.txt',
        new Uint8Array(0),
      );

      expect(result).toEqual({ totalWords: 0, distinctWords: 0, words: [] });
      expect(status.rangesTotal).toBe(0);
    });
  },
);
