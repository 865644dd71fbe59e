/**
 * Calls to the map and reduce functions over HTTP with protobuf bodies. undici's default
 * header and body timeouts (300 s) would cut long calls short, so each client sets its own
 * from the function's timeout.
 */
import { Agent, request } from 'undici';

import { WordcountError } from '../lib/errors.js';
import { PROTOBUF } from '../lib/http/body.js';
import { decodeMessage, encodeMessage } from '../state/codec.js';
import type { MessageName, Messages } from '../state/messages.js';
import { callMs } from './call-time.js';

/** Thrown when a function call fails. `retryable` is true when the same call may succeed later. */
export class TaskCallError extends WordcountError {
  constructor(
    code: string,
    message: string,
    readonly retryable: boolean,
    readonly status?: number,
    options?: ErrorOptions & { detail?: string },
  ) {
    super(code, message, options);
    this.detail = options?.detail ?? message;
  }

  /** The function's own error message, without the URL and status. */
  readonly detail: string;
}

export class FunctionClient {
  private readonly agent: Agent;
  private readonly timeoutMs: number;

  constructor(
    private readonly url: string,
    timeoutSeconds: number,
    connections: number,
  ) {
    this.timeoutMs = callMs(timeoutSeconds);
    this.agent = new Agent({
      connections,
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 30_000,
    });
  }

  /**
   * Sends `task` and returns the decoded response.
   *
   * @throws TaskCallError with the function's error code, or UNREACHABLE / TIMED_OUT.
   */
  async call<I extends MessageName, O extends MessageName>(
    requestName: I,
    task: Messages[I],
    responseName: O,
  ): Promise<Messages[O]> {
    let response;
    try {
      response = await request(this.url, {
        method: 'POST',
        dispatcher: this.agent,
        headers: { 'content-type': PROTOBUF, accept: PROTOBUF },
        body: Buffer.from(encodeMessage(requestName, task)),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      throw networkError(this.url, error);
    }

    let body: Buffer;
    try {
      body = Buffer.from(await response.body.arrayBuffer());
    } catch (error) {
      throw networkError(this.url, error);
    }
    if (response.statusCode === 200) return decodeMessage(responseName, body);
    throw statusError(this.url, response.statusCode, body);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function networkError(url: string, error: unknown): TaskCallError {
  const code = (error as { code?: string }).code ?? '';
  const timedOut = code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT';
  return new TaskCallError(
    timedOut ? 'TIMED_OUT' : 'UNREACHABLE',
    `${timedOut ? 'no response in time from' : 'cannot reach'} ${url}: ${(error as Error).message}`,
    true,
    undefined,
    { cause: error },
  );
}

function statusError(url: string, status: number, body: Buffer): TaskCallError {
  let parsed: { code?: unknown; message?: unknown; retryable?: unknown } = {};
  try {
    parsed = JSON.parse(body.toString('utf8')) as typeof parsed;
  } catch {
    // Not our error body: the response came from a proxy, gateway or activator.
  }
  const code = typeof parsed.code === 'string' ? parsed.code : `HTTP_${status}`;
  const message =
    typeof parsed.message === 'string'
      ? parsed.message
      : body.toString('utf8').slice(0, 200).trim() || `HTTP ${status}`;
  const retryable =
    typeof parsed.retryable === 'boolean'
      ? parsed.retryable
      : status >= 500 || status === 429 || status === 408;
  return new TaskCallError(
    code,
    `${url} answered ${status} ${code}: ${message}`,
    retryable,
    status,
    {
      detail: message,
    },
  );
}
