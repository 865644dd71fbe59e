/** Opening the input file, with the errors a user can act on. */
import { open, stat, type FileHandle } from 'node:fs/promises';

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
 * @throws InputError naming the path when it is missing, a directory, not a regular file,
 *   unreadable, or a file whose size is unknown in advance (as in /proc).
 */
export async function openInput(path: string): Promise<{ handle: FileHandle; size: number }> {
  const shown = displayPath(path);
  // Check the type before opening: opening a named pipe would wait for a writer.
  try {
    const stats = await stat(path);
    if (stats.isDirectory()) throw new InputError(path, `cannot count ${shown}: it is a directory`);
    if (!stats.isFile())
      throw new InputError(path, `cannot count ${shown}: it is not a regular file`);
  } catch (error) {
    throw error instanceof InputError ? error : inputError(path, error);
  }

  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw inputError(path, error);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile())
      throw new InputError(path, `cannot count ${shown}: it is not a regular file`);
    if (stats.size === 0 && (await handle.read(new Uint8Array(1), 0, 1, 0)).bytesRead > 0) {
      throw new InputError(
        path,
        `cannot count ${shown}: its size is not known in advance (as in /proc); copy it to a regular file first`,
      );
    }
    return { handle, size: stats.size };
  } catch (error) {
    await handle.close();
    throw error instanceof InputError ? error : inputError(path, error);
  }
}

/** Returns the path for a one-line message: quoted and escaped when it has control characters. */
export function displayPath(path: string): string {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u001f\u007f]/.test(path) ? JSON.stringify(path) : path;
}

function inputError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
  const reason = REASONS[code] ?? (error as Error).message;
  return new InputError(path, `cannot read ${displayPath(path)}: ${reason} (${code})`, {
    cause: error,
  });
}
