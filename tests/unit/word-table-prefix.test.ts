import { WordTable, hashKey } from '../../functions/counting/word-table.js';

const encoder = new TextEncoder();

/** Returns the prefix of a key as addPacked takes it: two little-endian int32s. */
function prefixOf(key: Uint8Array): [number, number] {
  const padded = new Uint8Array(8);
  padded.set(key.subarray(0, 8));
  const view = new DataView(padded.buffer);
  return [view.getInt32(0, true), view.getInt32(4, true)];
}

/** Returns the table's keys as strings, with counts. */
function countsOf(table: WordTable): Map<string, number> {
  const counts = new Map<string, number>();
  table.forEach((key, count) => counts.set(new TextDecoder().decode(key), count));
  return counts;
}

describe('WordTable.addPacked', () => {
  it('stores short keys from the prefix', () => {
    const table = new WordTable();
    const garbage = new Uint8Array(16).fill(0x7a);
    for (const word of ['a', 'abcd', 'abcde', 'abcdefgh', 'a']) {
      const key = encoder.encode(word);
      const [low, high] = prefixOf(key);
      table.addPacked(garbage, key.length, hashKey(key, key.length), low, high);
    }

    expect(countsOf(table)).toEqual(
      new Map([
        ['a', 2],
        ['abcd', 1],
        ['abcde', 1],
        ['abcdefgh', 1],
      ]),
    );
  });

  it('tells a long key from its prefix', () => {
    const table = new WordTable();
    for (const word of ['abcdefgh', 'abcdefghi', 'abcdefghij', 'abcdefghi']) {
      const key = encoder.encode(word);
      const [low, high] = prefixOf(key);
      table.addPacked(key, key.length, hashKey(key, key.length), low, high);
    }

    expect(countsOf(table)).toEqual(
      new Map([
        ['abcdefgh', 1],
        ['abcdefghi', 2],
        ['abcdefghij', 1],
      ]),
    );
  });

  it('matches add for every key length', () => {
    const packed = new WordTable();
    const plain = new WordTable();
    for (let length = 1; length <= 20; length++) {
      const key = encoder.encode('Жz'.repeat(length).slice(0, length));
      const [low, high] = prefixOf(key);
      packed.addPacked(key, key.length, hashKey(key, key.length), low, high);
      plain.add(key, key.length, hashKey(key, key.length));
    }

    expect(countsOf(packed)).toEqual(countsOf(plain));
    expect(packed.size).toBe(20);
  });
});
