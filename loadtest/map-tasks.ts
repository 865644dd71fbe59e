/**
 * Map tasks for the load: each is chunk `i` of a job over the stored chunk copies, so every
 * task counts the same bytes. A map task whose receipt exists returns it without counting,
 * so no task is sent twice: a new job is submitted (with ?wait=false, which only plans it)
 * whenever the tasks of the current ones run out.
 */
import { PROTOBUF } from '../functions/lib/http/body.js';
import { keys } from '../functions/state/keys.js';
import type { JobStatus, MapTask, ObjectRef } from '../functions/state/messages.js';
import { check } from './checks.js';
import type { HttpClient } from './http.js';
import type { Recorder, Tags } from './metrics.js';
import type { LoadTestOptions } from './options.js';
import type { Target } from './target.js';
import type { Workload } from './workload.js';

interface PlannedJob {
  jobId: string;
  input: ObjectRef;
  nextChunk: number;
}

export class MapTaskSource {
  private readonly jobs: PlannedJob[] = [];
  private submitting: Promise<boolean> | undefined;
  private submitted = 0;

  constructor(
    private readonly name: string,
    private readonly http: HttpClient,
    private readonly recorder: Recorder,
    private readonly target: Target,
    private readonly workload: Workload,
    private readonly options: LoadTestOptions,
  ) {}

  /** Submits jobs until `tasks` unsent tasks are ready, so that a burst sends only map calls. */
  async prepare(tasks: number, tags: Tags): Promise<void> {
    while (this.unsent() < tasks) {
      if (!(await this.submitJob(tags))) return;
    }
  }

  /** Returns the next unsent task, or undefined when no job could be submitted. */
  async next(tags: Tags): Promise<MapTask | undefined> {
    for (;;) {
      const job = this.jobs.find((candidate) => candidate.nextChunk < this.workload.copies.copies);
      if (job !== undefined) return this.task(job, job.nextChunk++);
      this.submitting ??= this.submitJob(tags).finally(() => {
        this.submitting = undefined;
      });
      if (!(await this.submitting)) return undefined;
    }
  }

  private unsent(): number {
    const copies = this.workload.copies.copies;
    return this.jobs.reduce((sum, job) => sum + copies - job.nextChunk, 0);
  }

  private async submitJob(tags: Tags): Promise<boolean> {
    const { workload, options } = this;
    const jobId = `${workload.runId}-${this.name}-${this.submitted++}`;
    const response = await this.http.send('POST', this.target.coordinator, '/jobs?wait=false', {
      body: JSON.stringify({
        jobId,
        input: { bucket: this.target.bucket, key: workload.copies.key },
        options: { safeSize: workload.chunk.bytes, partitions: options.workload.partitions },
      }),
      headers: { 'content-type': 'application/json' },
      timeoutSeconds: options.timeouts.submit,
      tags: { ...tags, function: 'coordinator', name: 'POST /jobs?wait=false' },
    });
    const status =
      response.status === 202 ? (JSON.parse(response.body.toString()) as JobStatus) : undefined;
    const planned = status?.input !== undefined && status.rangesTotal === workload.copies.copies;
    check(this.recorder, 'map job planned one range per chunk copy', planned, tags);
    if (!planned || status?.input === undefined) return false;

    this.jobs.push({ jobId, input: status.input, nextChunk: 0 });
    return true;
  }

  private task(job: PlannedJob, chunk: number): MapTask {
    const { bucket } = this.target;
    const bytes = this.workload.chunk.bytes;
    return {
      jobId: job.jobId,
      chunk,
      attempt: 1,
      input: job.input,
      range: { start: chunk * bytes, end: (chunk + 1) * bytes },
      partitions: this.options.workload.partitions,
      output: { bucket, key: keys.mapOutput(job.jobId, chunk), etag: '', size: 0 },
      receipt: { bucket, key: keys.mapReceipt(job.jobId, chunk), etag: '', size: 0 },
      checkpoint: undefined,
    };
  }
}

export const MAP_HEADERS = { 'content-type': PROTOBUF, accept: PROTOBUF };
