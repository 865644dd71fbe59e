import { CountMap } from '../../functions/counting/count-map.js';

describe('CountMap', () => {
  it('counts like a Map', () => {
    const counts = new CountMap();
    counts.set('a', 1).set('b', 2).set('a', 3);

    expect(counts.get('a')).toBe(3);
    expect(counts.get('missing')).toBeUndefined();
    expect(counts.size).toBe(2);
    expect(new Map(counts)).toEqual(
      new Map([
        ['a', 3],
        ['b', 2],
      ]),
    );
  });

  it('holds more words than one Map can', () => {
    // V8 throws "Map maximum size exceeded" beyond 2^24 entries in one Map.
    const counts = new CountMap();
    const words = 2 ** 24 + 100;
    for (let i = 0; i < words; i++) counts.set(i.toString(36), 1);

    expect(counts.size).toBe(words);
    expect(counts.get((words - 1).toString(36))).toBe(1);
  }, 120_000);
});
