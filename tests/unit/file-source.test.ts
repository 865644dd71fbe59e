import { mkdtempSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { FileSource } from '../../functions/cli/file-source.js';
import { InputError } from '../../functions/lib/errors.js';

describe('FileSource', () => {
  it('reports a file that shrank during the count', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'wordcount-source-')), 'short.txt');
    writeFileSync(path, 'only ten b');
    const handle = await open(path, 'r');
    const source = new FileSource(handle, 100, path);

    await expect(source.read(0, 50)).rejects.toThrow(InputError);
    await expect(source.read(0, 50)).rejects.toThrow(
      /short\.txt ended at byte 10, but it had 100 bytes when the count started/,
    );
    await handle.close();
  });
});
