/** Output of the commands: the result on stdout, the summary and progress on stderr. */
import { Phase, type JobStatus } from '../state/messages.js';
import { displayPath } from './open-input.js';
import type { OutputOptions } from './args.js';
import { formatBytes } from './byte-size.js';
import type { CoordinatorClient } from './coordinator-client.js';
import { writeResult, writeText } from './output.js';
import { startProgress, type Progress } from './progress.js';

const number = (value: number): string => value.toLocaleString('en-US');

/** Returns `1 range`, `2 ranges`, `1,000 words`: a count with its noun. */
export const plural = (count: number, singular: string, pluralForm = `${singular}s`): string =>
  `${number(count)} ${count === 1 ? singular : pluralForm}`;

/** Prints a finished job's result from the coordinator in the requested format. */
export async function printJobResult(
  client: CoordinatorClient,
  status: JobStatus,
  output: OutputOptions,
  stdout: NodeJS.WriteStream,
): Promise<void> {
  if (output.json) {
    const result = await client.resultJson(status.jobId, output.top);
    await writeResult(stdout, result.words, result, true);
  } else {
    await writeText(stdout, await client.resultTsv(status.jobId, output.top));
  }
}

/** Returns the one-line summary of a job that ran through the functions. */
export function jobSummary(name: string, status: JobStatus, seconds: number): string {
  const stages = status.stages
    .map((stage) => `${stage.stage} ${stage.seconds.toFixed(2)} s`)
    .join(', ');
  return (
    `wordcount: ${displayPath(name)}: ${plural(status.bytesTotal, 'byte')} in ${plural(status.rangesTotal, 'range')}, ` +
    `${plural(status.totalWords, 'word')}, ${number(status.distinctWords)} distinct, ${seconds.toFixed(2)} s; ` +
    `${plural(status.instances, 'instance')}, ${stages}` +
    `${status.retries > 0 ? `, ${plural(status.retries, 'retry', 'retries')}` : ''}\n`
  );
}

const PHASES: Record<number, string> = {
  [Phase.MAPPING]: 'mapping',
  [Phase.REDUCING]: 'reducing',
  [Phase.DONE]: 'done',
  [Phase.FAILED]: 'failed',
};

/** Returns a one-line description of a job's progress, for logs that are not a terminal. */
export function progressLine(status: JobStatus): string {
  const phase = PHASES[status.phase] ?? 'unknown';
  return (
    `wordcount: job ${status.jobId}: ${phase}, ${number(status.rangesDone)}/${number(status.rangesTotal)} ranges ` +
    `(${formatBytes(status.bytesDone)} of ${formatBytes(status.bytesTotal)}), ` +
    `${status.reduceTasksDone}/${status.reduceTasksTotal} reduce tasks\n`
  );
}

/**
 * Reports job progress on stderr: a bar on a terminal (for inputs of 64 MiB and more), or,
 * when `lines` is set, a line whenever the progress changes, at most every 2 seconds.
 */
export function jobProgress(
  stderr: NodeJS.WriteStream,
  lines: boolean,
): { update(status: JobStatus): void; stop(): void } {
  let bar: Progress | undefined;
  let last = '';
  let lastMs = 0;
  return {
    update(status) {
      if (stderr.isTTY) {
        bar ??= startProgress(status.bytesTotal, stderr);
        bar.update(status.bytesDone);
        return;
      }
      if (!lines) return;
      const line = progressLine(status);
      const phaseChanged = line.split(',')[0] !== last.split(',')[0];
      if (line !== last && (phaseChanged || Date.now() - lastMs >= 2000)) {
        stderr.write(line);
        last = line;
        lastMs = Date.now();
      }
    },
    stop() {
      bar?.stop();
    },
  };
}
