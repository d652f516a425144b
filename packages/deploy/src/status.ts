import { JltError, type RunContext } from '@jlt/core';
import { inspectCluster, toolMessage, type NodeFact, type ReleaseFact } from './cluster.js';
import { jvbSelector } from './jitsi-values.js';
import { resourceNames } from './names.js';
import type { DeployOptions } from './options.js';
import { processToolRunner, type ToolRunner } from './tool-runner.js';

export interface BridgeStatus {
  pod: string;
  node?: string;
  /** The node's address JVB advertises (useNodeIP: the node's InternalIP) and, if any, its ExternalIP. */
  nodeIP?: string;
  externalIP?: string;
  podIP?: string;
  phase: string;
  ready: boolean;
}

export interface DeployStatus {
  release: string;
  namespace: string;
  /** null when the release is not installed. */
  helm: ReleaseFact | null;
  /** From the release's values: octo.enabled decides; unknown when not installed. */
  state: 'single' | 'octo' | 'not installed';
  replicaCount?: number;
  bridges: BridgeStatus[];
  agents?: { active: number; succeeded: number; failed: number; completions: number };
}

interface KubePod {
  metadata?: { name?: string };
  spec?: { nodeName?: string };
  status?: { phase?: string; podIP?: string; hostIP?: string; conditions?: { type?: string; status?: string }[] };
}

/**
 * `jlt deploy status`: the release and its state (single or octo, from the values helm holds),
 * every bridge with its node, the addresses it advertises, and readiness; the agent Job if any.
 */
export async function deployStatus(options: DeployOptions, ctx: RunContext, deps: { runner?: ToolRunner } = {}): Promise<DeployStatus> {
  const runner = deps.runner ?? processToolRunner(ctx.env);
  const facts = await inspectCluster(runner, { releases: [{ release: options.release, namespace: options.namespace }], ansible: false, ownRelease: options.release }, ctx.signal);
  for (const tool of ['kubectl', 'helm'] as const) {
    if (!facts.tools[tool].found) throw new JltError('PREFLIGHT_FAILED', `status needs ${tool}, which is not on PATH`);
  }
  if (facts.context === undefined || facts.nodes === undefined) throw new JltError('TARGET_UNREACHABLE', `cannot reach the cluster: ${facts.unreachable ?? 'no kube context'}`);
  const run = (argv: string[]) => runner.run({ argv }, { signal: ctx.signal });
  const helm = facts.releases[options.release] ?? null;
  const status: DeployStatus = { release: options.release, namespace: options.namespace, helm, state: 'not installed', bridges: [] };
  if (helm) {
    const values = await run(['helm', 'get', 'values', options.release, '--namespace', options.namespace, '--output', 'json']);
    if (values.exitCode !== 0) throw new JltError('DEPLOY_STEP_FAILED', `helm get values failed: ${toolMessage(values)}`);
    const parsed = JSON.parse(values.stdout || '{}') as { octo?: { enabled?: boolean }; jvb?: { replicaCount?: number } };
    status.state = parsed.octo?.enabled === true ? 'octo' : 'single';
    if (parsed.jvb?.replicaCount !== undefined) status.replicaCount = parsed.jvb.replicaCount;
  }
  const selector = Object.entries(jvbSelector(options.release))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await run(['kubectl', 'get', 'pods', '--namespace', options.namespace, '--selector', selector, '--output', 'json']);
  if (pods.exitCode !== 0) throw new JltError('DEPLOY_STEP_FAILED', `kubectl get pods failed: ${toolMessage(pods)}`);
  const nodes = new Map<string, NodeFact>(facts.nodes.map((n) => [n.name, n]));
  for (const pod of (JSON.parse(pods.stdout) as { items?: KubePod[] }).items ?? []) {
    const node = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
    const nodeIP = node?.internalIP ?? pod.status?.hostIP;
    status.bridges.push({
      pod: pod.metadata?.name ?? '?',
      ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
      ...(nodeIP ? { nodeIP } : {}),
      ...(node?.externalIP ? { externalIP: node.externalIP } : {}),
      ...(pod.status?.podIP ? { podIP: pod.status.podIP } : {}),
      phase: pod.status?.phase ?? 'Unknown',
      ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    });
  }
  const agentNamespace = options.k8sAgents?.namespace ?? 'jlt';
  const job = await run(['kubectl', 'get', 'job', resourceNames(options).agentJob, '--namespace', agentNamespace, '--ignore-not-found', '--output', 'json']);
  if (job.exitCode === 0 && job.stdout.trim() !== '') {
    const parsed = JSON.parse(job.stdout) as { spec?: { completions?: number }; status?: { active?: number; succeeded?: number; failed?: number } };
    status.agents = {
      active: parsed.status?.active ?? 0,
      succeeded: parsed.status?.succeeded ?? 0,
      failed: parsed.status?.failed ?? 0,
      completions: parsed.spec?.completions ?? 0,
    };
  }
  return status;
}

export function formatStatus(status: DeployStatus): string {
  const lines: string[] = [];
  if (!status.helm) {
    lines.push(`release ${status.release} is not installed in namespace ${status.namespace}`);
  } else {
    const ready = status.bridges.filter((b) => b.ready).length;
    const state = status.state === 'octo' ? `octo state (octo.enabled, jvb.replicaCount ${status.replicaCount ?? 1})` : 'single state (no octo)';
    lines.push(`release ${status.release} (jitsi/jitsi-meet ${status.helm.chartVersion}, ${status.helm.status}) in namespace ${status.namespace}: ${state}`);
    lines.push(`bridges: ${status.bridges.length}, ready ${ready}`);
  }
  if (status.bridges.length > 0) {
    const rows = status.bridges.map((b) => [b.pod, b.node ?? '-', b.nodeIP ?? '-', b.externalIP ?? '-', b.podIP ?? '-', b.ready ? 'yes' : `no (${b.phase})`]);
    const header = ['bridge', 'node', 'node IP', 'external IP', 'pod IP', 'ready'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    for (const row of [header, ...rows]) lines.push(`  ${row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()}`);
  }
  if (status.agents) {
    const a = status.agents;
    lines.push(`agents (Job): ${a.active} running, ${a.succeeded} done, ${a.failed} failed of ${a.completions}`);
  }
  return `${lines.join('\n')}\n`;
}
