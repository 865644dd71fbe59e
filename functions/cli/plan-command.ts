/** `wordcount plan FILE`: the SafeSize inputs, the result and the range plan, without running anything. */
import { availableParallelism } from 'node:os';

import { readCoordinatorConfig } from '../coordinator/config.js';
import { planJobRanges, planSafeSize } from '../coordinator/planner.js';
import { readRates } from '../coordinator/rates.js';
import { SAFE_SIZE_DEFAULTS } from '../counting/safe-size.js';
import type { PlanCommand } from './args.js';
import { formatBytes } from './byte-size.js';
import type { Io } from './io.js';
import { coordinatorEnv } from './local-deployment.js';
import { openInput } from './open-input.js';
import { resolveStore } from './store-options.js';

/** Ranges listed one per line at most; a longer plan shows the first and last ones. */
const MAX_LISTED_RANGES = 20;

export async function planFile(command: PlanCommand, io: Io): Promise<void> {
  const { handle, size } = await openInput(command.file);
  await handle.close();

  const target = resolveStore(command, io.env);
  const env = coordinatorEnv(
    {
      storeUrl: target.url,
      s3: target.s3,
      functionTimeoutSeconds: command.functionTimeoutSeconds ?? SAFE_SIZE_DEFAULTS.timeoutSeconds,
      concurrency: command.concurrency ?? availableParallelism(),
      partitions: command.partitions,
      port: 0,
      logs: 'inherit',
    },
    'http://127.0.0.1/unused',
    'http://127.0.0.1/unused',
  );
  const config = readCoordinatorConfig(env);
  const rates = (await target.store.bucketExists(target.bucket))
    ? await readRates(target.store, target.bucket)
    : undefined;
  const plan = planSafeSize(
    config,
    { safeSize: command.safeSize ?? 0, partitions: 0, concurrency: 0 },
    rates,
  );
  const ranges = planJobRanges(size, plan);

  if (command.json) {
    io.stdout.write(
      `${JSON.stringify({ file: command.file, size, plan, partitions: config.partitions, ranges })}\n`,
    );
    return;
  }

  const source = {
    default: 'the configured initial rate: no job has measured one in this store yet',
    measured: `measured by ${rates?.jobs ?? 0} earlier ${rates?.jobs === 1 ? 'job' : 'jobs'} in ${target.url}`,
    override: 'not used: --safe-size sets SafeSize',
  }[plan.rateSource];
  const lines = [
    `file            ${command.file} (${size.toLocaleString('en-US')} bytes)`,
    `timeout T       ${plan.timeoutSeconds} s (smallest timeout on the map call's path)`,
    `reserve         ${plan.reserveSeconds} s`,
    `safety factor   ${plan.safetyFactor}`,
    `map rate        ${formatBytes(plan.bytesPerSecond)}/s (${source})`,
    plan.rateSource === 'override'
      ? `SafeSize        ${plan.safeSize.toLocaleString('en-US')} bytes (--safe-size)`
      : `SafeSize        ${plan.safeSize.toLocaleString('en-US')} bytes = rate × (T − reserve) × factor`,
    `concurrency     ${plan.concurrency} tasks, each range at least ${formatBytes(plan.minRangeBytes)} when split for them`,
    `partitions      ${config.partitions}`,
    `ranges          ${ranges.length}`,
  ];
  ranges.forEach((range, chunk) => {
    if (ranges.length > MAX_LISTED_RANGES && chunk === MAX_LISTED_RANGES / 2) lines.push('  …');
    if (
      ranges.length > MAX_LISTED_RANGES &&
      chunk >= MAX_LISTED_RANGES / 2 &&
      chunk < ranges.length - MAX_LISTED_RANGES / 2
    )
      return;
    lines.push(
      `  ${String(chunk).padStart(6)}  [${range.start}, ${range.end})  ${formatBytes(range.end - range.start)}`,
    );
  });
  io.stdout.write(`${lines.join('\n')}\n`);
}
