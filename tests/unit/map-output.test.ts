import { crc32 } from 'node:zlib';

import { decodePartitionBlock, encodeMapOutput } from '../../functions/map/map-output.js';
import { CorruptObjectError } from '../../functions/lib/errors.js';
import { partitionOf } from '../../functions/state/partition.js';

const counts = new Map([
  ['the', 34725],
  ['and', 22307],
  ['école', 3],
  ['東京', 2 ** 40],
  ['𐐨', 1],
]);

function blocks(partitions: number) {
  const output = encodeMapOutput(counts, partitions);
  return output.partitionEnds.map((end, partition) => {
    const start = partition === 0 ? 0 : output.partitionEnds[partition - 1];
    return {
      partition,
      bytes: output.bytes.subarray(start, end),
      crc: output.partitionCrc32[partition],
    };
  });
}

describe('map output', () => {
  it('puts every word in its partition, once', () => {
    const decoded = new Map<string, number>();
    for (const { partition, bytes, crc } of blocks(7)) {
      for (const [word, count] of decodePartitionBlock(bytes, partition, crc, 'test')) {
        expect(partitionOf(word, 7)).toBe(partition);
        expect(decoded.has(word)).toBe(false);
        decoded.set(word, count);
      }
    }
    expect(decoded).toEqual(counts);
  });

  it('writes the same bytes for the same counts in any order', () => {
    const reversed = new Map([...counts].reverse());

    expect(Buffer.from(encodeMapOutput(reversed, 5).bytes)).toEqual(
      Buffer.from(encodeMapOutput(counts, 5).bytes),
    );
  });

  it('gives empty partitions no bytes', () => {
    const output = encodeMapOutput(new Map([['one', 1]]), 4);

    expect(
      output.partitionEnds.filter((end, i) => end === (i === 0 ? 0 : output.partitionEnds[i - 1])),
    ).toHaveLength(3);
    expect(output.partitionCrc32).toContain(crc32(new Uint8Array(0)));
  });

  it('detects a damaged block', () => {
    const { partition, bytes, crc } = blocks(1)[0];
    const damaged = Uint8Array.from(bytes);
    damaged[damaged.length - 1] ^= 0xff;

    expect(() => decodePartitionBlock(damaged, partition, crc, 'map/000001.out')).toThrow(
      CorruptObjectError,
    );
    expect(() => decodePartitionBlock(damaged, partition, crc, 'map/000001.out')).toThrow(
      /partition 0 of map\/000001\.out fails its CRC-32 check/,
    );
  });

  it('detects a block of another partition', () => {
    const [, second] = blocks(2)
      .filter((block) => block.bytes.length > 0)
      .concat(blocks(2));
    const other = second.partition === 0 ? 1 : 0;

    expect(() => decodePartitionBlock(second.bytes, other, second.crc, 'x')).toThrow(
      /is labeled partition/,
    );
  });
});
