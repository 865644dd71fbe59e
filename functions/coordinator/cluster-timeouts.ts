/**
 * Replaces the coordinator's map and reduce timeouts with those of the deployed functions
 * when KUBERNETES_TIMEOUTS=true, which the Helm chart sets together with the objects' kind,
 * namespace and names. When the API cannot be read, the coordinator keeps the timeouts from
 * its environment and logs a warning. SafeSize then uses the smallest of the map timeout
 * and PATH_TIMEOUT_SECONDS (see planner.ts).
 */
import type { KubeConfig } from '@kubernetes/client-node';

import { readString, type Env } from '../lib/env.js';
import { UsageError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import { COORDINATOR_RESERVE_SECONDS, type CoordinatorConfig } from './config.js';
import {
  FUNCTION_OBJECT_KINDS,
  readDeployedTimeouts,
  type DeployedFunctions,
  type FunctionObjectKind,
} from './deployed-timeouts.js';

/**
 * Reads KUBERNETES_TIMEOUTS_KIND, KUBERNETES_NAMESPACE, KUBERNETES_MAP_NAME and
 * KUBERNETES_REDUCE_NAME when KUBERNETES_TIMEOUTS is "true"; returns undefined otherwise.
 *
 * @throws UsageError naming a missing or invalid variable.
 */
export function readDeployedFunctionsEnv(env: Env): DeployedFunctions | undefined {
  const enabled = env.KUBERNETES_TIMEOUTS ?? 'false';
  if (enabled !== 'true' && enabled !== 'false') {
    throw new UsageError(
      `invalid KUBERNETES_TIMEOUTS=${JSON.stringify(enabled)}: expected true or false`,
    );
  }
  if (enabled === 'false') return undefined;

  const kind = readString(env, 'KUBERNETES_TIMEOUTS_KIND') as FunctionObjectKind;
  if (!FUNCTION_OBJECT_KINDS.includes(kind)) {
    throw new UsageError(
      `invalid KUBERNETES_TIMEOUTS_KIND=${JSON.stringify(kind)}: expected one of ${FUNCTION_OBJECT_KINDS.join(', ')}`,
    );
  }
  return {
    kind,
    namespace: readString(env, 'KUBERNETES_NAMESPACE'),
    mapName: readString(env, 'KUBERNETES_MAP_NAME'),
    reduceName: readString(env, 'KUBERNETES_REDUCE_NAME'),
  };
}

/** Loads the in-cluster configuration (or $KUBECONFIG when it is set). */
async function defaultKubeConfig(): Promise<KubeConfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}

/**
 * Returns `config` with the deployed map and reduce timeouts, or `config` unchanged when
 * KUBERNETES_TIMEOUTS is off or the API cannot be read (with a warning in the log).
 *
 * @throws UsageError when the deployed timeouts leave the coordinator's own timeout no room
 *   for a map or reduce call.
 */
export async function applyDeployedTimeouts(
  config: CoordinatorConfig,
  env: Env,
  logger: Logger,
  loadKubeConfig: () => Promise<KubeConfig> = defaultKubeConfig,
): Promise<CoordinatorConfig> {
  const functions = readDeployedFunctionsEnv(env);
  if (functions === undefined) return config;

  let deployed;
  try {
    deployed = await readDeployedTimeouts(await loadKubeConfig(), functions);
  } catch (error) {
    logger.warn(
      {
        err: error,
        functions,
        mapTimeoutSeconds: config.mapTimeoutSeconds,
        reduceTimeoutSeconds: config.reduceTimeoutSeconds,
      },
      'cannot read the deployed function timeouts through the Kubernetes API; ' +
        'using MAP_TIMEOUT_SECONDS and REDUCE_TIMEOUT_SECONDS',
    );
    return config;
  }

  const longestCall = Math.max(deployed.mapTimeoutSeconds, deployed.reduceTimeoutSeconds);
  if (config.timeoutSeconds < longestCall + COORDINATOR_RESERVE_SECONDS * 2) {
    throw new UsageError(
      `the deployed ${functions.kind} ${functions.namespace}/${functions.mapName} or ` +
        `${functions.reduceName} has a timeout of ${longestCall} s, which leaves no room in the ` +
        `coordinator's FUNCTION_TIMEOUT_SECONDS=${config.timeoutSeconds}; set it to at least ` +
        `${longestCall + COORDINATOR_RESERVE_SECONDS * 2} or lower the function timeouts`,
    );
  }
  logger.info({ functions, ...deployed }, 'read the deployed function timeouts');
  return { ...config, ...deployed };
}
