/**
 * Running a function as a server: listens on $PORT, drains in-flight requests on SIGTERM,
 * and can fork worker processes that share the port (node:cluster).
 */
import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

import type { Express } from 'express';

import type { Logger } from '../log.js';

export interface ServeOptions {
  port: number;
  host?: string;
  /** The function's timeout in seconds: the longest a request may run. */
  timeoutSeconds: number;
  logger: Logger;
}

export interface RunningServer {
  server: Server;
  port: number;
  /** Stops accepting connections and resolves when in-flight requests have finished. */
  drain(): Promise<void>;
}

/** Seconds added to the function timeout before the server itself cuts a request off. */
const SERVER_TIMEOUT_MARGIN_SECONDS = 30;

/**
 * Starts `app` on the port and resolves once it listens. Node's own request timeout
 * (300 s by default) is raised to the function timeout plus a margin, so the function
 * timeout decides how long a request may run.
 */
export async function listen(app: Express, options: ServeOptions): Promise<RunningServer> {
  const server = createServer(app);
  server.requestTimeout = (options.timeoutSeconds + SERVER_TIMEOUT_MARGIN_SECONDS) * 1000;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  server.on('clientError', answerClientError);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  // Keep-alive connections become idle as their last response ends; close them as they do.
  // No request may run longer than the function timeout, so after it the drain closes
  // whatever connections are left instead of waiting for Node's own timeouts.
  // NOTE: in a fault test, one coordinator connection stayed open for Node's 60 s headers
  // timeout after a client aborted mid-body. The cause was not found.
  const drain = (): Promise<void> =>
    new Promise((resolve) => {
      const sweep = setInterval(() => server.closeIdleConnections(), 200);
      const limit = setTimeout(() => {
        options.logger.warn('drain: closing the connections still open after the function timeout');
        server.closeAllConnections();
      }, options.timeoutSeconds * 1000);
      server.close(() => {
        clearInterval(sweep);
        clearTimeout(limit);
        resolve();
      });
      server.closeIdleConnections();
    });
  return { server, port, drain };
}

export interface StartOptions extends ServeOptions {
  name: string;
  createApp: (isReady: () => boolean) => Express;
}

/**
 * Starts serving the function. On SIGTERM the server stops accepting requests, finishes
 * those in flight and exits 0. When started by a parent over IPC, sends
 * `{ ready: true, port }` once listening (a cluster worker sends it to its primary instead).
 */
export async function startFunction(options: StartOptions): Promise<void> {
  const { logger } = options;
  let draining = false;
  const running = await listen(
    options.createApp(() => !draining),
    options,
  );
  logger.info(
    { port: running.port, timeoutSeconds: options.timeoutSeconds },
    `${options.name} listening`,
  );
  if (cluster.isWorker) process.send?.({ listening: running.port });
  else process.send?.({ ready: true, port: running.port });

  // A function forked by the wordcount command goes when the command goes.
  if (process.connected && !cluster.isWorker)
    process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));

  process.once('SIGTERM', () => {
    draining = true;
    logger.info('SIGTERM received: draining in-flight requests');
    void running.drain().then(() => {
      logger.info('drained; exiting');
      process.exit(0);
    });
  });
}

/**
 * Forks `workers` processes that share the port, and restarts none of them: a worker that
 * dies is logged, like a pod that a platform would replace. Reports ready to a parent once
 * all workers listen, and passes SIGTERM on to them.
 */
export function startWorkers(name: string, workers: number, logger: Logger): void {
  if (process.connected) process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
  let listening = 0;
  let stopping = false;

  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('message', (_worker, message: { listening?: number }) => {
    if (message.listening === undefined) return;
    listening++;
    if (listening === workers) {
      logger.info({ port: message.listening, workers }, `${name} workers listening`);
      process.send?.({ ready: true, port: message.listening });
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) logger.error({ worker: worker.process.pid, code, signal }, 'worker exited');
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
  });
  process.once('SIGTERM', () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
  });
}

/**
 * Responds to requests that Node's HTTP parser rejects before the app sees them (a broken
 * chunked body, a bad Content-Length, headers too large, a request that timed out) with the
 * same JSON error body as every other error, instead of Node's bare status line.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (error.code === 'ECONNRESET' && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const [status, reason, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'MALFORMED_MESSAGE']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'MALFORMED_MESSAGE']
        : [400, 'Bad Request', 'MALFORMED_MESSAGE'];
  const body = JSON.stringify({
    code,
    message: `malformed HTTP request (${error.code ?? 'parse error'}); send a well-formed request`,
    retryable: false,
  });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
