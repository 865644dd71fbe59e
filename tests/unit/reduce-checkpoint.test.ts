/**
 * Reduce checkpoints: the request check of a task's checkpoint reference, and the check of
 * the stored checkpoint against the task, with a real directory store.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { CountMap } from '../../functions/counting/count-map.js';
import { readReduceCheckpoint, writeReduceCheckpoint } from '../../functions/reduce/checkpoint.js';
import { encodeMessage } from '../../functions/state/codec.js';
import { checkpointPosition, keys, reduceCheckpointPosition } from '../../functions/state/keys.js';
import type { ObjectRef, ReduceCheckpoint, ReduceTask } from '../../functions/state/messages.js';
import { validateReduceTask } from '../../functions/state/validate.js';
import { encodeWordBlock } from '../../functions/state/word-block.js';
import { DirectoryStore } from '../../functions/store/directory-store.js';

const BUCKET = 'state';
const JOB = 'job-1';
const LIMITS = { stateBucket: BUCKET, inputBuckets: [BUCKET] };
/** The task's plan gives it this many input slices. */
const INPUTS = 10;

const ref = (key: string, bucket = BUCKET): ObjectRef => ({ bucket, key, etag: '', size: 0 });

function reduceTask(overrides: Partial<ReduceTask> = {}): ReduceTask {
  return {
    jobId: JOB,
    task: 2,
    attempt: 1,
    firstPartition: 4,
    endPartition: 6,
    inputs: [],
    output: ref(keys.reduceOutput(JOB, 2)),
    receipt: ref(keys.reduceReceipt(JOB, 2)),
    checkpoint: undefined,
    ...overrides,
  };
}

function checkpoint(overrides: Partial<ReduceCheckpoint> = {}): ReduceCheckpoint {
  return {
    jobId: JOB,
    task: 2,
    firstPartition: 4,
    endPartition: 6,
    nextInput: 3,
    words: 5,
    counts: encodeWordBlock([
      ['apple', 2],
      ['pear', 3],
    ]),
    inputBytes: 1000,
    handovers: 1,
    startedMs: 1,
    durationSeconds: 0.5,
    ...overrides,
  };
}

let root: string;
let store: DirectoryStore;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'reduce-checkpoint-'));
  store = new DirectoryStore(root);
  await store.makeBucket(BUCKET);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('reduce checkpoint keys', () => {
  it('name the task and the next input', () => {
    const key = keys.reduceCheckpoint(JOB, 2, 17);

    expect(key).toBe('jobs/job-1/checkpoint/r0002-17.pb');
    expect(reduceCheckpointPosition(key)).toEqual({ task: 2, nextInput: 17 });
  });

  it('stay apart from map checkpoint keys', () => {
    expect(checkpointPosition(keys.reduceCheckpoint(JOB, 2, 17))).toBeUndefined();
    expect(reduceCheckpointPosition(keys.checkpoint(JOB, 2, 17))).toBeUndefined();
    expect(checkpointPosition(keys.checkpoint(JOB, 2, 17))).toEqual({ chunk: 2, offset: 17 });
  });
});

describe('reduce task checkpoint reference', () => {
  it('accepts the key of its job and task', () => {
    const task = reduceTask({ checkpoint: ref(keys.reduceCheckpoint(JOB, 2, 3)) });

    expect(() => validateReduceTask(task, LIMITS)).not.toThrow();
  });

  it.each<[string, ObjectRef, string, RegExp]>([
    [
      'another bucket',
      ref(keys.reduceCheckpoint(JOB, 2, 3), 'other'),
      'INVALID_REQUEST',
      /invalid checkpoint other\/jobs\/job-1\/checkpoint\/r0002-3\.pb: expected state\/jobs\/job-1\/checkpoint\/r0002-\{next\}\.pb/,
    ],
    [
      'another task',
      ref(keys.reduceCheckpoint(JOB, 3, 3)),
      'INVALID_REQUEST',
      /invalid checkpoint .*r0003-3\.pb/,
    ],
    [
      'another job',
      ref(keys.reduceCheckpoint('job-2', 2, 3)),
      'INVALID_REQUEST',
      /invalid checkpoint .*job-2/,
    ],
    ['a map checkpoint', ref(keys.checkpoint(JOB, 2, 3)), 'INVALID_REQUEST', /invalid checkpoint/],
    [
      'a zero-padded index',
      ref('jobs/job-1/checkpoint/r0002-003.pb'),
      'INVALID_REQUEST',
      /invalid checkpoint/,
    ],
    ['a receipt key', ref(keys.reduceReceipt(JOB, 2)), 'INVALID_REQUEST', /invalid checkpoint/],
    [
      'a traversal key',
      ref('jobs/job-1/checkpoint/../reduce/0002.receipt'),
      'INVALID_KEY',
      /invalid checkpoint: .*\.\. segment/,
    ],
  ])('rejects %s', (_name, checkpointRef, code, message) => {
    const task = reduceTask({ checkpoint: checkpointRef });

    expect(() => validateReduceTask(task, LIMITS)).toThrow(
      expect.objectContaining({ code, message: expect.stringMatching(message) }),
    );
  });
});

