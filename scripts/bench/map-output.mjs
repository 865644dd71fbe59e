/** The map output of one real chunk: protobuf WordBlock against JSON, in bytes and speed. */
import { addTableTo } from '../../dist/functions/counting/normalize.js';
import { compareCodePoints } from '../../dist/functions/counting/order.js';
import { decodeMessage, encodeMessage } from '../../dist/functions/state/codec.js';
import { decodeWordBlock, encodeWordBlock } from '../../dist/functions/state/word-block.js';
import { kernel } from './kernel.mjs';
import { best } from './timing.mjs';

export function measureMapOutput({ book, report }) {
  const counts = [...addTableTo(new Map(), kernel(book))].sort((a, b) =>
    compareCodePoints(a[0], b[0]),
  );
  const json = Buffer.from(JSON.stringify(Object.fromEntries(counts)));
  const protobuf = encodeMessage('WordBlock', encodeWordBlock(counts));
  const plain = encodeMessage('WordBlock', encodeWordBlock(counts, { compress: false }));
  const encodeSeconds = best(5, () => encodeMessage('WordBlock', encodeWordBlock(counts)));
  const jsonEncodeSeconds = best(5, () => JSON.stringify(Object.fromEntries(counts)));
  const decodeSeconds = best(5, () => decodeWordBlock(decodeMessage('WordBlock', protobuf)));
  const jsonDecodeSeconds = best(5, () => JSON.parse(json.toString('utf8')));
  report(
    `| map output of War and Peace (${counts.length} words): JSON | ${json.length} bytes, encode ${(jsonEncodeSeconds * 1000).toFixed(1)} ms, decode ${(jsonDecodeSeconds * 1000).toFixed(1)} ms |`,
  );
  report(
    `| same, WordBlock front-coded, no DEFLATE | ${plain.length} bytes, ${(plain.length / json.length).toFixed(2)}× JSON |`,
  );
  report(
    `| same, WordBlock front-coded with DEFLATE | ${protobuf.length} bytes, ${(protobuf.length / json.length).toFixed(2)}× JSON, encode ${(encodeSeconds * 1000).toFixed(1)} ms, decode ${(decodeSeconds * 1000).toFixed(1)} ms |`,
  );
}
