/** The reduce stage: one task per partition group, run until every group is committed. */
import { TaskFailedError } from '../lib/errors.js';
import { forEachConcurrent } from '../lib/concurrency.js';
import type { Deadline } from '../lib/deadline.js';
import { reduceCheckpointPosition } from '../state/keys.js';
import type { ObjectRef, ReducePlan, ReduceReceipt } from '../state/messages.js';
import { callMs } from './call-time.js';
import { reduceTask } from './reduce-plan.js';
import { runTask } from './run-task.js';
import type { StageContext } from './stage-context.js';

/**
 * Runs the reduce tasks whose receipts are missing, each from its furthest checkpoint if an
 * earlier invocation handed over. Returns the receipts by task; fewer than the groups means
 * the request's time ran out first.
 */
export async function runReduceStage(
  context: StageContext,
  plan: ReducePlan,
  concurrency: number,
  deadline: Deadline,
): Promise<Map<number, ReduceReceipt>> {
  const { state, log } = context;
  const receipts = await state.reduceReceipts(plan);
  const pending = plan.groups.map((_, task) => task).filter((task) => !receipts.has(task));
  if (pending.length === 0) return receipts;

  log.info({ pending: pending.length, total: plan.groups.length }, 'reduce stage: dispatching');
  const checkpoints = await state.latestReduceCheckpoints(plan.jobId);
  await forEachConcurrent(pending, concurrency, async (task) => {
    const receipt = await runGroup(context, plan, task, checkpoints.get(task), deadline);
    if (receipt !== undefined) receipts.set(task, receipt);
  });
  return receipts;
}

/**
 * Calls the reduce function for one group until an invocation commits it. An invocation that
 * stops before its deadline returns a continuation, and the next one starts from its checkpoint.
 */
async function runGroup(
  context: StageContext,
  plan: ReducePlan,
  task: number,
  checkpoint: ObjectRef | undefined,
  deadline: Deadline,
): Promise<ReduceReceipt | undefined> {
  const { state, config } = context;
  const log = context.log.child({ task });
  const name = `reduce task ${task}`;
  const inputCount = reduceTask(plan, task, 1, state.bucket).inputs.length;
  // A stored checkpoint's key names its next input, which the next continuation must pass.
  let reached =
    checkpoint === undefined ? 0 : (reduceCheckpointPosition(checkpoint.key)?.nextInput ?? 0);
  if (checkpoint !== undefined) {
    log.info(
      { next: reached, inputs: inputCount, checkpoint: checkpoint.key },
      'reduce task resumes from its furthest stored checkpoint',
    );
  }

  for (;;) {
    const from = checkpoint;
    const receipt = await runTask(
      name,
      (attempt) =>
        context.reduce.call(
          'ReduceTask',
          reduceTask(plan, task, attempt, state.bucket, from),
          'ReduceReceipt',
        ),
      context.retry,
      deadline,
      callMs(config.reduceTimeoutSeconds),
      log,
    );
    if (receipt === undefined) return undefined;
    if (receipt.jobId !== plan.jobId || receipt.task !== task) {
      throw new Error(
        `BUG: ${name} returned a receipt for job ${receipt.jobId} task ${receipt.task}`,
      );
    }
    if (receipt.complete) return receipt;

    if (
      receipt.checkpoint === undefined ||
      !(reached < receipt.nextInput && receipt.nextInput < inputCount)
    ) {
      throw new TaskFailedError(
        name,
        receipt.attempt,
        `a continuation must move forward inside its ${inputCount} inputs with a checkpoint, ` +
          `but it reached input ${receipt.nextInput} from ${reached}`,
      );
    }
    reached = receipt.nextInput;
    checkpoint = receipt.checkpoint;
    log.info(
      {
        next: reached,
        inputs: inputCount,
        handovers: receipt.handovers,
        seconds: receipt.durationSeconds,
      },
      'reduce task handed over; continuing from its checkpoint',
    );
  }
}
