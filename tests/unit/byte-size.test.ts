import { formatBytes, parseByteSize } from '../../functions/cli/byte-size.js';

describe('parseByteSize', () => {
  it.each<[string, number | undefined]>([
    ['4096', 4096],
    ['4KiB', 4096],
    ['4kib', 4096],
    ['64MiB', 64 * 1024 ** 2],
    ['2GiB', 2 * 1024 ** 3],
    ['7B', 7],
    ['4KB', undefined],
    ['-1', undefined],
    ['1.5MiB', undefined],
    ['', undefined],
    ['99999999999TiB', undefined],
  ])('parses %j', (text, expected) => {
    expect(parseByteSize(text)).toBe(expected);
  });
});

describe('formatBytes', () => {
  it.each([
    [512, '512 B'],
    [3_293_661, '3.3 MB'],
    [330_000_000_000, '330.0 GB'],
  ])('formats %d', (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});
