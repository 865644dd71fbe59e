/**
 * TypeScript shapes of the messages in proto/wordcount.proto, as `codec.ts` decodes them:
 * camelCase fields, every field present with its proto3 default, 64-bit integers as safe
 * JavaScript numbers, enums as numbers, bytes as Uint8Array, an absent message as undefined.
 */

export interface ObjectRef {
  bucket: string;
  key: string;
  etag: string;
  size: number;
}

export interface ByteRange {
  start: number;
  end: number;
}

export interface JobOptions {
  safeSize: number;
  partitions: number;
  concurrency: number;
}

export interface JobRequest {
  jobId: string;
  input?: ObjectRef;
  options?: JobOptions;
}

export interface SafeSizePlan {
  timeoutSeconds: number;
  reserveSeconds: number;
  safetyFactor: number;
  bytesPerSecond: number;
  rateSource: string;
  safeSize: number;
  minRangeBytes: number;
  concurrency: number;
}

export interface JobRecord {
  formatVersion: number;
  jobId: string;
  input: ObjectRef;
  options: JobOptions;
  plan: SafeSizePlan;
  ranges: ByteRange[];
  partitions: number;
  createdMs: number;
  createdBy: string;
}

export interface MapTask {
  jobId: string;
  chunk: number;
  attempt: number;
  input: ObjectRef;
  range: ByteRange;
  partitions: number;
  output: ObjectRef;
  receipt: ObjectRef;
  checkpoint?: ObjectRef;
}

export const Codec = { NONE: 0, DEFLATE: 1 } as const;
export type Codec = (typeof Codec)[keyof typeof Codec];

export const WordOrder = { WORD: 0, RESULT: 1 } as const;
export type WordOrder = (typeof WordOrder)[keyof typeof WordOrder];

export interface WordBlock {
  partition: number;
  entries: number;
  codec: Codec;
  order: WordOrder;
  words: Uint8Array;
  counts: Uint8Array;
}

export interface MapReceipt {
  jobId: string;
  chunk: number;
  attempt: number;
  instanceId: string;
  bytes: number;
  bytesRead: number;
  words: number;
  distinctWords: number;
  startedMs: number;
  durationSeconds: number;
  bytesPerSecond: number;
  output: ObjectRef;
  partitionEnds: number[];
  partitionCrc32: number[];
  complete: boolean;
  nextOffset: number;
  checkpoint?: ObjectRef;
  handovers: number;
}

export interface Checkpoint {
  jobId: string;
  chunk: number;
  range: ByteRange;
  nextOffset: number;
  words: number;
  counts: WordBlock;
  handovers: number;
  durationSeconds: number;
}

export interface MapSlice {
  output: ObjectRef;
  offset: number;
  blockLengths: number[];
  blockCrc32: number[];
}

export interface ReduceTask {
  jobId: string;
  task: number;
  attempt: number;
  firstPartition: number;
  endPartition: number;
  inputs: MapSlice[];
  output: ObjectRef;
  receipt: ObjectRef;
  checkpoint?: ObjectRef;
}

export interface ReduceReceipt {
  jobId: string;
  task: number;
  attempt: number;
  instanceId: string;
  inputBytes: number;
  words: number;
  distinctWords: number;
  startedMs: number;
  durationSeconds: number;
  bytesPerSecond: number;
  output: ObjectRef;
  complete: boolean;
  nextInput: number;
  checkpoint?: ObjectRef;
  handovers: number;
}

export interface ReduceCheckpoint {
  jobId: string;
  task: number;
  firstPartition: number;
  endPartition: number;
  nextInput: number;
  words: number;
  counts: WordBlock;
  inputBytes: number;
  handovers: number;
  startedMs: number;
  durationSeconds: number;
}

export interface PartitionGroup {
  firstPartition: number;
  endPartition: number;
  bytes: number;
}

export interface ReducePlan {
  jobId: string;
  groups: PartitionGroup[];
  maps: MapReceipt[];
  mapOutputBytes: number;
  bytesPerSecond: number;
  maxTaskBytes: number;
  createdMs: number;
}

export interface JobResult {
  jobId: string;
  totalWords: number;
  distinctWords: number;
  words: WordBlock;
  createdMs: number;
}

export interface JobFailure {
  code: string;
  message: string;
  task: string;
  failedMs: number;
}

export const Phase = { UNSPECIFIED: 0, MAPPING: 1, REDUCING: 2, DONE: 3, FAILED: 4 } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export interface StageTiming {
  stage: string;
  startedMs: number;
  seconds: number;
  tasks: number;
  instances: number;
}

export interface JobStatus {
  jobId: string;
  phase: Phase;
  input?: ObjectRef;
  plan?: SafeSizePlan;
  rangesTotal: number;
  rangesDone: number;
  bytesTotal: number;
  bytesDone: number;
  reduceTasksTotal: number;
  reduceTasksDone: number;
  retries: number;
  instances: number;
  stages: StageTiming[];
  totalWords: number;
  distinctWords: number;
  failure?: JobFailure;
  result?: ObjectRef;
  resultTsv?: ObjectRef;
  createdMs: number;
  handovers: number;
}

export interface RateEstimate {
  mapBytesPerSecond: number;
  reduceBytesPerSecond: number;
  jobs: number;
  updatedMs: number;
}

/** Message names of the schema, each mapped to its TypeScript shape. */
export interface Messages {
  ObjectRef: ObjectRef;
  ByteRange: ByteRange;
  JobOptions: JobOptions;
  JobRequest: JobRequest;
  SafeSizePlan: SafeSizePlan;
  JobRecord: JobRecord;
  MapTask: MapTask;
  WordBlock: WordBlock;
  MapReceipt: MapReceipt;
  Checkpoint: Checkpoint;
  MapSlice: MapSlice;
  ReduceTask: ReduceTask;
  ReduceReceipt: ReduceReceipt;
  ReduceCheckpoint: ReduceCheckpoint;
  PartitionGroup: PartitionGroup;
  ReducePlan: ReducePlan;
  JobResult: JobResult;
  JobFailure: JobFailure;
  StageTiming: StageTiming;
  JobStatus: JobStatus;
  RateEstimate: RateEstimate;
}

export type MessageName = keyof Messages;
