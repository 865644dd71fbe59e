import { mkdtempSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { pino } from 'pino';

import { cleanUp, type CleanupPolicy } from '../../functions/coordinator/cleanup.js';
import { JobState } from '../../functions/coordinator/job-state.js';
import { DirectoryStore } from '../../functions/store/directory-store.js';

const BUCKET = 'state';
const NOW = Date.parse('2026-12-04T12:00:00Z');
const policy: CleanupPolicy = { retentionSeconds: 600, abandonSeconds: 3600, liveTaskSeconds: 60 };
const silent = pino({ level: 'silent' });

let root: string;
let state: JobState;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'wordcount-cleanup-'));
  const store = new DirectoryStore(root);
  await store.makeBucket(BUCKET);
  state = new JobState(store, BUCKET);
});

/** Stores empty objects under jobs/{job}/ whose last change was `ageSeconds` before NOW. */
async function put(job: string, ageSeconds: number, ...names: string[]): Promise<void> {
  for (const name of names) {
    await state.store.put(BUCKET, `jobs/${job}/${name}`, new Uint8Array(3));
    const time = new Date(NOW - ageSeconds * 1000);
    utimesSync(join(root, BUCKET, 'jobs', job, ...name.split('/')), time, time);
  }
}

async function names(job: string): Promise<string[]> {
  const found: string[] = [];
  for await (const item of state.store.list(BUCKET, `jobs/${job}/`))
    found.push(item.key.slice(`jobs/${job}/`.length));
  return found;
}

const KEPT = ['job.pb', 'result.pb', 'result.tsv', 'status.pb', 'summary.json'];
const INTERMEDIATE = [
  'checkpoint/000001-77.pb',
  'map/000000.out',
  'map/000000.receipt',
  'reduce-plan.pb',
  'reduce/0000.out',
  'reduce/0000.receipt',
];

describe('cleanup sweep', () => {
  it('removes the intermediate objects of a job that ended before the retention', async () => {
    await put('old', 7200, ...KEPT, ...INTERMEDIATE);

    const report = await cleanUp(state, policy, NOW, silent);

    expect(await names('old')).toEqual(KEPT);
    expect(report).toEqual({
      jobsScanned: 1,
      jobsCleaned: 1,
      objectsRemoved: INTERMEDIATE.length,
      bytesRemoved: 3 * INTERMEDIATE.length,
      truncated: false,
    });
  });

  it('keeps everything of a job that ended within the retention', async () => {
    await put('recent', 7200, ...INTERMEDIATE, 'job.pb');
    await put('recent', 300, 'result.pb', 'status.pb');

    await cleanUp(state, policy, NOW, silent);

    expect(await names('recent')).toHaveLength(INTERMEDIATE.length + 3);
  });

  it('keeps young objects until a later sweep', async () => {
    await put('late', 7200, ...KEPT, 'map/000000.receipt');
    await put('late', 30, 'map/000001.out');

    await cleanUp(state, policy, NOW, silent);
    expect(await names('late')).toEqual([...KEPT.slice(0, 1), 'map/000001.out', ...KEPT.slice(1)]);

    await cleanUp(state, policy, NOW + 60_000, silent);
    expect(await names('late')).toEqual(KEPT);
  });

  it('removes only what killed instances left in an abandoned job', async () => {
    await put(
      'abandoned',
      7200,
      'job.pb',
      'map/000000.out',
      'map/000000.receipt',
      'map/000001.out',
      'checkpoint/000000-10.pb',
      'checkpoint/000002-10.pb',
      'reduce-plan.pb',
      'reduce/0000.out',
      'reduce/0001.out',
      'reduce/0001.receipt',
      'checkpoint/r0001-3.pb',
      'checkpoint/r0002-3.pb',
    );

    await cleanUp(state, policy, NOW, silent);

    expect(await names('abandoned')).toEqual([
      'checkpoint/000002-10.pb',
      'checkpoint/r0002-3.pb',
      'job.pb',
      'map/000000.out',
      'map/000000.receipt',
      'reduce-plan.pb',
      'reduce/0001.out',
      'reduce/0001.receipt',
    ]);
  });

  it('leaves an unfinished job alone while it still makes progress', async () => {
    await put('busy', 7200, 'job.pb', 'map/000001.out');
    await put('busy', 100, 'map/000002.receipt');

    await cleanUp(state, policy, NOW, silent);

    expect(await names('busy')).toEqual(['job.pb', 'map/000001.out', 'map/000002.receipt']);
  });

  it('stops at the listing limit', async () => {
    await put('a', 7200, ...KEPT, 'map/000000.out');
    await put('b', 7200, ...KEPT, 'map/000000.out');

    const report = await cleanUp(state, { ...policy, maxListed: 8 }, NOW, silent);

    expect(report).toMatchObject({ jobsScanned: 1, objectsRemoved: 1, truncated: true });
    expect(await names('a')).toEqual(KEPT);
    expect(await names('b')).toHaveLength(KEPT.length + 1);
  });
});
