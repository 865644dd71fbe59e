import fc from 'fast-check';

import { countByRanges, entries } from '../support/count-by-ranges.js';
import { referenceCount } from '../support/reference-count.js';

const encoder = new TextEncoder();

/** Pieces that stress range boundaries: multi-byte and astral characters, marks, invalid UTF-8. */
const textPieces = [
  'a',
  'B',
  'z',
  '7',
  "'",
  '’',
  ' ',
  '\n',
  '\r\n',
  '.',
  '\t',
  'é',
  'e\u0301',
  '\u0301',
  'É',
  'ß',
  'İ',
  'Σ',
  'ω',
  '東',
  'и',
  '𐐀',
  '𝔸',
  '𒀀',
  '😀',
  '\uFEFF',
  '\u00A0',
  '\u2028',
].map((text) => encoder.encode(text));

const invalidPieces = [
  [0xff],
  [0x80],
  [0xbf, 0xbf],
  [0xe2, 0x80],
  [0xf0, 0x9f],
  [0xf0, 0x9f, 0x98],
  [0xed, 0xa0, 0x80],
  [0xc0],
  [0xc1, 0x81],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe0, 0x80, 0x80],
  [0xe0, 0x83, 0x80],
  [0xf0, 0x80, 0x81, 0x81],
].map((values) => Uint8Array.from(values));

const piece = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...textPieces) },
  { weight: 2, arbitrary: fc.constantFrom(...invalidPieces) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 40 }).map((n) => encoder.encode('w'.repeat(n))),
  },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 2, max: 12 }).map((n) => encoder.encode('я’'.repeat(n))),
  },
);

const text = fc.array(piece, { maxLength: 48 }).map((pieces) => {
  const bytes = new Uint8Array(pieces.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of pieces) {
    bytes.set(part, offset);
    offset += part.length;
  }
  return bytes;
});

/** Random bytes drawn mostly from the bytes of letters, apostrophes and UTF-8 sequences. */
const byteSoup = fc
  .uint8Array({ maxLength: 64 })
  .chain((noise) =>
    fc
      .array(
        fc.constantFrom(
          0x61,
          0x41,
          0x27,
          0x20,
          0x0a,
          0xe2,
          0x80,
          0x99,
          0xc3,
          0xa9,
          0xcc,
          0x81,
          0xf0,
          0x90,
          0xef,
          0xbb,
          0xbf,
          0xff,
        ),
        { maxLength: 64 },
      )
      .map((picked) => Uint8Array.from([...picked, ...noise.subarray(0, picked.length % 8)])),
  );

describe('range splitting', () => {
  it('equals a single pass for every SafeSize', async () => {
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const expected = entries(referenceCount(input));
        for (let safeSize = 1; safeSize <= Math.max(1, input.length); safeSize++) {
          const { counts } = await countByRanges(input, safeSize);
          expect(entries(counts)).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('equals a single pass with windows smaller than a word', async () => {
    await fc.assert(
      fc.asyncProperty(
        text,
        fc.integer({ min: 1, max: 64 }),
        fc.integer({ min: 1, max: 24 }),
        async (input, safeSize, windowBytes) => {
          const { counts } = await countByRanges(input, safeSize, windowBytes);
          expect(entries(counts)).toEqual(entries(referenceCount(input)));
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('equals a single pass on random bytes', async () => {
    await fc.assert(
      fc.asyncProperty(byteSoup, async (input) => {
        const expected = entries(referenceCount(input));
        for (let safeSize = 1; safeSize <= Math.max(1, input.length); safeSize++) {
          const { counts } = await countByRanges(input, safeSize, 1 + (safeSize % 7));
          expect(entries(counts)).toEqual(expected);
        }
      }),
      { numRuns: 500 },
    );
  });
});
