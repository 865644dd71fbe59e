import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Deadline } from '../../functions/lib/deadline.js';
import { countInSteps } from '../../functions/map/count-in-steps.js';
import { CORPORA } from '../support/cli.js';
import { MemorySource } from '../support/memory-source.js';

const text = readFileSync(join(CORPORA, 'tinyshakespeare.txt'));
const range = { start: 0, end: text.length };

describe('counting in steps', () => {
  it('counts although a wrong known rate predicts that not even one step fits', async () => {
    // 200 B/s: one byte counted in 5 ms. At that rate 64 KiB would need 330 s of the 290 s.
    const counted = await countInSteps(
      new MemorySource(text),
      range,
      0,
      new Deadline(Date.now() + 290_000),
      { windowBytes: 1 << 20, knownBytesPerSecond: 200, finishMs: () => 0 },
    );

    expect(counted.next).toBe(text.length);
    expect(counted.table.total).toBe(203_863);
  });

  it('stops counting early enough to store the distinct words counted so far', async () => {
    const deadlineMs = 400;
    const perWordMs = 0.05;
    const started = Date.now();
    const counted = await countInSteps(
      new MemorySource(text),
      range,
      0,
      new Deadline(started + deadlineMs),
      {
        windowBytes: 1 << 20,
        knownBytesPerSecond: 500_000,
        maxBytesPerSecond: 500_000,
        finishMs: (n) => n * perWordMs,
      },
    );

    // 12,374 distinct words would need 619 ms to store: counting must stop before.
    expect(counted.next).toBeGreaterThan(0);
    expect(counted.next).toBeLessThan(text.length);
    expect(Date.now() - started + counted.table.size * perWordMs).toBeLessThanOrEqual(
      deadlineMs + 100,
    );
  });

  it('counts nothing when storing alone would end past the deadline', async () => {
    const counted = await countInSteps(
      new MemorySource(text),
      range,
      0,
      new Deadline(Date.now() + 1000),
      { windowBytes: 1 << 20, finishMs: () => 2000 },
    );

    expect(counted.next).toBe(0);
  });
});
