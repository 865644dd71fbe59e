import { readDeployedFunctionsEnv } from '../../functions/coordinator/cluster-timeouts.js';
import { timeoutOf } from '../../functions/coordinator/deployed-timeouts.js';

const deployment = (env: { name: string; value: string }[]) => ({
  spec: { template: { spec: { containers: [{ name: 'map', env }] } } },
});

describe('timeoutOf', () => {
  it.each<[string, Parameters<typeof timeoutOf>[0], unknown, number | undefined]>([
    [
      'a Knative Service',
      'knative-service',
      { spec: { template: { spec: { timeoutSeconds: 120 } } } },
      120,
    ],
    [
      'a Knative Service without timeout',
      'knative-service',
      { spec: { template: { spec: {} } } },
      undefined,
    ],
    [
      'a Deployment',
      'deployment',
      deployment([{ name: 'FUNCTION_TIMEOUT_SECONDS', value: '240' }]),
      240,
    ],
    [
      'exec_timeout in seconds',
      'deployment',
      deployment([{ name: 'exec_timeout', value: '90s' }]),
      90,
    ],
    [
      'exec_timeout in minutes',
      'openfaas-function',
      { spec: { environment: { exec_timeout: '5m' } } },
      300,
    ],
    [
      'a Function',
      'openfaas-function',
      { spec: { environment: { FUNCTION_TIMEOUT_SECONDS: '45' } } },
      45,
    ],
    ['a Deployment without timeout', 'deployment', deployment([]), undefined],
    [
      'an invalid exec_timeout',
      'deployment',
      deployment([{ name: 'exec_timeout', value: 'soon' }]),
      undefined,
    ],
  ])('reads %s', (_name, kind, object, expected) => {
    expect(timeoutOf(kind, object)).toBe(expected);
  });
});

describe('readDeployedFunctionsEnv', () => {
  it('is off by default', () => {
    expect(readDeployedFunctionsEnv({})).toBeUndefined();
  });

  it('reads the objects when on', () => {
    expect(
      readDeployedFunctionsEnv({
        KUBERNETES_TIMEOUTS: 'true',
        KUBERNETES_TIMEOUTS_KIND: 'deployment',
        KUBERNETES_NAMESPACE: 'wc',
        KUBERNETES_MAP_NAME: 'demo-wordcount-map',
        KUBERNETES_REDUCE_NAME: 'demo-wordcount-reduce',
      }),
    ).toEqual({
      kind: 'deployment',
      namespace: 'wc',
      mapName: 'demo-wordcount-map',
      reduceName: 'demo-wordcount-reduce',
    });
  });

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'an invalid switch',
      { KUBERNETES_TIMEOUTS: 'yes' },
      /invalid KUBERNETES_TIMEOUTS="yes": expected true or false/,
    ],
    [
      'an unknown kind',
      { KUBERNETES_TIMEOUTS: 'true', KUBERNETES_TIMEOUTS_KIND: 'pod' },
      /invalid KUBERNETES_TIMEOUTS_KIND="pod"/,
    ],
    [
      'a missing name',
      {
        KUBERNETES_TIMEOUTS: 'true',
        KUBERNETES_TIMEOUTS_KIND: 'deployment',
        KUBERNETES_NAMESPACE: 'wc',
      },
      /missing environment variable KUBERNETES_MAP_NAME/,
    ],
  ])('rejects %s', (_name, env, message) => {
    expect(() => readDeployedFunctionsEnv(env)).toThrow(message);
  });
});
