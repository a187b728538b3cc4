import { join } from 'node:path';
import { RuntimeError } from '../../core/errors.js';
import { waitFor } from '../../core/wait.js';
import {
  ADMIN_KUBECONFIG,
  DEFERRED_INIT_PHASE,
  KUBEADM_CONFIG_PATH,
  renderInitConfig,
  renderJoinConfig,
} from '../../provision/kubeadm.js';
import { rewriteKubeconfigServer } from '../../provision/kubeconfig.js';
import { markDnsAddonEnabled } from '../kubeadm-config-dns.js';
import { redactSecrets } from '../../provision/redact.js';
import {
  NodeCommandError,
  type NodeRunner,
  run,
  writeNodeFile,
} from '../../runtime/node-runner.js';
import { type Action, onNode } from '../action.js';
import type { LabContext } from '../lab-context.js';
import { runnerFor } from '../node-access.js';
import { type LabState, writePrivateFile } from '../lab-state.js';
import { caCertHash, newBootstrapToken, newCertificateKey } from '../secrets.js';
import {
  API_PORT,
  type NodeSpec,
  PRELOADED_MARKER,
  masters,
  workers,
} from '../../core/topology.js';
import { needsCgroupV1Override, resolveKubernetesVersion } from '../versions.js';
import { endBootstrap, waitForMaster0Vip } from './keepalived-action.js';

export function kubeconfigPath(stateDir: string): string {
  return join(stateDir, 'kubeconfig');
}

/**
 * Checks kubeadm cannot pass inside a container, each skipped for a reason:
 * SystemVerification reads the host kernel and refuses cgroup v1 from 1.35 on (kubelet is
 * told failCgroupV1: false); Swap: the host's swap is visible but kubelet runs failSwapOn: false;
 * the bridge sysctl is per-host and owned by the engine.
 */
export function ignoredPreflight(ctx: {
  state: Pick<LabState, 'kubernetesVersion' | 'cgroupV1' | 'inventory'>;
}): string[] {
  const checks = [
    'Swap',
    'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables',
    'NumCPU',
    'Mem',
  ];
  const version = resolveKubernetesVersion(ctx.state.kubernetesVersion);
  // An inventory host without a readable kernel config: SystemVerification would fail on it.
  if (
    ctx.state.cgroupV1 ||
    needsCgroupV1Override(version, ctx.state.cgroupV1) ||
    ctx.state.inventory?.kernelConfigMissing
  )
    checks.push('SystemVerification');
  return checks;
}

async function kubeadmLog(
  ctx: Pick<LabContext, 'stateDir'>,
  node: string,
  what: string,
  output: string,
): Promise<void> {
  await writePrivateFile(
    join(ctx.stateDir, 'logs', `kubeadm-${what}-${node}.log`),
    redactSecrets(output),
  );
}

/**
 * kubeadm with its output kept (redacted) for the log bundle. A failure names the command by
 * its words before the first flag ("kubeadm join", "kubeadm init phase addon coredns").
 */
export async function kubeadm(
  ctx: Pick<LabContext, 'stateDir' | 'signal'>,
  runner: NodeRunner,
  what: string,
  args: string[],
  timeoutMs: number,
): Promise<string> {
  const result = await runner.exec(['kubeadm', ...args], { timeoutMs, signal: ctx.signal });
  await kubeadmLog(ctx, runner.node, what, `${result.stdout}\n${result.stderr}`);
  if (result.exitCode !== 0) {
    const firstFlag = args.findIndex((a) => a.startsWith('-'));
    const words = firstFlag === -1 ? args : args.slice(0, firstFlag);
    throw new NodeCommandError(runner.node, ['kubeadm', ...words], result);
  }
  return result.stdout;
}

/** `kubeadm init` or `join`, which configure this node's kubelet. */
async function kubeadmConfiguringKubelet(
  ctx: LabContext,
  runner: NodeRunner,
  what: string,
  args: string[],
): Promise<void> {
  await kubeadm(ctx, runner, what, args, 300_000);
  // kubelet is not enabled in the image (it would crash-loop on idle nodes until kubeadm
  // configures it); once configured it must come back with the node after a restart.
  await run(runner, ['systemctl', 'enable', '--quiet', 'kubelet']);
}

async function waitForPreload(ctx: LabContext, runner: NodeRunner): Promise<void> {
  await waitFor(
    async () =>
      (await runner.exec(['test', '-e', PRELOADED_MARKER])).exitCode === 0 ? true : undefined,
    {
      what: `${runner.node} to import its preloaded images`,
      timeoutMs: 180_000,
      intervalMs: 500,
      signal: ctx.signal,
    },
  );
}

