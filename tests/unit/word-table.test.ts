import {
  FNV_OFFSET_BASIS,
  WordTable,
  hashByte,
  hashKey,
} from '../../functions/counting/word-table.js';

const encoder = new TextEncoder();

/** Returns the FNV-1a hash from the standard basis, as partitions use it. */
function fnv(word: string): number {
  let value = FNV_OFFSET_BASIS;
  for (const byte of encoder.encode(word)) value = hashByte(value, byte);
  return value;
}

/** Returns the table hash, as the scanner computes it: from the prefix for keys up to 8 bytes. */
function tableHash(word: string): number {
  const key = encoder.encode(word);
  return hashKey(key, key.length);
}

/** Finds two words with equal FNV-1a hashes from the standard basis, by a birthday search. */
function standardCollision(): [string, string] {
  const seen = new Map<number, string>();
  for (let i = 0; ; i++) {
    const word = `w${i.toString(36)}`;
    const value = fnv(word);
    const other = seen.get(value);
    if (other !== undefined) return [other, word];
    seen.set(value, word);
  }
}

describe('WordTable', () => {
  it('counts keys by their bytes', () => {
    const table = new WordTable();
    for (const word of ['a', 'b', 'a', 'ab', 'a']) {
      const key = encoder.encode(word);
      table.add(key, key.length, tableHash(word));
    }
    const counts = new Map<string, number>();
    table.forEach((key, count) => counts.set(new TextDecoder().decode(key), count));

    expect(counts).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
        ['ab', 1],
      ]),
    );
    expect(table.total).toBe(5);
    expect(table.size).toBe(3);
  });

  it('keeps counts when it grows', () => {
    const table = new WordTable();
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 50_000; i++) {
        const key = encoder.encode(`w${i}`);
        table.add(key, key.length, tableHash(`w${i}`));
      }
    }
    let twos = 0;
    table.forEach((_key, count) => (twos += count === 2 ? 1 : 0));

    expect(table.size).toBe(50_000);
    expect(twos).toBe(50_000);
  });

  it('hashes with a seed that breaks precomputed collisions', () => {
    const [a, b] = standardCollision();
    // Short words take the prefix hash. A common suffix keeps an FNV-1a collision, and the
    // longer words take the byte hash.
    const [longA, longB] = [`${a}xpadding`, `${b}xpadding`];

    expect(fnv(a)).toBe(fnv(b));
    expect(tableHash(a)).not.toBe(tableHash(b));
    expect(fnv(longA)).toBe(fnv(longB));
    expect(encoder.encode(longA).length).toBeGreaterThan(8);
    expect(tableHash(longA)).not.toBe(tableHash(longB));
  });
});
