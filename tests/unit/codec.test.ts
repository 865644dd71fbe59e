import {
  decodeMessage,
  encodeMessage,
  messageFromJson,
  messageToJson,
} from '../../functions/state/codec.js';
import { MessageFormatError } from '../../functions/lib/errors.js';
import type { MapReceipt } from '../../functions/state/messages.js';

const receipt = (words: number): MapReceipt => ({
  jobId: 'job-1',
  chunk: 3,
  attempt: 1,
  instanceId: 'instance',
  bytes: 2 ** 40,
  bytesRead: 2 ** 40 + 32,
  words,
  distinctWords: 7,
  startedMs: 1_796_400_000_000,
  durationSeconds: 1.5,
  bytesPerSecond: 1e8,
  output: { bucket: 'wordcount', key: 'jobs/job-1/map/000003.out', etag: '', size: 5 },
  partitionEnds: [0, 2 ** 33, Number.MAX_SAFE_INTEGER],
  partitionCrc32: [0, 4_294_967_295, 1],
  complete: true,
  nextOffset: 2 ** 40,
  checkpoint: undefined,
  handovers: 2,
});

describe('message codec', () => {
  it.each([
    ['above 2^32', 2 ** 32 + 1],
    ['2^53 - 1', Number.MAX_SAFE_INTEGER],
    ['2^53 - 2', Number.MAX_SAFE_INTEGER - 1],
  ])('round-trips a count %s through protobuf', (_name, words) => {
    const decoded = decodeMessage('MapReceipt', encodeMessage('MapReceipt', receipt(words)));

    expect(decoded.words).toBe(words);
    expect(typeof decoded.words).toBe('number');
    expect(decoded).toEqual(receipt(words));
  });

  it('round-trips a count near 2^53 through JSON', () => {
    const json = JSON.parse(
      JSON.stringify(messageToJson('MapReceipt', receipt(2 ** 53 - 1))),
    ) as unknown;

    expect((json as { words: number }).words).toBe(2 ** 53 - 1);
    expect(messageFromJson('MapReceipt', json)).toEqual(receipt(2 ** 53 - 1));
  });

  it('rejects protobuf counts above 2^53 - 1', () => {
    // Field 7 (words) as a varint of 2^53: bytes of the tag, then the value.
    const bytes = Uint8Array.from([0x38, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10]);

    expect(() => decodeMessage('MapReceipt', bytes)).toThrow(MessageFormatError);
    expect(() => decodeMessage('MapReceipt', bytes)).toThrow(
      /MapReceipt\.words is 9007199254740992, above the largest supported integer/,
    );
  });

  it('rejects protobuf truncated inside a field', () => {
    const bytes = encodeMessage('MapReceipt', receipt(5));

    // The last 3 bytes are the whole handovers field; the 4th cuts next_offset's varint.
    expect(() => decodeMessage('MapReceipt', bytes.subarray(0, bytes.length - 4))).toThrow(
      /invalid MapReceipt protobuf/,
    );
  });

  it.each<[string, unknown, RegExp]>([
    ['a non-object', [1, 2], /MapTask must be a JSON object, got an array/],
    [
      'an unknown field',
      { jobId: 'a', chunks: 1 },
      /unknown field MapTask\.chunks; expected one of: jobId, chunk/,
    ],
    [
      'a string for a number',
      { chunk: '3' },
      /MapTask\.chunk must be a whole number from 0 to 4294967295, got "3"/,
    ],
    ['a negative unsigned value', { chunk: -1 }, /MapTask\.chunk must be a whole number from 0/],
    ['a fraction', { attempt: 1.5 }, /MapTask\.attempt must be a whole number/],
    [
      'a 64-bit value above 2^53 - 1',
      { range: { start: 0, end: 2 ** 53 } },
      /MapTask\.range\.end must be a whole number from 0 to 9007199254740991/,
    ],
    ['a number for a string', { jobId: 5 }, /MapTask\.jobId must be a string, got 5/],
    [
      'a bad nested object',
      { input: 'bucket/key' },
      /MapTask\.input must be a JSON object, got "bucket\/key"/,
    ],
  ])('rejects JSON with %s', (_name, json, message) => {
    expect(() => messageFromJson('MapTask', json)).toThrow(MessageFormatError);
    expect(() => messageFromJson('MapTask', json)).toThrow(message);
  });

  it('fills defaults for missing JSON fields', () => {
    const task = messageFromJson('JobRequest', { input: { bucket: 'b', key: 'k' } });

    expect(task).toEqual({
      jobId: '',
      input: { bucket: 'b', key: 'k', etag: '', size: 0 },
      options: undefined,
    });
  });
});
