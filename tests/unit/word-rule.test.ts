import { countByRanges, entries } from '../support/count-by-ranges.js';
import { referenceCount } from '../support/reference-count.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

/** Counts with one range covering the input and with 1-byte ranges; both must agree. */
async function count(input: Uint8Array): Promise<[string, number][]> {
  const whole = await countByRanges(input, Math.max(1, input.length));
  const tiny = await countByRanges(input, 1);
  expect(entries(tiny.counts)).toEqual(entries(whole.counts));
  return entries(whole.counts);
}

describe('word rule', () => {
  it.each<[string, Uint8Array, [string, number][]]>([
    ['empty input', bytes(), []],
    ['no words', utf8(' \n\t.,;!?-— “” ‘’ \r\n'), []],
    [
      'no trailing newline',
      utf8('one two two'),
      [
        ['one', 1],
        ['two', 2],
      ],
    ],
    ['ASCII apostrophe joins', utf8("don't"), [["don't", 1]]],
    ['U+2019 joins and becomes U+0027', utf8("don’t don't"), [["don't", 2]]],
    ['French elision', utf8('l’homme'), [["l'homme", 1]]],
    ['leading apostrophe separates', utf8("'tis"), [['tis', 1]]],
    ['trailing apostrophe separates', utf8("dogs' "), [['dogs', 1]]],
    [
      'two apostrophes separate',
      utf8("a''b"),
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
    ['apostrophes chain', utf8("rock'n'roll"), [["rock'n'roll", 1]]],
    ['lowercase', utf8('The THE the'), [['the', 3]]],
    ['NFD merges with NFC', utf8('caf\u0065\u0301 café'), [['café', 2]]],
    [
      'digits are word characters',
      utf8('route 66, 3.14'),
      [
        ['14', 1],
        ['3', 1],
        ['66', 1],
        ['route', 1],
      ],
    ],
    ['combining mark alone is a word', utf8(' \u0301 '), [['\u0301', 1]]],
    ['Greek final sigma', utf8('ΟΔΟΣ'), [['οδος', 1]]],
    ['dotted capital I', utf8('İstanbul'), [['i̇stanbul', 1]]],
    ['astral letters lowercase', utf8('𐐀𐐁 𐐨𐐩'), [['𐐨𐐩', 2]]],
    [
      'emoji separate',
      utf8('hi😀there'),
      [
        ['hi', 1],
        ['there', 1],
      ],
    ],
    [
      'CRLF separates',
      utf8('one\r\ntwo\r\n'),
      [
        ['one', 1],
        ['two', 1],
      ],
    ],
    ['BOM is not part of a word', utf8('\uFEFFword \uFEFFword'), [['word', 2]]],
    [
      'invalid byte separates',
      bytes(0x61, 0xff, 0x62),
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
    ['truncated sequence is one separator', bytes(0xe2, 0x80, 0x41), [['a', 1]]],
    ['truncated sequence at the end', bytes(0x61, 0xe2, 0x80), [['a', 1]]],
    [
      'surrogate encoding is invalid',
      bytes(0x61, 0xed, 0xa0, 0x80, 0x62),
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
    [
      'overlong encoding is invalid',
      bytes(0x61, 0xc0, 0xaf, 0x62),
      [
        ['a', 1],
        ['b', 1],
      ],
    ],
    [
      'Cyrillic',
      utf8('Война и МИР'),
      [
        ['война', 1],
        ['и', 1],
        ['мир', 1],
      ],
    ],
    ['CJK run is one word', utf8('東京都 東京都'), [['東京都', 2]]],
  ])('%s', async (_name, input, expected) => {
    expect(await count(input)).toEqual(expected);
  });

  it('agrees with the reference on mixed text', async () => {
    const input = utf8("Ça va? L’été, don't 'tis ΣΟΦΟΣ 𐐀x \uFEFF e\u0301\r\n");
    expect(await count(input)).toEqual(entries(referenceCount(input)));
  });
});
