import { readCoordinatorConfig } from '../../functions/coordinator/config.js';

const base = {
  WORDCOUNT_STORE: 'file:///tmp/wordcount-config-test/state',
  MAP_URL: 'http://127.0.0.1:1',
  REDUCE_URL: 'http://127.0.0.1:2',
};

describe('coordinator configuration', () => {
  it.each([
    // map and reduce timeout, the smallest coordinator timeout the chart's validation accepts
    [300, 315],
    [18, 33],
    [3, 11],
    [1, 8],
  ])(
    'accepts a coordinator timeout from %i + margin + 5 = %i s, the bound the chart checks',
    (timeout, needed) => {
      const env = {
        ...base,
        MAP_TIMEOUT_SECONDS: String(timeout),
        REDUCE_TIMEOUT_SECONDS: String(timeout),
      };
      expect(() =>
        readCoordinatorConfig({ ...env, FUNCTION_TIMEOUT_SECONDS: String(needed) }),
      ).not.toThrow();
      expect(() =>
        readCoordinatorConfig({ ...env, FUNCTION_TIMEOUT_SECONDS: String(needed - 1) }),
      ).toThrow(`set it to at least ${needed}`);
    },
  );

  it.each([
    [300, 10],
    [5, 1],
    [3, 0.6],
  ])('keeps a reserve of at most a fifth of a %i s map timeout: %d s', (timeout, reserve) => {
    const config = readCoordinatorConfig({
      ...base,
      MAP_TIMEOUT_SECONDS: String(timeout),
      FUNCTION_TIMEOUT_SECONDS: '600',
    });
    expect(config.reserveSeconds).toBeCloseTo(reserve);
  });

  it('rejects a reserve that leaves no time to count', () => {
    expect(() =>
      readCoordinatorConfig({
        ...base,
        MAP_TIMEOUT_SECONDS: '5',
        SAFE_SIZE_RESERVE_SECONDS: '5',
      }),
    ).toThrow(/SAFE_SIZE_RESERVE_SECONDS=5 leaves no time to count .* 5 s; set it below that/);
  });
});
