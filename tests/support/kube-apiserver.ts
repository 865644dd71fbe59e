/**
 * A real Kubernetes API server for tests: etcd and kube-apiserver built by
 * scripts/ensure-tool.sh, started on 127.0.0.1 on free ports with temporary folders, with
 * RBAC authorization, a static admin token and ServiceAccount tokens signed by a fresh key.
 * No controllers or kubelet run, so objects are stored and authorized but never acted on.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

import { KubeConfig } from '@kubernetes/client-node';
import { Agent, fetch } from 'undici';

import { freePort } from '../../functions/lib/free-port.js';

const ENSURE_TOOL = fileURLToPath(new URL('../../scripts/ensure-tool.sh', import.meta.url));
export const AUDIENCE = 'https://kubernetes.default.svc.cluster.local';

export interface KubeCluster {
  url: string;
  adminToken: string;
  /** A client configuration that authenticates with `token`. */
  kubeConfig(token: string): KubeConfig;
  stop(): Promise<void>;
}

function tool(name: string): string {
  return execFileSync(ENSURE_TOOL, [name], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
}

/** Starts etcd and kube-apiserver and resolves once the API server reports ready. */
export async function startKubeApiserver(): Promise<KubeCluster> {
  const [etcd, apiserver] = [tool('etcd'), tool('kube-apiserver')];
  const dir = mkdtempSync(join(tmpdir(), 'wordcount-kube-'));
  const [clientPort, peerPort, securePort] = [await freePort(), await freePort(), await freePort()];
  const adminToken = randomBytes(16).toString('hex');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(join(dir, 'sa.key'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  writeFileSync(join(dir, 'sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  writeFileSync(join(dir, 'tokens.csv'), `${adminToken},admin,admin,system:masters\n`);

  const processes: ChildProcess[] = [];
  const logs: string[] = [];
  const start = (binary: string, args: string[]): void => {
    const child = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      logs.push(chunk);
      if (logs.length > 200) logs.shift();
    });
    processes.push(child);
  };
  const etcdUrl = `http://127.0.0.1:${clientPort}`;
  start(etcd, [
    '--name=test',
    `--data-dir=${join(dir, 'etcd')}`,
    `--listen-client-urls=${etcdUrl}`,
    `--advertise-client-urls=${etcdUrl}`,
    `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
    `--initial-cluster=test=http://127.0.0.1:${peerPort}`,
    '--log-level=warn',
  ]);
  start(apiserver, [
    `--etcd-servers=${etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${securePort}`,
    `--cert-dir=${join(dir, 'certs')}`,
    `--token-auth-file=${join(dir, 'tokens.csv')}`,
    '--authorization-mode=RBAC',
    `--service-account-issuer=${AUDIENCE}`,
    `--api-audiences=${AUDIENCE}`,
    `--service-account-key-file=${join(dir, 'sa.pub')}`,
    `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
    '--service-cluster-ip-range=10.96.0.0/24',
    '--enable-priority-and-fairness=false',
  ]);

  const stop = async (): Promise<void> => {
    for (const child of processes.reverse()) {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await Promise.race([exited, sleep(10_000, undefined, { ref: false })]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const url = `https://127.0.0.1:${securePort}`;
  const insecure = new Agent({ connect: { rejectUnauthorized: false } });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const response = await fetch(`${url}/readyz`, {
        headers: { authorization: `Bearer ${adminToken}` },
        dispatcher: insecure,
      });
      if (response.status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline || processes.some((child) => child.exitCode !== null)) {
      await stop();
      throw new Error(
        `kube-apiserver did not become ready on ${url}:\n${logs.join('').slice(-4000)}`,
      );
    }
    await sleep(500);
  }
  await insecure.close();

  return {
    url,
    adminToken,
    kubeConfig(token: string): KubeConfig {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'test', server: url, skipTLSVerify: true }],
        users: [{ name: 'test', token }],
        contexts: [{ name: 'test', cluster: 'test', user: 'test' }],
        currentContext: 'test',
      });
      return kubeConfig;
    },
    stop,
  };
}
