import { isIP } from 'node:net';
import { JltError, type Logger, type Target } from '@jlt/core';
import { z } from 'zod';
import type { BridgeEndpoint } from './collector.js';
import type { CommandRunner } from './command-runner.js';
import { kubectlMessage, kubectlStartError, startPortForward, type PortForward } from './port-forward.js';

/** JVB's private REST port (`/colibri/stats`, `/debug`); the helm chart names it `http` when it declares it. */
export const JVB_REST_PORT = 8080;

/** The jitsi/jitsi-meet chart's labels on JVB pods (`templates/jvb/_helpers.tpl`). */
export function jvbPodSelector(release: string): string {
  return `app.kubernetes.io/component=jvb,app.kubernetes.io/instance=${release}`;
}

/** Where the bridges come from. */
export type BridgeSource =
  | { kind: 'urls'; urls: readonly string[] }
  | { kind: 'testbed'; bridges: readonly { id: string; restUrl: string; mediaAddress?: string }[] }
  | { kind: 'kubernetes'; namespace: string; release: string; context?: string };

export interface DiscoveredBridges {
  bridges: BridgeEndpoint[];
  /** Address → bridge id: IPs bots may report (pod IP, node IP, testbed media address) and relay ids. */
  addresses: Record<string, string>;
  /** Kubernetes only: the bridges' pods, for Prometheus queries by pod. */
  pods?: { namespace: string; bridgeByPod: Record<string, string> };
  /** Ends the port-forwards jlt started; safe to call twice. */
  stop(): Promise<void>;
}

export interface DiscoverOptions {
  runner: CommandRunner;
  logger: Logger;
  signal: AbortSignal;
  /** Per port-forward deadline for kubectl's "Forwarding from" line. */
  portForwardDeadlineMs?: number;
}

/** The scenario's bridge source; the cli passes the testbed's bridges for a testbed target. */
export function bridgeSourceFromTarget(target: Target, testbedBridges?: BridgeSource & { kind: 'testbed' }): BridgeSource | undefined {
  if (target.kind === 'testbed') return testbedBridges;
  if (target.kind !== 'jitsi' || target.bridges === undefined) return undefined;
  if ('urls' in target.bridges) return { kind: 'urls', urls: target.bridges.urls };
  const { namespace, release, context } = target.bridges;
  return { kind: 'kubernetes', namespace, release, ...(context === undefined ? {} : { context }) };
}

const PodListSchema = z.looseObject({
  items: z.array(
    z.looseObject({
      metadata: z.looseObject({ name: z.string(), deletionTimestamp: z.string().optional() }),
      spec: z
        .looseObject({
          containers: z
            .array(z.looseObject({ ports: z.array(z.looseObject({ name: z.string().optional(), containerPort: z.number() })).optional() }))
            .optional(),
        })
        .optional(),
      status: z.looseObject({ phase: z.string().optional(), podIP: z.string().optional(), hostIP: z.string().optional() }).optional(),
    }),
  ),
});

/**
 * Resolves the bridges to collect from. Kubernetes: `kubectl get pods -l <chart labels> -o json`, then
 * one `kubectl port-forward` per running pod to its REST port; the pods are the bridge ids (the pod
 * name is the JVB MUC nickname Jicofo knows the bridge by).
 */
export async function discoverBridges(source: BridgeSource, options: DiscoverOptions): Promise<DiscoveredBridges> {
  if (source.kind === 'urls') return fromUrls(source.urls);
  if (source.kind === 'testbed') {
    const addresses: Record<string, string> = {};
    for (const bridge of source.bridges) if (bridge.mediaAddress !== undefined) addresses[bridge.mediaAddress] = bridge.id;
    return { bridges: source.bridges.map(({ id, restUrl }) => ({ id, restUrl })), addresses, stop: async () => {} };
  }
  return fromKubernetes(source, options);
}

function fromUrls(urls: readonly string[]): DiscoveredBridges {
  const addresses: Record<string, string> = {};
  const bridges = urls.map((restUrl) => {
    const url = new URL(restUrl);
    const id = url.host;
    const hostname = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(hostname) !== 0) addresses[hostname] = id;
    return { id, restUrl };
  });
  const seen = new Set<string>();
  for (const { id } of bridges) {
    if (seen.has(id)) throw new JltError('INVALID_ARGUMENT', `target.bridges.urls lists ${id} twice`, { hint: 'List each bridge once.' });
    seen.add(id);
  }
  return { bridges, addresses, stop: async () => {} };
}

