/**
 * Encoding and decoding of the schema's messages through protobufjs, for protobuf bytes and
 * for JSON bodies. 64-bit integers become JavaScript numbers and are rejected above 2^53 - 1
 * instead of being rounded, and JSON values are checked against the field types.
 */
import { join } from 'node:path';

import protobuf from 'protobufjs';

import { MessageFormatError } from '../lib/errors.js';
import { PACKAGE_ROOT } from '../lib/package-root.js';
import type { MessageName, Messages } from './messages.js';

const root = protobuf.loadSync(join(PACKAGE_ROOT, 'proto', 'wordcount.proto'));
root.resolveAll();

const INT64 = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);
const UNSIGNED = new Set(['uint32', 'fixed32', 'uint64', 'fixed64']);
const INT32 = new Set(['int32', 'uint32', 'sint32', 'fixed32', 'sfixed32']);

function messageType(name: MessageName): protobuf.Type {
  return root.lookupType(`wordcount.v1.${name}`);
}

/** Encodes `value` as protobuf bytes. */
export function encodeMessage<N extends MessageName>(name: N, value: Messages[N]): Uint8Array {
  const type = messageType(name);
  return type.encode(type.fromObject(value as unknown as Record<string, unknown>)).finish();
}

/**
 * Decodes protobuf bytes into the message's TypeScript shape.
 *
 * @throws MessageFormatError when the bytes are not a valid message or a 64-bit value is
 *   above 2^53 - 1.
 */
export function decodeMessage<N extends MessageName>(name: N, bytes: Uint8Array): Messages[N] {
  const type = messageType(name);
  let decoded: protobuf.Message;
  try {
    decoded = type.decode(bytes);
  } catch (error) {
    throw new MessageFormatError(`invalid ${name} protobuf: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const object = type.toObject(decoded, { longs: String, defaults: true, arrays: true });
  return normalize(type, object, name) as Messages[N];
}

/**
 * Converts a parsed JSON body into the message's TypeScript shape. Unknown fields, values of
 * the wrong type, negative unsigned values and 64-bit values above 2^53 - 1 are rejected.
 *
 * @throws MessageFormatError naming the field and the expected type.
 */
export function messageFromJson<N extends MessageName>(name: N, json: unknown): Messages[N] {
  const type = messageType(name);
  checkJson(type, json, name);
  return decodeMessage(
    name,
    type.encode(type.fromObject(json as Record<string, unknown>)).finish(),
  );
}

/** Returns the JSON form of a message: enums as their names, bytes as base64. */
export function messageToJson<N extends MessageName>(name: N, value: Messages[N]): unknown {
  const type = messageType(name);
  const message = type.fromObject(value as unknown as Record<string, unknown>);
  return type.toObject(message, {
    longs: Number,
    enums: String,
    bytes: String,
    defaults: true,
    arrays: true,
  });
}

/** Converts 64-bit strings from toObject into numbers, recursively, and absent messages to undefined. */
function normalize(type: protobuf.Type, object: Record<string, unknown>, path: string): unknown {
  for (const field of type.fieldsArray) {
    const value = object[field.name];
    const where = `${path}.${field.name}`;
    if (field.resolvedType instanceof protobuf.Type) {
      const nested = field.resolvedType;
      if (field.repeated) {
        object[field.name] = (value as Record<string, unknown>[]).map((item, i) =>
          normalize(nested, item, `${where}[${i}]`),
        );
      } else if (value === null || value === undefined) {
        object[field.name] = undefined;
      } else {
        object[field.name] = normalize(nested, value as Record<string, unknown>, where);
      }
    } else if (INT64.has(field.type)) {
      object[field.name] = field.repeated
        ? (value as string[]).map((item, i) => toSafeNumber(item, `${where}[${i}]`))
        : toSafeNumber(value as string, where);
    }
  }
  return object;
}

function toSafeNumber(text: string, where: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new MessageFormatError(
      `${where} is ${text}, above the largest supported integer ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`,
    );
  }
  return value;
}

function checkJson(type: protobuf.Type, json: unknown, path: string): void {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new MessageFormatError(`${path} must be a JSON object, got ${describe(json)}`);
  }
  for (const [name, value] of Object.entries(json)) {
    const field = Object.hasOwn(type.fields, name) ? type.fields[name] : undefined;
    const where = `${path}.${name}`;
    if (field === undefined) {
      const known = Object.keys(type.fields).join(', ');
      throw new MessageFormatError(`unknown field ${where}; expected one of: ${known}`);
    }
    if (value === null) continue;
    if (field.repeated) {
      if (!Array.isArray(value))
        throw new MessageFormatError(`${where} must be an array, got ${describe(value)}`);
      value.forEach((item, i) => checkValue(field, item, `${where}[${i}]`));
    } else {
      checkValue(field, value, where);
    }
  }
}

function checkValue(field: protobuf.Field, value: unknown, where: string): void {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) {
    checkJson(resolved, value, where);
    return;
  }
  if (resolved instanceof protobuf.Enum) {
    const valid =
      (typeof value === 'string' && value in resolved.values) ||
      (typeof value === 'number' && Object.values(resolved.values).includes(value));
    if (!valid) {
      throw new MessageFormatError(
        `${where} must be one of ${Object.keys(resolved.values).join(', ')}, got ${describe(value)}`,
      );
    }
    return;
  }

  const type = field.type;
  if (type === 'string') {
    if (typeof value !== 'string')
      throw new MessageFormatError(`${where} must be a string, got ${describe(value)}`);
  } else if (type === 'bool') {
    if (typeof value !== 'boolean')
      throw new MessageFormatError(`${where} must be true or false, got ${describe(value)}`);
  } else if (type === 'bytes') {
    if (typeof value !== 'string')
      throw new MessageFormatError(`${where} must be a base64 string, got ${describe(value)}`);
  } else if (type === 'double' || type === 'float') {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new MessageFormatError(`${where} must be a finite number, got ${describe(value)}`);
    }
  } else {
    checkInteger(type, value, where);
  }
}

function checkInteger(type: string, value: unknown, where: string): void {
  const max = INT32.has(type)
    ? UNSIGNED.has(type)
      ? 2 ** 32 - 1
      : 2 ** 31 - 1
    : Number.MAX_SAFE_INTEGER;
  const min = UNSIGNED.has(type) ? 0 : -max;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new MessageFormatError(
      `${where} must be a whole number from ${min} to ${max}, got ${describe(value)}`,
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value);
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return String(value);
}
