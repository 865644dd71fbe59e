/** Locating files that ship beside the compiled code: package.json and the .proto schema. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the package's root folder: the nearest folder above this module that contains
 * `proto/`. The same code runs from `functions/` (tests) and `dist/functions/` (the build).
 */
function findPackageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (
      existsSync(join(dir, 'proto', 'wordcount.proto')) &&
      existsSync(join(dir, 'package.json'))
    ) {
      return dir;
    }
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error(
        'BUG: proto/wordcount.proto not found above ' + fileURLToPath(import.meta.url),
      );
    dir = parent;
  }
}

export const PACKAGE_ROOT = findPackageRoot();
