/**
 * The `openfaas-deploy` role of the image against a recording HTTP server that answers like
 * the OpenFaaS gateway's REST API. The request bodies come from the chart's rendered Job.
 *
 * NOTE: the real gateway (github.com/openfaas/faas) cannot be built here, because the Go module
 * proxy refuses github.com/openfaas/* with 403. The server below follows the gateway's OpenAPI
 * document: basic auth, GET /system/function/NAME (200 or 404), POST /system/functions (202)
 * and PUT /system/functions (200, or 404 for an unknown function).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { parseAllDocuments } from 'yaml';

import { PACKAGE_ROOT } from '../../functions/lib/package-root.js';

const ENTRYPOINT = join(PACKAGE_ROOT, 'dist', 'functions', 'entrypoint.js');
const CHART = join(PACKAGE_ROOT, 'charts', 'wordcount');
const USER = 'admin';
const PASSWORD = 'gateway-password-for-tests';

/** Fields of FunctionDeployment in the gateway's OpenAPI document, with their JSON types. */
const FUNCTION_DEPLOYMENT_FIELDS: Record<string, string> = {
  service: 'string',
  image: 'string',
  namespace: 'string',
  envProcess: 'string',
  constraints: 'array',
  envVars: 'object',
  secrets: 'array',
  labels: 'object',
  annotations: 'object',
  limits: 'object',
  requests: 'object',
  readOnlyRootFilesystem: 'boolean',
  registryAuth: 'string',
  network: 'string',
};

interface Recorded {
  method: string;
  url: string;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

/** An in-memory gateway that records every request and can fail the first few with 503. */
class RecordingGateway {
  readonly requests: Recorded[] = [];
  readonly functions = new Map<string, Record<string, unknown>>();
  failuresLeft = 0;
  private server: Server | undefined;

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      void this.handle(request).then(({ status, body }) => {
        response.writeHead(status, { 'content-type': 'text/plain' });
        response.end(body);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server?.close(() => resolve()));
  }

  private async handle(request: IncomingMessage): Promise<{ status: number; body: string }> {
    let text = '';
    for await (const chunk of request) text += String(chunk);
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    const method = request.method ?? '';
    const url = request.url ?? '';
    this.requests.push({ method, url, authorization: request.headers.authorization, body });

    if (this.failuresLeft > 0) {
      this.failuresLeft--;
      return { status: 503, body: 'upstream not ready' };
    }
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
    if (request.headers.authorization !== expected) return { status: 401, body: 'Unauthorized' };

    const path = new URL(url, 'http://gateway').pathname;
    if (method === 'GET' && path.startsWith('/system/function/')) {
      const found = this.functions.get(decodeURIComponent(path.split('/')[3]));
      return found === undefined
        ? { status: 404, body: 'not found' }
        : { status: 200, body: JSON.stringify(found) };
    }
    if (path === '/system/functions' && (method === 'POST' || method === 'PUT')) {
      const service = body?.service as string;
      if (method === 'PUT' && !this.functions.has(service)) return { status: 404, body: '' };
      if (method === 'POST' && this.functions.has(service)) {
        return { status: 400, body: `function ${service} already exists` };
      }
      this.functions.set(service, body as Record<string, unknown>);
      return { status: method === 'POST' ? 202 : 200, body: '' };
    }
    return { status: 404, body: 'no route' };
  }
}

/** The OPENFAAS_FUNCTIONS value of the chart's deploy Job. */
function renderedFunctions(): string {
  const helm = execFileSync(join(PACKAGE_ROOT, 'scripts', 'ensure-tool.sh'), ['helm'], {
    encoding: 'utf8',
  }).trim();
  const rendered = execFileSync(
    helm,
    [
      'template',
      'demo',
      CHART,
      '--namespace',
      'openfaas-fn',
      '-f',
      join(CHART, 'ci', 'values-openfaas.yaml'),
    ],
    { encoding: 'utf8' },
  );
  for (const document of parseAllDocuments(rendered)) {
    const manifest = document.toJS() as {
      kind?: string;
      spec?: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } };
    } | null;
    if (manifest?.kind !== 'Job') continue;
    const variable = manifest.spec?.template.spec.containers[0].env.find(
      (item) => item.name === 'OPENFAAS_FUNCTIONS',
    );
    if (variable?.value !== undefined) return variable.value;
  }
  throw new Error('the chart rendered no deploy Job with OPENFAAS_FUNCTIONS');
}

