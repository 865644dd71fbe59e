/** The reduce stage: one task per partition group, run until every group is committed. */
import { forEachConcurrent } from '../lib/concurrency.js';
import type { ReducePlan, ReduceReceipt } from '../state/messages.js';
import { callMs } from './call-time.js';
import type { Deadline } from '../lib/deadline.js';
import { reduceTask } from './reduce-plan.js';
import { runTask } from './run-task.js';
import type { StageContext } from './stage-context.js';

/** Runs the reduce tasks whose receipts are missing and returns the receipts by task. */
export async function runReduceStage(
  context: StageContext,
  plan: ReducePlan,
  concurrency: number,
  deadline: Deadline,
): Promise<Map<number, ReduceReceipt>> {
  const { state, config, log } = context;
  const receipts = await state.reduceReceipts(plan);
  const pending = plan.groups.map((_, task) => task).filter((task) => !receipts.has(task));
  if (pending.length > 0)
    log.info({ pending: pending.length, total: plan.groups.length }, 'reduce stage: dispatching');

  await forEachConcurrent(pending, concurrency, async (task) => {
    const receipt = await runTask(
      `reduce task ${task}`,
      (attempt) =>
        context.reduce.call(
          'ReduceTask',
          reduceTask(plan, task, attempt, state.bucket),
          'ReduceReceipt',
        ),
      context.retry,
      deadline,
      callMs(config.reduceTimeoutSeconds),
      log.child({ task }),
    );
    if (receipt === undefined) return;
    if (receipt.jobId !== plan.jobId || receipt.task !== task) {
      throw new Error(
        `BUG: reduce task ${task} returned a receipt for job ${receipt.jobId} task ${receipt.task}`,
      );
    }
    receipts.set(task, receipt);
  });
  return receipts;
}
