import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { freePort } from '../../functions/lib/free-port.js';
import type { RunSummary } from '../../loadtest/summary.js';
import { CORPORA } from '../support/cli.js';

/** The built load runner, as `npm run loadtest:smoke` runs it. */
const RUNNER = fileURLToPath(new URL('../../dist/loadtest/main.js', import.meta.url));

interface RunnerResult {
  code: number | null;
  stderr: string;
  summary: RunSummary;
  outDir: string;
}

/** Runs the smoke load test with `env` (the target) and reads its summary. */
function runSmoke(env: NodeJS.ProcessEnv): Promise<RunnerResult> {
  const outDir = mkdtempSync(join(tmpdir(), 'wordcount-loadtest-'));
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    BASE_URL: '',
    MAP_URL: '',
    LOADTEST_STORE: '',
    LOADTEST_SCENARIOS: '',
    LOADTEST_TEXT: join(CORPORA, 'war-and-peace-en.txt'),
    ...env,
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, '--smoke', '--out', outDir], {
      env: childEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => {
      try {
        const summary = JSON.parse(
          readFileSync(join(outDir, 'summary.json'), 'utf8'),
        ) as RunSummary;
        resolve({ code, stderr, summary, outDir });
      } catch (error) {
        reject(new Error(`no summary (exit ${code}): ${stderr}`, { cause: error }));
      }
    });
  });
}

const threshold = (summary: RunSummary, key: string) =>
  summary.thresholds.find((result) => result.key === key);

describe('load test smoke run', () => {
  let run: RunnerResult;

  beforeAll(async () => {
    run = await runSmoke({});
  }, 120_000);

  it('passes its thresholds against a local deployment', () => {
    expect(run.stderr).toContain('all thresholds passed');
    expect(run.code).toBe(0);
    expect(run.summary.ok).toBe(true);
    expect(threshold(run.summary, 'http_req_failed')?.ok).toBe(true);
    expect(threshold(run.summary, 'checks')?.ok).toBe(true);
  });

  it.each(['map_scaling', 'workflow_throughput', 'burst_from_idle'])(
    'measures every step of %s',
    (name) => {
      const steps = run.summary.scenarios[name].steps.filter((step) => step.executor !== 'idle');

      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps) {
        expect(step.headline?.throughputPerSecond).toBeGreaterThan(0);
        expect(step.headline?.p95Ms).toBeGreaterThan(0);
        expect(step.headline?.instances).toBeGreaterThanOrEqual(1);
        expect(step.metrics.http_reqs?.values.count).toBeGreaterThan(0);
      }
    },
  );

  it('checks the map receipts and the job results', () => {
    const names = run.summary.checks.map((check) => check.name);

    expect(names).toEqual(
      expect.arrayContaining([
        'map receipt counts the chunk’s words',
        'job counts every word of the text',
      ]),
    );
    for (const check of run.summary.checks) expect(check.fails).toBe(0);
  });

  it('writes the HTML report and the SVG plot', () => {
    const html = readFileSync(join(run.outDir, 'report.html'), 'utf8');
    const svg = readFileSync(join(run.outDir, 'scaling.svg'), 'utf8');

    expect(html).toContain('<svg');
    expect(html).toContain('map_scaling');
    expect(html).not.toMatch(/<(script|link)\b/);
    expect(svg).toMatch(/^<svg /);
    expect(svg).toContain('inst.');
  });
});

describe('load test smoke run against a stopped server', () => {
  it('fails its thresholds on failed requests and checks', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    // The store of the stopped deployment: its coordinator made the bucket when it started.
    const store = join(mkdtempSync(join(tmpdir(), 'wordcount-loadtest-store-')), 'wordcount');
    mkdirSync(store);

    const { code, summary } = await runSmoke({
      BASE_URL: url,
      MAP_URL: url,
      LOADTEST_STORE: `file://${store}`,
    });

    expect(code).toBe(99);
    expect(summary.ok).toBe(false);
    expect(threshold(summary, 'http_req_failed')?.ok).toBe(false);
    expect(threshold(summary, 'checks')?.ok).toBe(false);
  }, 120_000);
});