async function fromKubernetes(source: BridgeSource & { kind: 'kubernetes' }, options: DiscoverOptions): Promise<DiscoveredBridges> {
  const scope = [...(source.context === undefined ? [] : ['--context', source.context]), '--namespace', source.namespace];
  const selector = jvbPodSelector(source.release);
  const args = [...scope, 'get', 'pods', '--selector', selector, '--output', 'json'];
  const where = `namespace ${source.namespace}${source.context === undefined ? '' : ` (context ${source.context})`}`;
  let result;
  try {
    result = await options.runner.run('kubectl', args, { signal: options.signal });
  } catch (error) {
    throw kubectlStartError(error);
  }
  if (result.exitCode !== 0) {
    const message = kubectlMessage(result.stderr) || `exit code ${result.exitCode}`;
    throw new JltError('TARGET_UNREACHABLE', `kubectl get pods in ${where} failed: ${message}`, {
      hint: 'Check that kubectl reaches the cluster (kubectl cluster-info) and the namespace and context in target.bridges.',
    });
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(result.stdout) as unknown;
  } catch {
    throw new JltError('PROTOCOL_ERROR', `kubectl get pods in ${where} did not print JSON`, { hint: 'Check the kubectl version and any kubectl wrapper on PATH.' });
  }
  const parsed = PodListSchema.safeParse(decoded);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new JltError('PROTOCOL_ERROR', `kubectl get pods in ${where} printed an unexpected pod list: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'}`, {
      hint: 'Check the kubectl version and any kubectl wrapper on PATH.',
    });
  }

  const running = parsed.data.items.filter((pod) => pod.status?.phase === 'Running' && pod.metadata.deletionTimestamp === undefined);
  for (const pod of parsed.data.items) {
    if (!running.includes(pod)) options.logger.log('warn', `bridge pod ${pod.metadata.name} is ${pod.status?.phase ?? 'in an unknown phase'}; not collecting from it`);
  }
  if (running.length === 0) {
    throw new JltError('TARGET_UNREACHABLE', `no running JVB pods with labels ${selector} in ${where} (${parsed.data.items.length} pods matched)`, {
      hint: 'Check target.bridges.release (the helm release name) and namespace: kubectl get pods -l app.kubernetes.io/component=jvb -A',
    });
  }

  const forwards: PortForward[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(forwards.splice(0).map((f) => f.stop()));
  };
  const addresses: Record<string, string> = {};
  const hostCounts = new Map<string, number>();
  for (const pod of running) if (pod.status?.hostIP) hostCounts.set(pod.status.hostIP, (hostCounts.get(pod.status.hostIP) ?? 0) + 1);
  try {
    const bridges: BridgeEndpoint[] = [];
    for (const pod of running) {
      const name = pod.metadata.name;
      const port = pod.spec?.containers?.flatMap((c) => c.ports ?? []).find((p) => p.name === 'http')?.containerPort ?? JVB_REST_PORT;
      const forward = await startPortForward({
        runner: options.runner,
        kubectlArgs: scope,
        pod: name,
        remotePort: port,
        logger: options.logger,
        ...(options.portForwardDeadlineMs === undefined ? {} : { deadlineMs: options.portForwardDeadlineMs }),
      });
      forwards.push(forward);
      bridges.push({ id: name, restUrl: forward.url });
      if (pod.status?.podIP) addresses[pod.status.podIP] = name;
      // With hostPort/useNodeIP bots reach the bridge at its node's IP; usable only when one bridge runs there.
      const hostIP = pod.status?.hostIP;
      if (hostIP && hostCounts.get(hostIP) === 1) addresses[hostIP] = name;
      options.logger.log('info', `bridge ${name}: forwarding ${forward.url} -> pod port ${port}`);
    }
    return { bridges, addresses, pods: { namespace: source.namespace, bridgeByPod: Object.fromEntries(bridges.map((b) => [b.id, b.id])) }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
