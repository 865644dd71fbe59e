import { SAFE_SIZE_DEFAULTS, computeSafeSize } from '../../functions/counting/safe-size.js';
import { UsageError } from '../../functions/lib/errors.js';

describe('computeSafeSize', () => {
  it('applies rate × (T − reserve) × factor', () => {
    expect(
      computeSafeSize({
        timeoutSeconds: 60,
        reserveSeconds: 10,
        safetyFactor: 0.5,
        bytesPerSecond: 1e6,
      }),
    ).toBe(25_000_000);
  });

  it('gives 2.9 GB with the defaults', () => {
    expect(computeSafeSize(SAFE_SIZE_DEFAULTS)).toBe(2_900_000_000);
  });

  it('never returns less than one byte', () => {
    expect(
      computeSafeSize({
        timeoutSeconds: 1,
        reserveSeconds: 0.999,
        safetyFactor: 0.01,
        bytesPerSecond: 1,
      }),
    ).toBe(1);
  });

  it.each([
    ['zero timeout', { timeoutSeconds: 0 }, /timeout must be more than 0 seconds, got 0/],
    [
      'reserve equal to timeout',
      { reserveSeconds: 300 },
      /reserve must be at least 0 and less than/,
    ],
    ['negative reserve', { reserveSeconds: -1 }, /reserve must be at least 0/],
    ['factor above 1', { safetyFactor: 1.5 }, /safety factor must be in \(0, 1\], got 1\.5/],
    ['zero rate', { bytesPerSecond: 0 }, /map rate must be a positive number/],
    ['NaN rate', { bytesPerSecond: NaN }, /got NaN/],
  ])('rejects %s', (_name, override, message) => {
    const inputs = { ...SAFE_SIZE_DEFAULTS, ...override };
    expect(() => computeSafeSize(inputs)).toThrow(UsageError);
    expect(() => computeSafeSize(inputs)).toThrow(message);
  });
});
