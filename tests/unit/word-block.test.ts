import fc from 'fast-check';

import {
  compareCodePoints,
  compareWordCounts,
  type WordCount,
} from '../../functions/counting/order.js';
import { MessageFormatError } from '../../functions/lib/errors.js';
import { decodeMessage, encodeMessage } from '../../functions/state/codec.js';
import { Codec, WordOrder } from '../../functions/state/messages.js';
import { decodeWordBlock, encodeWordBlock } from '../../functions/state/word-block.js';

const word = fc.string({
  unit: fc.constantFrom('a', 'b', 'é', '東', '𐐨', "'", 'z'),
  minLength: 1,
  maxLength: 12,
});
const count = fc.oneof(
  fc.integer({ min: 1, max: 1000 }),
  fc.constantFrom(2 ** 32 + 5, Number.MAX_SAFE_INTEGER),
);

describe('word block', () => {
  it('round-trips sorted entries in both orders, compressed or not', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(word, count), { selector: ([w]) => w, maxLength: 200 }),
        fc.boolean(),
        (entries, compress) => {
          const byWord = [...entries].sort((a, b) => compareCodePoints(a[0], b[0])) as WordCount[];
          const byResult = [...entries].sort(compareWordCounts) as WordCount[];

          for (const [sorted, order] of [
            [byWord, WordOrder.WORD],
            [byResult, WordOrder.RESULT],
          ] as const) {
            const block = encodeWordBlock(sorted, { order, compress });
            const bytes = encodeMessage('WordBlock', block);
            expect(decodeWordBlock(decodeMessage('WordBlock', bytes))).toEqual(sorted);
          }
        },
      ),
    );
  });

  it('is smaller than JSON for a real word list', () => {
    const entries: WordCount[] = [];
    for (let i = 0; i < 2000; i++)
      entries.push([`word${String(i).padStart(5, '0')}`, ((i * 7919) % 5000) + 1]);
    const bytes = encodeMessage('WordBlock', encodeWordBlock(entries));

    expect(bytes.length).toBeLessThan(0.6 * JSON.stringify(Object.fromEntries(entries)).length);
  });

  it('compresses only blocks worth it', () => {
    expect(encodeWordBlock([['a', 1]]).codec).toBe(Codec.NONE);
    const many = Array.from({ length: 500 }, (_, i): WordCount => [
      `w${String(i).padStart(4, '0')}`,
      1,
    ]);
    expect(encodeWordBlock(many).codec).toBe(Codec.DEFLATE);
  });

  it.each<[string, () => ReturnType<typeof encodeWordBlock>, RegExp]>([
    [
      'out of order',
      () => ({
        ...encodeWordBlock(
          [
            ['a', 1],
            ['b', 2],
          ],
          { compress: false },
        ),
        order: WordOrder.RESULT,
        entries: 2,
      }),
      /entry 1 \(b\) is out of order/,
    ],
    [
      'repeated',
      () =>
        encodeWordBlock(
          [
            ['a', 1],
            ['a', 1],
          ],
          { compress: false },
        ),
      /entry 1 \(a\) is out of order or repeated/,
    ],
    [
      'a zero count',
      () => encodeWordBlock([['a', 0]], { compress: false }),
      /entry 0 \(a\) has count 0/,
    ],
    [
      'too few entries',
      () => ({ ...encodeWordBlock([['a', 1]], { compress: false }), entries: 2 }),
      /ends inside a varint/,
    ],
    [
      'extra bytes',
      () => ({
        ...encodeWordBlock(
          [
            ['a', 1],
            ['b', 2],
          ],
          { compress: false },
        ),
        entries: 1,
      }),
      /has bytes after its 1 entries/,
    ],
    [
      'invalid UTF-8',
      () => ({
        ...encodeWordBlock([['a', 1]], { compress: false }),
        words: Uint8Array.from([0, 1, 0xff]),
      }),
      /entry 0 is not valid UTF-8/,
    ],
    [
      'bad DEFLATE data',
      () => ({ ...encodeWordBlock([['a', 1]], { compress: false }), codec: Codec.DEFLATE }),
      /is not valid DEFLATE data/,
    ],
  ])('rejects a block that is %s', (_name, block, message) => {
    expect(() => decodeWordBlock(block())).toThrow(MessageFormatError);
    expect(() => decodeWordBlock(block())).toThrow(message);
  });
});