export const kubeadmInitAction: Action<LabContext> = {
  name: 'kubeadm-init',
  async run(ctx) {
    const first = masters(ctx.topology)[0];
    if (!first) throw new Error('no master-0');
    const runner = runnerFor(ctx.runners, first.name);
    const bootstrapToken = newBootstrapToken();
    const certificateKey = newCertificateKey();
    await waitForMaster0Vip(ctx);
    await onNode(first.name, async () => {
      await waitForPreload(ctx, runner);
      const config = renderInitConfig({
        topology: ctx.topology,
        node: first,
        kubernetesVersion: ctx.state.kubernetesVersion,
        bootstrapToken,
        certificateKey,
        cgroupV1: ctx.state.cgroupV1,
        ignorePreflightErrors: ignoredPreflight(ctx),
      });
      await writeNodeFile(runner, KUBEADM_CONFIG_PATH, config, 0o600);
      await kubeadmConfiguringKubelet(ctx, runner, 'init', [
        'init',
        '--config',
        KUBEADM_CONFIG_PATH,
        '--upload-certs',
      ]);
      const caPem = await run(runner, ['cat', '/etc/kubernetes/pki/ca.crt']);
      await ctx.saveState({ bootstrapToken, certificateKey, caCertHash: caCertHash(caPem) });
      await saveKubeconfig(ctx, runner);
      await waitForApiThroughVip(ctx, runner);
      await endBootstrap(ctx);
    });
  },
};

async function saveKubeconfig(ctx: LabContext, runner: NodeRunner): Promise<void> {
  const admin = await run(runner, ['cat', ADMIN_KUBECONFIG]);
  const server = `https://${ctx.topology.vip}:${API_PORT}`;
  await writePrivateFile(kubeconfigPath(ctx.stateDir), rewriteKubeconfigServer(admin, server));
}

async function waitForApiThroughVip(ctx: LabContext, runner: NodeRunner): Promise<void> {
  await waitFor(
    async () => {
      const r = await runner.exec([
        'curl',
        '--fail',
        '--silent',
        '--max-time',
        '2',
        '-k',
        `https://${ctx.topology.vip}:${API_PORT}/readyz`,
      ]);
      return r.exitCode === 0 ? true : undefined;
    },
    {
      what: 'the API server to answer through the VIP',
      timeoutMs: 120_000,
      intervalMs: 500,
      signal: ctx.signal,
    },
  );
}

function joinInputs(ctx: LabContext) {
  const { bootstrapToken, certificateKey, caCertHash: hash } = ctx.state;
  if (!bootstrapToken || !certificateKey || !hash) {
    throw new RuntimeError(
      'join-secrets-missing',
      'kubeadm init did not record its join token and CA hash',
    );
  }
  return { bootstrapToken, certificateKey, caCertHashes: [hash] };
}

async function joinNode(ctx: LabContext, node: NodeSpec): Promise<void> {
  const runner = runnerFor(ctx.runners, node.name);
  await onNode(node.name, async () => {
    await waitForPreload(ctx, runner);
    const secrets = joinInputs(ctx);
    const config = renderJoinConfig({
      topology: ctx.topology,
      node,
      bootstrapToken: secrets.bootstrapToken,
      caCertHashes: secrets.caCertHashes,
      ...(node.role === 'master' ? { certificateKey: secrets.certificateKey } : {}),
      ignorePreflightErrors: ignoredPreflight(ctx),
    });
    await writeNodeFile(runner, KUBEADM_CONFIG_PATH, config, 0o600);
    await kubeadmConfiguringKubelet(ctx, runner, 'join', ['join', '--config', KUBEADM_CONFIG_PATH]);
  });
}

/**
 * Control planes one at a time (concurrent control-plane joins are known to break); the
 * workers meanwhile, together: they only create their own Node and CSR objects through the
 * VIP. CoreDNS, left out of `kubeadm init`, is deployed once master-1 has joined, so its two
 * replicas are scheduled over more than master-0 (a dead master-0 must not take DNS with it)
 * and become ready while master-2 joins. Every join runs to its end before a failure is
 * reported, so no kubeadm is left running behind the error.
 */
export const joinAction: Action<LabContext> = {
  name: 'join',
  async run(ctx) {
    const controlPlanes = (async () => {
      for (const [i, master] of masters(ctx.topology).slice(1).entries()) {
        await joinNode(ctx, master);
        if (i === 0) await deployCoreDns(ctx);
      }
    })();
    const results = await Promise.allSettled([
      controlPlanes,
      ...workers(ctx.topology).map((w) => joinNode(ctx, w)),
    ]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  },
};

/** kubeadm's own CoreDNS addon phase, from the init config kept on master-0. */
async function deployCoreDns(ctx: LabContext): Promise<void> {
  const first = masters(ctx.topology)[0];
  if (!first) throw new Error('no master-0');
  const runner = runnerFor(ctx.runners, first.name);
  const phase = DEFERRED_INIT_PHASE.split('/');
  await onNode(first.name, () =>
    kubeadm(
      ctx,
      runner,
      'addon-coredns',
      ['init', 'phase', ...phase, '--config', KUBEADM_CONFIG_PATH],
      60_000,
    ),
  );
  await onNode(first.name, () => markDnsAddonEnabled(runner));
}
