/**
 * Object keys in the state bucket. Everything a job writes lives under `jobs/{jobId}/`:
 *
 *   job.pb                   JobRecord: request and range plan, written once
 *   map/{chunk}.out          map output: one WordBlock per partition, concatenated
 *   map/{chunk}.receipt      MapReceipt: written once, after the output, and commits it
 *   checkpoint/{chunk}-{offset}.pb  Checkpoint of a map task that handed over
 *   checkpoint/r{task}-{next}.pb    ReduceCheckpoint of a reduce task that handed over
 *   reduce-plan.pb           ReducePlan: the committed map outputs and partition groups, written once
 *   reduce/{task}.out        reduce output: one WordBlock in result order
 *   reduce/{task}.receipt    ReduceReceipt: written once, after the output, and commits it
 *   result.tsv, result.pb    the final result; result.pb is written after result.tsv and marks the job done
 *   summary.json, status.pb  the final JobStatus as JSON and protobuf, written after result.pb
 *   failed.pb                JobFailure: written once when the job fails for good
 */

const pad = (value: number, width: number): string => String(value).padStart(width, '0');

export const keys = {
  jobPrefix: (jobId: string): string => `jobs/${jobId}/`,
  job: (jobId: string): string => `jobs/${jobId}/job.pb`,
  mapPrefix: (jobId: string): string => `jobs/${jobId}/map/`,
  mapOutput: (jobId: string, chunk: number): string => `jobs/${jobId}/map/${pad(chunk, 6)}.out`,
  mapReceipt: (jobId: string, chunk: number): string =>
    `jobs/${jobId}/map/${pad(chunk, 6)}.receipt`,
  checkpointPrefix: (jobId: string): string => `jobs/${jobId}/checkpoint/`,
  checkpoint: (jobId: string, chunk: number, offset: number): string =>
    `jobs/${jobId}/checkpoint/${pad(chunk, 6)}-${offset}.pb`,
  reduceCheckpoint: (jobId: string, task: number, nextInput: number): string =>
    `jobs/${jobId}/checkpoint/r${pad(task, 4)}-${nextInput}.pb`,
  reducePlan: (jobId: string): string => `jobs/${jobId}/reduce-plan.pb`,
  reducePrefix: (jobId: string): string => `jobs/${jobId}/reduce/`,
  reduceOutput: (jobId: string, task: number): string => `jobs/${jobId}/reduce/${pad(task, 4)}.out`,
  reduceReceipt: (jobId: string, task: number): string =>
    `jobs/${jobId}/reduce/${pad(task, 4)}.receipt`,
  resultTsv: (jobId: string): string => `jobs/${jobId}/result.tsv`,
  result: (jobId: string): string => `jobs/${jobId}/result.pb`,
  failure: (jobId: string): string => `jobs/${jobId}/failed.pb`,
  summary: (jobId: string): string => `jobs/${jobId}/summary.json`,
  status: (jobId: string): string => `jobs/${jobId}/status.pb`,
  upload: (id: string, name: string): string => `uploads/${id}/${name}`,
  rates: (): string => 'stats/rates.pb',
};

/** Returns the chunk or task number of a receipt key, or undefined for other keys. */
export function receiptNumber(key: string): number | undefined {
  const match = /\/(\d+)\.receipt$/.exec(key);
  return match === null ? undefined : Number(match[1]);
}

/** Returns the chunk and offset of a checkpoint key, or undefined for other keys. */
export function checkpointPosition(key: string): { chunk: number; offset: number } | undefined {
  const match = /\/checkpoint\/(\d+)-(\d+)\.pb$/.exec(key);
  return match === null ? undefined : { chunk: Number(match[1]), offset: Number(match[2]) };
}

/** Returns the task and next input slice of a reduce checkpoint key, or undefined for other keys. */
export function reduceCheckpointPosition(
  key: string,
): { task: number; nextInput: number } | undefined {
  const match = /\/checkpoint\/r(\d+)-(\d+)\.pb$/.exec(key);
  return match === null ? undefined : { task: Number(match[1]), nextInput: Number(match[2]) };
}

/** Job ids: lowercase letters, digits, dots, hyphens and underscores, 1 to 128, safe in keys and URLs. */
export const JOB_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/;
