/** HTTP routes of the map function: POST /map (also POST / for platforms that call the root). */
import { Router } from 'express';

import { readMessage, sendMessage } from '../lib/http/body.js';
import { runMapTask, type MapContext } from './run-map-task.js';

export function mapRoutes(context: MapContext): Router {
  const router = Router();
  router.post(['/', '/map'], async (request, response) => {
    const task = readMessage(request, 'MapTask');
    response.locals.log = response.locals.log.child({
      job: task.jobId,
      chunk: task.chunk,
      attempt: task.attempt,
    });

    const receipt = await runMapTask(task, context, response.locals.arrivedMs, response.locals.log);
    sendMessage(request, response, 'MapReceipt', receipt);
  });
  return router;
}
