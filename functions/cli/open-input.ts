/** Opening the input file, with the errors a user can act on. */
import { open, type FileHandle } from 'node:fs/promises';

import { InputError } from '../lib/errors.js';

const REASONS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the path is too long',
};

/**
 * Opens a regular file for reading and returns its handle and size.
 *
 * @throws InputError naming the path when it is missing, a directory, or unreadable.
 */
export async function openInput(path: string): Promise<{ handle: FileHandle; size: number }> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw inputError(path, error);
  }

  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) throw new InputError(path, `cannot count ${path}: it is a directory`);
    if (!stats.isFile()) {
      throw new InputError(path, `cannot count ${path}: it is not a regular file`);
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof InputError ? error : inputError(path, error);
  }
}

function inputError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  const reason = REASONS[code] ?? (error as Error).message;
  return new InputError(path, `cannot read ${path}: ${reason} (${code})`, { cause: error });
}
