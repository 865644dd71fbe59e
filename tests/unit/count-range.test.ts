import { countRange } from '../../functions/counting/count-range.js';
import { MemorySource } from '../support/memory-source.js';

describe('countRange', () => {
  it('reads little more than a small range', async () => {
    const text = new TextEncoder().encode('word '.repeat(1_000_000));
    const source = new MemorySource(text);

    const table = await countRange(source, { start: 500_000, end: 500_001 });

    expect(table.total).toBe(1);
    expect(source.bytesRead).toBeLessThan(200);
  });

  it('grows the read for a word longer than the range', async () => {
    const text = new TextEncoder().encode(`x ${'a'.repeat(100_000)} y`);
    const source = new MemorySource(text);

    const table = await countRange(source, { start: 2, end: 3 });

    expect(table.total).toBe(1);
    expect(source.bytesRead).toBeLessThan(4 * 100_000);
  });
});
