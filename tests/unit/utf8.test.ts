import fc from 'fast-check';

import { decodeUnit, findUnitStart } from '../../functions/counting/utf8.js';

/** Decodes all of `bytes` with decodeUnit, writing U+FFFD for each ill-formed unit. */
function decodeAll(bytes: Uint8Array): string {
  let text = '';
  let index = 0;
  while (index < bytes.length) {
    if (bytes[index] < 0x80) {
      text += String.fromCharCode(bytes[index]);
      index++;
      continue;
    }
    const unit = decodeUnit(bytes, index, bytes.length, true);
    if (unit < 0) {
      text += '\uFFFD';
      index += -unit;
    } else {
      text += String.fromCodePoint(unit >>> 3);
      index += unit & 7;
    }
  }
  return text;
}

const decoder = new TextDecoder('utf-8', { ignoreBOM: true });

/** Bytes weighted towards lead bytes, boundary values of continuation bytes and ASCII. */
const utf8ish = fc
  .uint8Array({ maxLength: 40 })
  .chain((noise) =>
    fc
      .array(
        fc.constantFrom(
          0x41,
          0x80,
          0x8f,
          0x90,
          0x9f,
          0xa0,
          0xbf,
          0xc0,
          0xc2,
          0xdf,
          0xe0,
          0xe2,
          0xed,
          0xef,
          0xf0,
          0xf4,
          0xf5,
          0xff,
        ),
        { maxLength: 40 },
      )
      .map((picked) => Uint8Array.from([...picked, ...noise.subarray(0, picked.length % 5)])),
  );

describe('decodeUnit', () => {
  it.each<[string, number[], string]>([
    ['two-byte character', [0xc3, 0xa9], 'é'],
    ['three-byte character', [0xe2, 0x80, 0x99], '’'],
    ['four-byte character', [0xf0, 0x90, 0x90, 0x80], '𐐀'],
    ['truncated sequence is one U+FFFD', [0xe2, 0x80, 0x41], '\uFFFDA'],
    ['lone continuation bytes', [0x80, 0xbf], '\uFFFD\uFFFD'],
    ['overlong three-byte', [0xe0, 0x83, 0x80], '\uFFFD\uFFFD\uFFFD'],
    ['surrogate', [0xed, 0xa0, 0x80], '\uFFFD\uFFFD\uFFFD'],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80], '\uFFFD\uFFFD\uFFFD\uFFFD'],
  ])('%s', (_name, values, expected) => {
    expect(decodeAll(Uint8Array.from(values))).toBe(expected);
  });

  it('matches TextDecoder on random bytes', () => {
    fc.assert(
      fc.property(fc.oneof(utf8ish, fc.uint8Array({ maxLength: 64 })), (bytes) => {
        expect(decodeAll(bytes)).toBe(decoder.decode(bytes));
      }),
      { numRuns: 5000 },
    );
  });

  it('reports an incomplete sequence before the end of the input', () => {
    const bytes = Uint8Array.from([0xf0, 0x90, 0x90]);
    expect(decodeUnit(bytes, 0, 3, false)).toBe(0);
    expect(decodeUnit(bytes, 0, 3, true)).toBe(-3);
  });
});

describe('findUnitStart', () => {
  it.each<[string, number[], number, number]>([
    ['ASCII byte', [0x41, 0x42], 1, 1],
    ['continuation after a lead', [0xe2, 0x80, 0x99, 0x41], 1, 3],
    ['three continuations before', [0x80, 0x80, 0x80, 0x80], 0, 3],
    ['no start in the bytes', [0x80, 0x80], 0, 2],
  ])('%s', (_name, values, from, expected) => {
    expect(findUnitStart(Uint8Array.from(values), from)).toBe(expected);
  });
});
