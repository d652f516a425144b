import type { ToolResult, ToolRunner } from './tool-runner.js';
import { jvbSelector } from './jitsi-values.js';

/** A tool on this machine: found or not, and the version it reports. */
export interface ToolFact {
  found: boolean;
  version?: string;
}

export interface NodeFact {
  name: string;
  ready: boolean;
  /** Ready and without a NoSchedule/NoExecute taint (kubeadm taints the control plane). */
  schedulable: boolean;
  internalIP?: string;
  externalIP?: string;
}

export interface ReleaseFact {
  status: string;
  chartVersion: string;
}

/** A container port bound on its node by a pod (hostPort or hostNetwork). */
export interface HostPortUse {
  pod: string;
  namespace: string;
  node?: string;
  port: number;
  protocol: string;
}

/** What read-only queries found; a field is undefined when its query could not be made. */
export interface ClusterFacts {
  tools: Record<'kubectl' | 'helm' | 'ansible-runner' | 'ansible-playbook', ToolFact>;
  context?: string;
  /** The tool's own message when the cluster could not be reached. */
  unreachable?: string;
  nodes?: NodeFact[];
  /** Release name → its state, null when not installed. */
  releases: Record<string, ReleaseFact | null | undefined>;
  hostPorts?: HostPortUse[];
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

/** The tool's own message for a failed run: its stderr, else stdout, trimmed. */
export function toolMessage(result: ToolResult): string {
  return (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`).split('\n').slice(0, 6).join('\n');
}

interface KubeList<T> {
  items?: T[];
}
interface KubeNode {
  metadata?: { name?: string };
  spec?: { unschedulable?: boolean; taints?: { effect?: string }[] };
  status?: { conditions?: { type?: string; status?: string }[]; addresses?: { type?: string; address?: string }[] };
}
interface KubePod {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { nodeName?: string; hostNetwork?: boolean; containers?: { ports?: { containerPort?: number; hostPort?: number; protocol?: string }[] }[] };
  status?: { phase?: string };
}

function parseJson<T>(text: string): T | undefined {
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

export function parseNodes(json: string): NodeFact[] | undefined {
  const list = parseJson<KubeList<KubeNode>>(json);
  if (!list?.items) return undefined;
  return list.items.map((n) => {
    const ready = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    const tainted = n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute') ?? false;
    const address = (type: string) => n.status?.addresses?.find((a) => a.type === type)?.address;
    const internalIP = address('InternalIP');
    const externalIP = address('ExternalIP');
    return {
      name: n.metadata?.name ?? '?',
      ready,
      schedulable: ready && !tainted && n.spec?.unschedulable !== true,
      ...(internalIP ? { internalIP } : {}),
      ...(externalIP ? { externalIP } : {}),
    };
  });
}

/** Ports running pods bind on their nodes, except the given release's own bridges. */
export function parseHostPorts(json: string, ownRelease: string): HostPortUse[] | undefined {
  const list = parseJson<KubeList<KubePod>>(json);
  if (!list?.items) return undefined;
  const own = jvbSelector(ownRelease);
  const out: HostPortUse[] = [];
  for (const pod of list.items) {
    const labels = pod.metadata?.labels ?? {};
    if (Object.entries(own).every(([k, v]) => labels[k] === v)) continue;
    if (pod.status?.phase !== 'Running' && pod.status?.phase !== 'Pending') continue;
    for (const c of pod.spec?.containers ?? []) {
      for (const p of c.ports ?? []) {
        const port = pod.spec?.hostNetwork ? p.containerPort : p.hostPort;
        if (port === undefined) continue;
        out.push({
          pod: pod.metadata?.name ?? '?',
          namespace: pod.metadata?.namespace ?? '?',
          ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
          port,
          protocol: p.protocol ?? 'TCP',
        });
      }
    }
  }
  return out;
}

const VERSION_ARGS: Record<keyof ClusterFacts['tools'], string[]> = {
  kubectl: ['kubectl', 'version', '--client', '--output', 'json'],
  helm: ['helm', 'version', '--short'],
  'ansible-runner': ['ansible-runner', '--version'],
  'ansible-playbook': ['ansible-playbook', '--version'],
};

function versionOf(tool: keyof ClusterFacts['tools'], result: ToolResult): string {
  if (tool === 'kubectl') return parseJson<{ clientVersion?: { gitVersion?: string } }>(result.stdout)?.clientVersion?.gitVersion ?? firstLine(result.stdout);
  if (tool === 'ansible-playbook') return /\[core ([^\]]+)\]/.exec(result.stdout)?.[1] ?? firstLine(result.stdout);
  return firstLine(result.stdout);
}

/**
 * Reads what preflight and status need, changing nothing: tool versions, the kube context, nodes,
 * whether the releases exist, and the host ports in use. Cluster queries are made only when
 * kubectl (and for releases helm) is present and a context is set.
 */
export async function inspectCluster(
  runner: ToolRunner,
  wanted: { releases: { release: string; namespace: string }[]; ansible: boolean; ownRelease: string },
  signal: AbortSignal,
): Promise<ClusterFacts> {
  const run = (argv: string[]) => runner.run({ argv }, { signal });
  const tools = {} as ClusterFacts['tools'];
  const toolNames: (keyof ClusterFacts['tools'])[] = ['kubectl', 'helm', ...(wanted.ansible ? (['ansible-runner', 'ansible-playbook'] as const) : [])];
  for (const tool of ['kubectl', 'helm', 'ansible-runner', 'ansible-playbook'] as const) tools[tool] = { found: false };
  for (const tool of toolNames) {
    const result = await run(VERSION_ARGS[tool]);
    tools[tool] = result.exitCode === 127 ? { found: false } : { found: true, version: versionOf(tool, result) };
  }
  const facts: ClusterFacts = { tools, releases: {} };
  if (!tools.kubectl.found) return facts;
  const context = await run(['kubectl', 'config', 'current-context']);
  if (context.exitCode !== 0) {
    facts.unreachable = toolMessage(context);
    return facts;
  }
  facts.context = context.stdout.trim();
  const nodes = await run(['kubectl', 'get', 'nodes', '--output', 'json']);
  if (nodes.exitCode !== 0) {
    facts.unreachable = toolMessage(nodes);
    return facts;
  }
  facts.nodes = parseNodes(nodes.stdout);
  const pods = await run(['kubectl', 'get', 'pods', '--all-namespaces', '--output', 'json']);
  if (pods.exitCode === 0) facts.hostPorts = parseHostPorts(pods.stdout, wanted.ownRelease);
  if (tools.helm.found) {
    for (const { release, namespace } of wanted.releases) facts.releases[release] = await releaseFact(runner, release, namespace, signal);
  }
  return facts;
}

/** `helm status`: the release's state, null when it does not exist, undefined when helm failed otherwise. */
export async function releaseFact(runner: ToolRunner, release: string, namespace: string, signal: AbortSignal): Promise<ReleaseFact | null | undefined> {
  const result = await runner.run({ argv: ['helm', 'status', release, '--namespace', namespace, '--output', 'json'] }, { signal });
  if (result.exitCode !== 0) return /not found/i.test(result.stderr) ? null : undefined;
  const status = parseJson<{ info?: { status?: string }; chart?: { metadata?: { version?: string } } }>(result.stdout);
  return { status: status?.info?.status ?? 'unknown', chartVersion: status?.chart?.metadata?.version ?? 'unknown' };
}
