/**
 * Entry point of the image role `openfaas-deploy`: deploys the functions listed in
 * OPENFAAS_FUNCTIONS through the OpenFaaS gateway at OPENFAAS_URL, with the basic-auth
 * credentials in OPENFAAS_USERNAME and OPENFAAS_PASSWORD. The Helm chart runs it as a
 * post-install and post-upgrade Job on the OpenFaaS Community Edition. Exits 0 when every
 * function is deployed, 1 otherwise.
 */
import { readString } from '../lib/env.js';
import { createLogger } from '../lib/log.js';
import { parseFunctionDeployments } from './function-deployment.js';
import { GatewayClient } from './gateway-client.js';

const logger = createLogger('openfaas-deploy');

try {
  const deployments = parseFunctionDeployments(readString(process.env, 'OPENFAAS_FUNCTIONS'));
  const gateway = new GatewayClient({
    url: readString(process.env, 'OPENFAAS_URL'),
    username: readString(process.env, 'OPENFAAS_USERNAME'),
    password: readString(process.env, 'OPENFAAS_PASSWORD'),
    logger,
  });
  for (const deployment of deployments) {
    const action = await gateway.deploy(deployment);
    logger.info(
      { function: deployment.service, namespace: deployment.namespace, action },
      `function ${deployment.service} ${action}`,
    );
  }
} catch (error) {
  logger.fatal({ err: error }, `deploying to OpenFaaS failed: ${(error as Error).message}`);
  process.exitCode = 1;
}
