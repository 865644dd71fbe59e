import { Router } from 'express';

import { createApp, INSTANCE_HEADER } from '../../functions/lib/http/app.js';
import { listen, type RunningServer } from '../../functions/lib/http/serve.js';
import { createLogger, INSTANCE_ID } from '../../functions/lib/log.js';

let running: RunningServer;
let baseUrl: string;

beforeAll(async () => {
  const logger = createLogger('instance-header-test', 'silent');
  const routes = Router();
  routes.get('/ok', (_request, response) => {
    response.json({ ok: true });
  });
  routes.get('/broken', () => {
    throw new Error('broken on purpose');
  });
  const app = createApp({ logger, maxBodyBytes: 1024, routes, isReady: () => true });
  running = await listen(app, { port: 0, host: '127.0.0.1', timeoutSeconds: 10, logger });
  baseUrl = `http://127.0.0.1:${running.port}`;
});

afterAll(async () => {
  await running?.drain();
});

describe('X-Instance-Id header', () => {
  it.each([
    ['a route', '/ok', 200],
    ['the liveness probe', '/healthz', 200],
    ['the readiness probe', '/readyz', 200],
    ['an unknown route', '/missing', 404],
    ['a failing route', '/broken', 500],
  ])('names the instance on %s', async (_name, path, status) => {
    const response = await fetch(`${baseUrl}${path}`);
    await response.arrayBuffer();

    expect(response.status).toBe(status);
    expect(response.headers.get(INSTANCE_HEADER)).toBe(INSTANCE_ID);
  });
});
