import fc from 'fast-check';

import { planRanges } from '../../functions/counting/ranges.js';
import { UsageError } from '../../functions/lib/errors.js';

describe('planRanges', () => {
  it.each([
    { size: 0, options: { maxRangeBytes: 10 }, expected: [] },
    { size: 10, options: { maxRangeBytes: 10 }, expected: [{ start: 0, end: 10 }] },
    {
      size: 10,
      options: { maxRangeBytes: 4 },
      expected: [
        { start: 0, end: 4 },
        { start: 4, end: 7 },
        { start: 7, end: 10 },
      ],
    },
    {
      size: 100,
      options: { maxRangeBytes: 1000, minRanges: 4, minRangeBytes: 40 },
      expected: [
        { start: 0, end: 50 },
        { start: 50, end: 100 },
      ],
    },
    {
      size: 100,
      options: { maxRangeBytes: 1000, minRanges: 4, minRangeBytes: 200 },
      expected: [{ start: 0, end: 100 }],
    },
  ])('splits $size bytes with $options', ({ size, options, expected }) => {
    expect(planRanges(size, options)).toEqual(expected);
  });

  it('covers the input with contiguous ranges within the bounds', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 1e11 }),
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 1e9 }),
        (size, maxRangeBytes, minRanges, minRangeBytes) => {
          fc.pre(size / maxRangeBytes < 1e5);
          const ranges = planRanges(size, { maxRangeBytes, minRanges, minRangeBytes });

          let start = 0;
          for (const range of ranges) {
            expect(range.start).toBe(start);
            expect(range.end).toBeGreaterThan(range.start);
            expect(range.end - range.start).toBeLessThanOrEqual(maxRangeBytes);
            start = range.end;
          }
          expect(start).toBe(size);
          if (size > 0 && ranges.length > Math.ceil(size / maxRangeBytes)) {
            expect(ranges.length).toBeLessThanOrEqual(minRanges);
            expect(Math.floor(size / ranges.length)).toBeGreaterThanOrEqual(minRangeBytes);
          }
        },
      ),
    );
  });

  it.each([
    [
      'negative size',
      -1,
      { maxRangeBytes: 1 },
      /input size must be a whole number of bytes, got -1/,
    ],
    ['fractional size', 1.5, { maxRangeBytes: 1 }, /got 1\.5/],
    [
      'zero SafeSize',
      1,
      { maxRangeBytes: 0 },
      /maxRangeBytes must be a whole number of at least 1, got 0/,
    ],
    ['zero minRanges', 1, { maxRangeBytes: 1, minRanges: 0 }, /minRanges must be/],
  ])('rejects %s', (_name, size, options, message) => {
    expect(() => planRanges(size, options)).toThrow(UsageError);
    expect(() => planRanges(size, options)).toThrow(message);
  });
});
