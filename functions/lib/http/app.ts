/**
 * The express application shared by the three functions: probes, body parsing with size
 * limits, a request log line, and error responses mapped in one place.
 */
import { performance } from 'node:perf_hooks';

import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Router,
} from 'express';

import { INSTANCE_ID, type Logger } from '../log.js';
import { PROTOBUF } from './body.js';
import { HttpError, errorResponse } from './error-response.js';

/** Response header that carries the serving process's instance id, the `instance` of its logs. */
export const INSTANCE_HEADER = 'X-Instance-Id';

export interface AppOptions {
  logger: Logger;
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
  /** The function's routes. */
  routes: Router;
  /** Returns false while the server drains or is not ready; readiness then responds 503. */
  isReady: () => boolean;
}

declare module 'express-serve-static-core' {
  interface Locals {
    /** Request-scoped logger; handlers add job, chunk and attempt ids to it. */
    log: Logger;
    /** When the request arrived (Date.now()): a function's timeout counts from here. */
    arrivedMs: number;
  }
}

export function createApp(options: AppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  // Load tests and clients count the distinct instances that served them by this header.
  app.use((_request, response, next) => {
    response.setHeader(INSTANCE_HEADER, INSTANCE_ID);
    next();
  });

  // Kubernetes and Knative probe these; they must stay cheap and never touch the store.
  // OpenFaaS probes the same checks at /_/health and /_/ready.
  app.get(['/healthz', '/_/health'], (_request, response) => {
    response.json({ status: 'ok' });
  });
  app.get(['/readyz', '/_/ready'], (_request, response) => {
    const ready = options.isReady();
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'draining' });
  });

  app.use(requestLog(options.logger));
  app.use(express.json({ limit: options.maxBodyBytes, strict: false }));
  app.use(express.raw({ type: PROTOBUF, limit: options.maxBodyBytes }));
  app.use(options.routes);

  app.use((request, _response, next) => {
    next(new HttpError('NOT_FOUND', `no route for ${request.method} ${request.path}`));
  });
  app.use(errorHandler);
  return app;
}

function requestLog(logger: Logger): RequestHandler {
  return (request, response, next) => {
    const started = performance.now();
    response.locals.arrivedMs = Date.now();
    response.locals.log = logger.child({ method: request.method, path: request.path });
    response.on('finish', () => {
      const log = response.locals.log;
      const fields = { status: response.statusCode, ms: Math.round(performance.now() - started) };
      if (response.statusCode >= 500) log.error(fields, 'request failed');
      else log.info(fields, 'request done');
    });
    // A client that gives up closes the connection before the response: log how long the
    // request had run, since the work may go on and commit later.
    response.on('close', () => {
      if (response.writableFinished) return;
      const ms = Math.round(performance.now() - started);
      response.locals.log.warn({ ms }, 'request closed by the client before its response');
    });
    next();
  };
}

const errorHandler: ErrorRequestHandler = (error, _request, response, _next) => {
  const { status, body } = errorResponse(error);
  const log = response.locals.log;
  if (status >= 500) log?.error({ err: error, code: body.code }, 'request error');
  else log?.warn({ code: body.code, message: body.message }, 'request rejected');

  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.status(status).json(body);
};
