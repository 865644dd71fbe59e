/** HTTP routes of the reduce function: POST /reduce (also POST / for platforms that call the root). */
import { Router } from 'express';

import { readMessage, sendMessage } from '../lib/http/body.js';
import { runReduceTask, type ReduceContext } from './run-reduce-task.js';

export function reduceRoutes(context: ReduceContext): Router {
  const router = Router();
  router.post(['/', '/reduce'], async (request, response) => {
    const task = readMessage(request, 'ReduceTask');
    response.locals.log = response.locals.log.child({
      job: task.jobId,
      task: task.task,
      attempt: task.attempt,
    });

    const receipt = await runReduceTask(
      task,
      context,
      response.locals.arrivedMs,
      response.locals.log,
    );
    sendMessage(request, response, 'ReduceReceipt', receipt);
  });
  return router;
}