describe('readReduceCheckpoint', () => {
  /** Stores `value` under the key of task 2 at next input `next` and returns that task. */
  async function stored(value: ReduceCheckpoint, next = value.nextInput): Promise<ReduceTask> {
    const key = keys.reduceCheckpoint(JOB, 2, next);
    await store.put(BUCKET, key, encodeMessage('ReduceCheckpoint', value));
    return reduceTask({ checkpoint: ref(key) });
  }

  it('returns the counts that writeReduceCheckpoint stored', async () => {
    const counts = new CountMap();
    counts.set('pear', 3);
    counts.set('apple', 2);
    counts.set('été', 1);
    const task = reduceTask();
    const written = await writeReduceCheckpoint(store, BUCKET, {
      task,
      nextInput: 4,
      counts,
      words: 6,
      inputBytes: 2000,
      handovers: 2,
      startedMs: 10,
      durationSeconds: 1.5,
    });

    const resumed = await readReduceCheckpoint(store, { ...task, checkpoint: written }, INPUTS);

    expect(written.key).toBe(keys.reduceCheckpoint(JOB, 2, 4));
    expect([...resumed.counts].sort()).toEqual([
      ['apple', 2],
      ['pear', 3],
      ['été', 1],
    ]);
    expect(resumed.checkpoint.nextInput).toBe(4);
    expect(resumed.checkpoint.inputBytes).toBe(2000);
    expect(resumed.checkpoint.handovers).toBe(2);
  });

  it.each<[string, () => Promise<ReduceTask>, RegExp]>([
    [
      'a missing checkpoint',
      async () => reduceTask({ checkpoint: ref(keys.reduceCheckpoint(JOB, 2, 9)) }),
      /r0002-9\.pb of job job-1 task 2 does not exist/,
    ],
    [
      'another task',
      () => stored(checkpoint({ task: 3 })),
      /does not belong to job job-1 task 2 .*it is for job job-1 task 3/,
    ],
    [
      'another job',
      () => stored(checkpoint({ jobId: 'job-2' })),
      /does not belong to job job-1 task 2/,
    ],
    [
      'other partitions',
      () => stored(checkpoint({ endPartition: 7 })),
      /it is for job job-1 task 2 partitions \[4, 7\)/,
    ],
    [
      'a next index that differs from its key',
      () => stored(checkpoint({ nextInput: 4 }), 5),
      /does not belong .*next input 4/,
    ],
    [
      'a next index past the inputs',
      () => stored(checkpoint({ nextInput: INPUTS })),
      /does not belong .*and 10 inputs/,
    ],
    ['a next index of 0', () => stored(checkpoint({ nextInput: 0 })), /does not belong/],
    [
      'a corrupt WordBlock',
      () =>
        stored(
          checkpoint({
            nextInput: 6,
            counts: { ...checkpoint().counts, words: Uint8Array.from([5, 200, 1]) },
          }),
        ),
      /r0002-6\.pb is invalid/,
    ],
    [
      'a WordBlock out of word order',
      () =>
        stored(
          checkpoint({
            nextInput: 7,
            counts: encodeWordBlock([
              ['pear', 3],
              ['apple', 2],
            ]),
          }),
        ),
      /r0002-7\.pb is invalid/,
    ],
    [
      'a word total that differs from its counts',
      () => stored(checkpoint({ nextInput: 8, words: 6 })),
      /contains 5 words but declares 6/,
    ],
    [
      'bytes that are no protobuf',
      async () => {
        const key = keys.reduceCheckpoint(JOB, 2, 2);
        await store.put(BUCKET, key, Uint8Array.from([0x0a, 0xff, 0x01]));
        return reduceTask({ checkpoint: ref(key) });
      },
      /stored ReduceCheckpoint .*r0002-2\.pb is invalid/,
    ],
  ])('rejects %s as CORRUPT_OBJECT', async (_name, prepare, message) => {
    const task = await prepare();

    await expect(readReduceCheckpoint(store, task, INPUTS)).rejects.toMatchObject({
      code: 'CORRUPT_OBJECT',
      message: expect.stringMatching(message),
    });
  });
});
