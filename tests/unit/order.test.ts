import { compareCodePoints, sortWordCounts } from '../../functions/counting/order.js';

describe('compareCodePoints', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['a', 'ab', -1],
    // U+FF5A is above every BMP code point below it, but below any astral character,
    // although its UTF-16 code unit 0xFF5A is above the surrogate 0xD801.
    ['\uFF5A', '\u{10428}', -1],
    ['\u{10428}', '\uFF5A', 1],
    ['\uE000', '\u{10000}', -1],
    ['\uD7FF', '\u{10000}', -1],
  ])('orders %j before or after %j', (a, b, sign) => {
    expect(Math.sign(compareCodePoints(a, b))).toBe(sign);
  });

  it('orders like UTF-8 bytes', () => {
    const words = ['z', 'é', '𐐨', 'ｚ', '東', 'a', 'ÿ', '\uE000', '𝔸'];
    const byBytes = [...words].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    expect([...words].sort(compareCodePoints)).toEqual(byBytes);
  });
});

describe('sortWordCounts', () => {
  it('sorts by count descending, then by word', () => {
    const counts = new Map([
      ['b', 2],
      ['𐐨', 1],
      ['a', 2],
      ['ｚ', 1],
      ['c', 3],
    ]);
    expect(sortWordCounts(counts)).toEqual([
      ['c', 3],
      ['a', 2],
      ['b', 2],
      ['ｚ', 1],
      ['𐐨', 1],
    ]);
  });
});
