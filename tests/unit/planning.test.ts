import {
  planJobRanges,
  planSafeSize,
  type PlanSettings,
} from '../../functions/coordinator/planner.js';
import { foldRates, MIN_RATE_SAMPLE_BYTES } from '../../functions/coordinator/rates.js';
import { groupPartitions } from '../../functions/coordinator/reduce-plan.js';
import type { MapReceipt, ReduceReceipt } from '../../functions/state/messages.js';

const settings: PlanSettings = {
  mapTimeoutSeconds: 60,
  pathTimeoutSeconds: undefined,
  reserveSeconds: 10,
  safetyFactor: 0.5,
  initialMapBytesPerSecond: 1_000_000,
  minRangeBytes: 1000,
  concurrency: 4,
};
const noOptions = { safeSize: 0, partitions: 0, concurrency: 0 };

describe('planSafeSize', () => {
  it('uses the initial rate before any measurement', () => {
    const plan = planSafeSize(settings, noOptions, undefined);

    expect(plan.safeSize).toBe(25_000_000);
    expect(plan.rateSource).toBe('default');
    expect(plan.timeoutSeconds).toBe(60);
  });

  it('uses the measured rate', () => {
    const rates = { mapBytesPerSecond: 4_000_000, reduceBytesPerSecond: 0, jobs: 2, updatedMs: 0 };
    const plan = planSafeSize(settings, noOptions, rates);

    expect(plan.safeSize).toBe(100_000_000);
    expect(plan.rateSource).toBe('measured');
  });

  it('takes the smallest timeout on the path', () => {
    const plan = planSafeSize({ ...settings, pathTimeoutSeconds: 30 }, noOptions, undefined);

    expect(plan.timeoutSeconds).toBe(30);
    expect(plan.safeSize).toBe(10_000_000);
  });

  it('lets the request override SafeSize and concurrency', () => {
    const plan = planSafeSize(settings, { safeSize: 7, partitions: 0, concurrency: 9 }, undefined);

    expect(plan.safeSize).toBe(7);
    expect(plan.rateSource).toBe('override');
    expect(plan.concurrency).toBe(9);
  });
});

describe('planJobRanges', () => {
  it('splits for concurrency above the minimum range size', () => {
    const plan = planSafeSize(settings, noOptions, undefined);

    expect(planJobRanges(8000, plan)).toHaveLength(4);
    expect(planJobRanges(2500, plan)).toHaveLength(2);
    expect(planJobRanges(900, plan)).toHaveLength(1);
  });

  it('never exceeds SafeSize', () => {
    const plan = planSafeSize(settings, { safeSize: 10, partitions: 0, concurrency: 0 }, undefined);
    const ranges = planJobRanges(95, plan);

    expect(ranges).toHaveLength(10);
    expect(Math.max(...ranges.map((range) => range.end - range.start))).toBe(10);
  });
});

describe('foldRates', () => {
  const map = (bytes: number, seconds: number) =>
    ({ bytes, durationSeconds: seconds }) as MapReceipt;
  const reduce = (bytes: number, seconds: number) =>
    ({ inputBytes: bytes, durationSeconds: seconds }) as ReduceReceipt;
  const big = MIN_RATE_SAMPLE_BYTES * 10;

  it('starts from the first measurement', () => {
    const rates = foldRates(undefined, [map(big, 1), map(big, 3)], [reduce(big, 2)], 5);

    expect(rates.mapBytesPerSecond).toBe(big / 2);
    expect(rates.reduceBytesPerSecond).toBe(big / 2);
    expect(rates.jobs).toBe(1);
    expect(rates.updatedMs).toBe(5);
  });

  it('moves halfway towards a new measurement', () => {
    const previous = { mapBytesPerSecond: 100, reduceBytesPerSecond: 50, jobs: 3, updatedMs: 0 };
    const rates = foldRates(previous, [map(big, big / 300)], [], 9);

    expect(rates.mapBytesPerSecond).toBe(200);
    expect(rates.reduceBytesPerSecond).toBe(50);
    expect(rates.jobs).toBe(4);
  });

  it('ignores tasks too small to measure', () => {
    const previous = { mapBytesPerSecond: 100, reduceBytesPerSecond: 50, jobs: 1, updatedMs: 0 };
    const rates = foldRates(previous, [map(MIN_RATE_SAMPLE_BYTES - 1, 100)], [], 1);

    expect(rates.mapBytesPerSecond).toBe(100);
  });
});

describe('groupPartitions', () => {
  it.each([
    {
      bytes: [5, 5, 5, 5],
      target: 10,
      groups: [
        [0, 2],
        [2, 4],
      ],
    },
    { bytes: [5, 5, 5, 5], target: 100, groups: [[0, 4]] },
    {
      bytes: [30, 1, 1, 30],
      target: 10,
      groups: [
        [0, 1],
        [1, 3],
        [3, 4],
      ],
    },
    { bytes: [0, 0, 0], target: 10, groups: [[0, 3]] },
  ])('groups $bytes by $target', ({ bytes, target, groups }) => {
    const result = groupPartitions(bytes, target);

    expect(result.map((group) => [group.firstPartition, group.endPartition])).toEqual(groups);
    expect(result.reduce((sum, group) => sum + group.bytes, 0)).toBe(
      bytes.reduce((a, b) => a + b, 0),
    );
  });
});
