/** Reading and writing schema messages as objects in the store. */
import { CorruptObjectError, MessageFormatError, ObjectNotFoundError } from '../lib/errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { decodeMessage, encodeMessage } from './codec.js';
import type { MessageName, Messages } from './messages.js';

/**
 * Reads and decodes a stored message; returns undefined when the object does not exist.
 *
 * @throws CorruptObjectError when the object is not a valid message.
 */
export async function readStored<N extends MessageName>(
  store: ObjectStore,
  bucket: string,
  key: string,
  name: N,
): Promise<Messages[N] | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await store.get(bucket, key);
  } catch (error) {
    if (error instanceof ObjectNotFoundError) return undefined;
    throw error;
  }
  try {
    return decodeMessage(name, bytes);
  } catch (error) {
    if (error instanceof MessageFormatError) {
      throw new CorruptObjectError(`stored ${name} ${bucket}/${key} is invalid: ${error.message}`, {
        cause: error,
      });
    }
    throw error;
  }
}

/**
 * Writes a message once: when the key already contains one, keeps it and returns the stored
 * message instead, so the first writer's version is the one everybody reads.
 */
export async function writeOnce<N extends MessageName>(
  store: ObjectStore,
  bucket: string,
  key: string,
  name: N,
  value: Messages[N],
): Promise<{ value: Messages[N]; created: boolean }> {
  const { created } = await store.put(bucket, key, encodeMessage(name, value), { ifAbsent: true });
  if (created) return { value, created };

  const stored = await readStored(store, bucket, key, name);
  if (stored === undefined)
    throw new Error(`BUG: ${bucket}/${key} exists for a create-only put but cannot be read`);
  return { value: stored, created };
}

/** Writes a message, replacing any previous version. */
export async function writeStored<N extends MessageName>(
  store: ObjectStore,
  bucket: string,
  key: string,
  name: N,
  value: Messages[N],
): Promise<void> {
  await store.put(bucket, key, encodeMessage(name, value));
}
