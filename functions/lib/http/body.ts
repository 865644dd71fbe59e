/** Request and response bodies as JSON or protobuf, chosen by Content-Type and Accept. */
import type { Request, Response } from 'express';

import { messageFromJson, decodeMessage, encodeMessage, messageToJson } from '../../state/codec.js';
import type { MessageName, Messages } from '../../state/messages.js';
import { HttpError } from './error-response.js';

export const PROTOBUF = 'application/x-protobuf';

/**
 * Decodes the request body as the message `name`, from JSON or from protobuf.
 *
 * @throws HttpError UNSUPPORTED_MEDIA_TYPE for other content types, or MessageFormatError.
 */
export function readMessage<N extends MessageName>(request: Request, name: N): Messages[N] {
  // The header decides, also for an empty body, which request.is() does not match.
  const contentType = (request.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (contentType === PROTOBUF) {
    const body: unknown = request.body;
    const bytes = body instanceof Uint8Array ? body : new Uint8Array(0);
    return decodeMessage(name, bytes);
  }
  if (contentType === 'application/json') return messageFromJson(name, request.body ?? {});
  throw new HttpError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Type must be application/json or ${PROTOBUF}, got ${request.get('content-type') ?? 'none'}`,
  );
}

/** Sends `value` as protobuf when the client accepts it, otherwise as JSON. */
export function sendMessage<N extends MessageName>(
  request: Request,
  response: Response,
  name: N,
  value: Messages[N],
  status = 200,
): void {
  response.status(status);
  if (request.accepts(['application/json', PROTOBUF]) === PROTOBUF) {
    response.type(PROTOBUF).send(Buffer.from(encodeMessage(name, value)));
  } else {
    response.json(messageToJson(name, value));
  }
}
