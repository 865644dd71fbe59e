/**
 * The HTTP client of the virtual users: undici requests that record k6's request metrics
 * with tags, and the serving instance from the `X-Instance-Id` response header.
 */
import { Agent, request } from 'undici';

import type { Recorder, Tags } from './metrics.js';

export interface RequestOptions {
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  /** Seconds the whole request may take, from sending to the last body byte. */
  timeoutSeconds: number;
  /** Tags of the samples, such as `name` (the route) and `function`. */
  tags: Tags;
}

export interface HttpResponse {
  /** HTTP status, or 0 when no response arrived (refused, reset, timed out). */
  status: number;
  body: Buffer;
  /** Reason that no response arrived; undefined when one did. */
  error?: string;
}

/** A base URL and the Host header to send there (Knative's ingress routes by Host). */
export interface Endpoint {
  url: string;
  host?: string;
}

const INSTANCE_HEADER = 'x-instance-id';

export class HttpClient {
  // Unlimited connections per origin, so every user has its own, as k6's users do.
  private readonly agent = new Agent({ keepAliveTimeout: 30_000 });

  constructor(private readonly recorder: Recorder) {}

  /**
   * Sends one request and records `http_reqs`, `http_req_duration`, `http_req_failed`,
   * `data_sent` and `data_received`. A status of 400 or more and a missing response count as
   * failed, as in k6. Never throws for a failed request.
   */
  async send(
    method: string,
    endpoint: Endpoint,
    path: string,
    options: RequestOptions,
  ): Promise<HttpResponse> {
    const headers = { ...options.headers, ...(endpoint.host ? { host: endpoint.host } : {}) };
    const timeoutMs = options.timeoutSeconds * 1000;
    const started = performance.now();
    let response: HttpResponse;
    let instance: string | undefined;
    try {
      const answer = await request(new URL(path, endpoint.url), {
        method,
        headers,
        body: options.body,
        dispatcher: this.agent,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const header = answer.headers[INSTANCE_HEADER];
      instance = Array.isArray(header) ? header[0] : header;
      response = { status: answer.statusCode, body: Buffer.from(await answer.body.arrayBuffer()) };
    } catch (error) {
      response = { status: 0, body: Buffer.alloc(0), error: describe(error, timeoutMs) };
    }
    const durationMs = performance.now() - started;

    const tags = {
      ...options.tags,
      method,
      status: String(response.status),
      ...(instance === undefined ? {} : { instance }),
    };
    this.recorder.add('http_reqs', 1, tags);
    this.recorder.add('http_req_duration', durationMs, tags);
    this.recorder.add(
      'http_req_failed',
      response.status === 0 || response.status >= 400 ? 1 : 0,
      tags,
    );
    // NOTE: body bytes only; k6 also counts the request line and headers.
    this.recorder.add('data_sent', byteLength(options.body), tags);
    this.recorder.add('data_received', response.body.length, tags);
    return response;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

function byteLength(body: Uint8Array | string | undefined): number {
  if (body === undefined) return 0;
  return typeof body === 'string' ? Buffer.byteLength(body) : body.length;
}

function describe(error: unknown, timeoutMs: number): string {
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'HeadersTimeoutError' || name === 'BodyTimeoutError') {
    return `timed out after ${timeoutMs / 1000} s`;
  }
  const code = (error as { code?: string }).code;
  const message = (error as Error).message ?? String(error);
  return code === undefined ? message : `${code}: ${message}`;
}