function runDeploy(
  url: string,
  password: string,
  functions: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [ENTRYPOINT, 'openfaas-deploy'], {
      env: {
        PATH: process.env.PATH,
        OPENFAAS_URL: url,
        OPENFAAS_USERNAME: USER,
        OPENFAAS_PASSWORD: password,
        OPENFAAS_FUNCTIONS: functions,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('openfaas-deploy', () => {
  const functions = renderedFunctions();
  const expectedBodies = JSON.parse(functions) as Record<string, unknown>[];
  let gateway: RecordingGateway;
  let url: string;

  beforeEach(async () => {
    gateway = new RecordingGateway();
    url = await gateway.start();
  });

  afterEach(() => gateway.stop());

  it('creates missing functions with POST', async () => {
    const result = await runDeploy(url, PASSWORD, functions);

    expect(result.code).toBe(0);
    expect(gateway.requests.map((request) => `${request.method} ${request.url}`)).toEqual([
      'GET /system/function/demo-wordcount-coordinator?namespace=openfaas-fn',
      'POST /system/functions',
      'GET /system/function/demo-wordcount-map?namespace=openfaas-fn',
      'POST /system/functions',
      'GET /system/function/demo-wordcount-reduce?namespace=openfaas-fn',
      'POST /system/functions',
    ]);
    const posted = gateway.requests.filter((request) => request.method === 'POST');
    expect(posted.map((request) => request.body)).toEqual(expectedBodies);
    expect(result.output).toMatch(/"action":"created"/);
  });

  it('sends bodies with the documented FunctionDeployment fields', async () => {
    await runDeploy(url, PASSWORD, functions);
    const bodies = gateway.requests
      .filter((request) => request.method === 'POST')
      .map((request) => request.body as Record<string, unknown>);

    expect(bodies).toHaveLength(3);
    for (const body of bodies) {
      const unknownFields = Object.keys(body).filter(
        (field) => !(field in FUNCTION_DEPLOYMENT_FIELDS),
      );
      expect(unknownFields).toEqual([]);
      for (const [field, value] of Object.entries(body)) {
        const type = Array.isArray(value) ? 'array' : typeof value;
        expect(`${field}: ${type}`).toBe(`${field}: ${FUNCTION_DEPLOYMENT_FIELDS[field]}`);
      }
      expect(typeof body.service).toBe('string');
      expect(typeof body.image).toBe('string');
      expect(body.namespace).toBe('openfaas-fn');
      expect(body.readOnlyRootFilesystem).toBe(true);
      for (const map of ['envVars', 'labels', 'annotations', 'limits', 'requests']) {
        const values = Object.values(body[map] as Record<string, unknown>);
        expect(values.every((value) => typeof value === 'string')).toBe(true);
      }
    }
    const map = bodies[1] as { envVars: Record<string, string>; labels: Record<string, string> };
    expect(map.envVars.exec_timeout).toBe('300s');
    expect(map.envVars.WORDCOUNT_FUNCTION).toBe('map');
    expect(map.labels['com.openfaas.scale.max']).toBe('10');
  });

  it('updates existing functions with PUT', async () => {
    await runDeploy(url, PASSWORD, functions);
    gateway.requests.length = 0;

    const result = await runDeploy(url, PASSWORD, functions);

    expect(result.code).toBe(0);
    expect(gateway.requests.filter((request) => request.method === 'POST')).toHaveLength(0);
    const put = gateway.requests.filter((request) => request.method === 'PUT');
    expect(put.map((request) => request.body)).toEqual(expectedBodies);
    expect(result.output).toMatch(/"action":"updated"/);
  });

  it('sends basic auth on every request', async () => {
    await runDeploy(url, PASSWORD, functions);
    const expected = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;

    expect(gateway.requests.length).toBeGreaterThan(0);
    expect(gateway.requests.every((request) => request.authorization === expected)).toBe(true);
  });

  it('fails on rejected credentials without deploying', async () => {
    const result = await runDeploy(url, 'wrong-password', functions);

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/failed with HTTP 401/);
    expect(result.output).toMatch(/openfaas\.gateway\.basicAuthSecret/);
    expect(result.output).not.toMatch(/wrong-password/);
    expect(gateway.requests.filter((request) => request.method !== 'GET')).toHaveLength(0);
    expect(gateway.functions.size).toBe(0);
  });

  it('retries a gateway that answers 503', async () => {
    gateway.failuresLeft = 2;

    const result = await runDeploy(url, PASSWORD, functions);

    expect(result.code).toBe(0);
    expect(result.output).toMatch(/gateway request failed, retrying/);
    expect([...gateway.functions.keys()].sort()).toEqual([
      'demo-wordcount-coordinator',
      'demo-wordcount-map',
      'demo-wordcount-reduce',
    ]);
  });

  it('rejects a malformed function list', async () => {
    const result = await runDeploy(url, PASSWORD, '[{"service": "x"}]');

    expect(result.code).toBe(1);
    expect(result.output).toMatch(/OPENFAAS_FUNCTIONS\[0\]\.image must be a non-empty string/);
    expect(gateway.requests).toHaveLength(0);
  });
});
