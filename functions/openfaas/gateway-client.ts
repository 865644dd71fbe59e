/**
 * Deploys functions through the OpenFaaS gateway's REST API with HTTP basic auth: GET
 * /system/function/NAME finds out whether the function exists, then POST /system/functions
 * creates it or PUT /system/functions updates it. Network errors, 429 and 5xx are retried.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { WordcountError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { FunctionDeployment } from './function-deployment.js';

/** Thrown when the gateway rejects a request or cannot be reached after every attempt. */
export class GatewayError extends WordcountError {
  constructor(
    message: string,
    readonly status?: number,
    options?: ErrorOptions,
  ) {
    super('OPENFAAS_GATEWAY', message, options);
  }
}

export interface GatewayOptions {
  /** Base URL, such as http://gateway.openfaas.svc.cluster.local:8080. */
  url: string;
  username: string;
  password: string;
  logger: Logger;
  /** Attempts per request (default 5). */
  maxAttempts?: number;
  /** First retry delay in milliseconds, doubled on each attempt (default 1000). */
  retryBaseMs?: number;
  /** Time limit of one request in milliseconds (default 30 s). */
  requestTimeoutMs?: number;
}

export type DeployAction = 'created' | 'updated';

export class GatewayClient {
  private readonly base: string;
  private readonly authorization: string;

  constructor(private readonly options: GatewayOptions) {
    this.base = options.url.replace(/\/+$/, '');
    const credentials = `${options.username}:${options.password}`;
    this.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  }

  /**
   * Creates the function, or updates it when the gateway already has one of that name.
   *
   * @throws GatewayError with the status and the gateway's message when it rejects a request.
   */
  async deploy(deployment: FunctionDeployment): Promise<DeployAction> {
    const name = encodeURIComponent(deployment.service);
    const namespace = encodeURIComponent(deployment.namespace);
    const status = await this.send('GET', `/system/function/${name}?namespace=${namespace}`);
    if (status.code !== 200 && status.code !== 404) {
      throw this.rejected('GET', `/system/function/${deployment.service}`, status);
    }

    const exists = status.code === 200;
    const method = exists ? 'PUT' : 'POST';
    const result = await this.send(method, '/system/functions', deployment);
    if (result.code < 200 || result.code > 299) {
      throw this.rejected(method, '/system/functions', result, deployment.service);
    }
    return exists ? 'updated' : 'created';
  }

  private rejected(
    method: string,
    path: string,
    response: { code: number; body: string },
    service?: string,
  ): GatewayError {
    const what = service === undefined ? '' : ` for function ${service}`;
    const hint =
      response.code === 401
        ? '; check the basic-auth-user and basic-auth-password keys of the Secret that openfaas.gateway.basicAuthSecret names'
        : '';
    return new GatewayError(
      `${method} ${this.base}${path}${what} failed with HTTP ${response.code}: ` +
        `${response.body.trim().slice(0, 500)}${hint}`,
      response.code,
    );
  }

  /** Sends one request, retrying network errors, 429 and 5xx with exponential backoff. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ code: number; body: string }> {
    const { maxAttempts = 5, retryBaseMs = 1000, requestTimeoutMs = 30_000, logger } = this.options;
    for (let attempt = 1; ; attempt++) {
      let outcome: { code: number; body: string } | Error;
      try {
        const response = await fetch(this.base + path, {
          method,
          headers: {
            authorization: this.authorization,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(requestTimeoutMs),
        });
        outcome = { code: response.status, body: await response.text() };
      } catch (error) {
        outcome = error as Error;
      }

      const retryable = outcome instanceof Error || outcome.code === 429 || outcome.code >= 500;
      if (!retryable) return outcome as { code: number; body: string };
      const reason = outcome instanceof Error ? outcome.message : `HTTP ${outcome.code}`;
      if (attempt >= maxAttempts) {
        if (!(outcome instanceof Error)) return outcome;
        throw new GatewayError(
          `${method} ${this.base}${path} failed after ${attempt} attempts: ${reason}; ` +
            'check openfaas.gateway.url and that the gateway runs',
          undefined,
          { cause: outcome },
        );
      }
      const delayMs = retryBaseMs * 2 ** (attempt - 1);
      logger.warn({ method, path, attempt, delayMs, reason }, 'gateway request failed, retrying');
      await sleep(delayMs);
    }
  }
}
