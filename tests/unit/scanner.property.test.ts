import fc from 'fast-check';

import { scanWindow, type Window } from '../../functions/counting/scanner.js';
import { WordTable, hashKey } from '../../functions/counting/word-table.js';
import { referenceScan } from '../support/reference-scanner.js';

const encoder = new TextEncoder();

/**
 * Pieces that reach every branch of the fast path and of the general step: ASCII words
 * around the 8-byte prefix length, two-byte letters and two-byte separators, longer
 * sequences, both apostrophes and ill-formed UTF-8.
 */
const pieces = [
  'a',
  'Z',
  '7',
  'The',
  'WORDS',
  'abcdefg',
  'ABCDEFGH',
  'abcdefghi',
  'Extraordinary',
  'и',
  'Жизнь',
  'ОДОБРЕНИЕ',
  'é',
  'Ω',
  '\u0301',
  'ß',
  '\u00A0',
  '×',
  '東京',
  '—',
  '“',
  '𐐀',
  '😀',
  '\uFEFF',
  "'",
  '’',
  "don't",
  'L’homme',
  "rock'n'roll",
  'Жизнь’и',
  "dogs'",
  "''",
  ' ',
  ', ',
  '.\r\n',
  '\t',
  '\0',
]
  .map((text) => encoder.encode(text))
  .concat(
    [[0xff], [0x80], [0xc3], [0xd0], [0xe2, 0x80], [0xf0, 0x9f, 0x98], [0xed, 0xa0, 0x80]].map(
      (values) => Uint8Array.from(values),
    ),
  );

const input = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...pieces) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 12 }) },
    ),
    { maxLength: 60, size: 'medium' },
  )
  .map((parts) => Uint8Array.from(parts.flatMap((part) => [...part])));

/** A window over part of the input and a count range inside it, as countRange makes them. */
const scanCase = input.chain((bytes) =>
  fc
    .record({
      offset: fc.integer({ min: 0, max: bytes.length }),
      windowEnd: fc.integer({ min: 0, max: bytes.length }),
      from: fc.nat(),
      until: fc.nat(),
    })
    .map(({ offset, windowEnd, from, until }) => {
      const end = Math.max(offset, windowEnd);
      const countFrom = offset + (from % (end - offset + 1));
      const countUntil = countFrom + (until % (end - countFrom + 2));
      const window: Window = {
        bytes: bytes.slice(offset, end),
        offset,
        atEnd: end === bytes.length,
      };
      return { window, countFrom, countUntil };
    }),
);

/** Returns the table's raw keys as lowercase hex, with counts. */
function keysOf(table: WordTable): Map<string, number> {
  const keys = new Map<string, number>();
  table.forEach((key, count) => keys.set(Buffer.from(key).toString('hex'), count));
  return keys;
}

/**
 * Adds every key of the table once more under the hash that hashKey gives it, and returns
 * the table. A key that the scanner hashed differently gets a second entry.
 */
function addAgainByHashKey(table: WordTable): WordTable {
  const keys: Uint8Array[] = [];
  table.forEach((key) => keys.push(key.slice()));
  for (const key of keys) table.add(key, key.length, hashKey(key, key.length));
  return table;
}

describe('scanWindow', () => {
  it('equals the one-unit-at-a-time reference', () => {
    fc.assert(
      fc.property(scanCase, ({ window, countFrom, countUntil }) => {
        const table = new WordTable();
        const reached = scanWindow(window, countFrom, countUntil, table);
        const expected = referenceScan(window, countFrom, countUntil);

        expect(reached).toBe(expected.reached);
        expect(keysOf(table)).toEqual(expected.keys);
      }),
      { numRuns: 3000 },
    );
  });

  it('stores one entry per key across calls', () => {
    fc.assert(
      fc.property(fc.array(scanCase, { minLength: 2, maxLength: 6 }), (cases) => {
        const table = new WordTable();
        const expected = new Map<string, number>();
        for (const { window, countFrom, countUntil } of cases) {
          scanWindow(window, countFrom, countUntil, table);
          for (const [key, count] of referenceScan(window, countFrom, countUntil).keys) {
            expected.set(key, (expected.get(key) ?? 0) + count);
          }
        }

        expect(keysOf(table)).toEqual(expected);
        expect(table.size).toBe(expected.size);
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['ASCII', 'Ab'.repeat(3000)],
    ['two-byte', 'Жи'.repeat(2000)],
    ['apostrophes', "don't".repeat(1500)],
  ])('counts a %s word longer than the key buffer', (_name, word) => {
    const bytes = encoder.encode(`${word} x ${word}.`);
    const window: Window = { bytes, offset: 0, atEnd: true };
    const table = new WordTable();

    const reached = scanWindow(window, 0, bytes.length, table);

    expect(reached).toBe(bytes.length);
    expect(keysOf(table)).toEqual(referenceScan(window, 0, bytes.length).keys);
    expect(table.total).toBe(3);
  });

  it('hashes every key as hashKey does', () => {
    const bytes = encoder.encode(
      "a ab abcdefgh abcdefghi Straße l'homme don’t Жизнь ОДОБРЕНИЕ 東京 e\u0301 x'y'z 12345678",
    );
    const table = new WordTable();
    scanWindow({ bytes, offset: 0, atEnd: true }, 0, bytes.length, table);

    expect(table.size).toBe(13);
    addAgainByHashKey(table);
    expect(table.size).toBe(13);
    expect(table.total).toBe(26);
  });
});
