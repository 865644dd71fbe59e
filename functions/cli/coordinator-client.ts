/** A client of the coordinator's HTTP API, as `wordcount submit` and the Job in the cluster use it. */
import { Agent, request } from 'undici';

import { WordcountError } from '../lib/errors.js';
import { PROTOBUF } from '../lib/http/body.js';
import { decodeMessage, encodeMessage } from '../state/codec.js';
import type { JobRequest, JobStatus } from '../state/messages.js';

/** Thrown when the coordinator cannot be reached or responds with an error. */
export class CoordinatorError extends WordcountError {
  constructor(
    code: string,
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

export interface CleanupReport {
  jobsScanned: number;
  jobsCleaned: number;
  objectsRemoved: number;
  bytesRemoved: number;
  truncated: boolean;
}

export interface JsonResult {
  totalWords: number;
  distinctWords: number;
  words: [string, number][];
}

export class CoordinatorClient {
  private readonly agent: Agent;

  /** `timeoutSeconds` bounds one request; advancing a job may take the coordinator's whole timeout. */
  constructor(
    readonly baseUrl: string,
    timeoutSeconds = 3600,
  ) {
    const timeoutMs = timeoutSeconds * 1000;
    this.agent = new Agent({ headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  }

  submit(job: JobRequest, wait: boolean): Promise<JobStatus> {
    return this.statusCall(
      'POST',
      `/jobs?wait=${wait}`,
      Buffer.from(encodeMessage('JobRequest', job)),
    );
  }

  advance(jobId: string): Promise<JobStatus> {
    return this.statusCall('POST', `/jobs/${encodeURIComponent(jobId)}/advance`);
  }

  status(jobId: string): Promise<JobStatus> {
    return this.statusCall('GET', `/jobs/${encodeURIComponent(jobId)}`);
  }

  async resultTsv(jobId: string, top?: number): Promise<Buffer> {
    const query = top === undefined ? '' : `?top=${top}`;
    return this.call(
      'GET',
      `/jobs/${encodeURIComponent(jobId)}/result${query}`,
      'text/tab-separated-values',
    );
  }

  async resultJson(jobId: string, top?: number): Promise<JsonResult> {
    const query = `?format=json${top === undefined ? '' : `&top=${top}`}`;
    const body = await this.call(
      'GET',
      `/jobs/${encodeURIComponent(jobId)}/result${query}`,
      'application/json',
    );
    return JSON.parse(body.toString('utf8')) as JsonResult;
  }

  /** Sweeps the intermediate objects of ended and abandoned jobs; see POST /cleanup. */
  async cleanup(retentionSeconds?: number): Promise<CleanupReport> {
    const query = retentionSeconds === undefined ? '' : `?retentionSeconds=${retentionSeconds}`;
    const body = await this.call('POST', `/cleanup${query}`, 'application/json');
    return JSON.parse(body.toString('utf8')) as CleanupReport;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  private async statusCall(method: string, path: string, body?: Buffer): Promise<JobStatus> {
    return decodeMessage('JobStatus', await this.call(method, path, PROTOBUF, body));
  }

  private async call(method: string, path: string, accept: string, body?: Buffer): Promise<Buffer> {
    const url = new URL(path, this.baseUrl).toString();
    let response;
    try {
      response = await request(url, {
        method: method as 'GET' | 'POST',
        dispatcher: this.agent,
        headers: { accept, ...(body === undefined ? {} : { 'content-type': PROTOBUF }) },
        body,
      });
    } catch (error) {
      throw new CoordinatorError(
        'COORDINATOR_UNREACHABLE',
        `cannot reach the coordinator at ${this.baseUrl}: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
    const data = Buffer.from(await response.body.arrayBuffer());
    if (response.statusCode === 200 || response.statusCode === 202) return data;

    let code = `HTTP_${response.statusCode}`;
    let message = data.toString('utf8').slice(0, 300).trim();
    try {
      const parsed = JSON.parse(data.toString('utf8')) as { code?: string; message?: string };
      code = parsed.code ?? code;
      message = parsed.message ?? message;
    } catch {
      // not a JSON error body
    }
    throw new CoordinatorError(
      code,
      `coordinator at ${this.baseUrl}: ${message} (${code})`,
      response.statusCode,
    );
  }
}
