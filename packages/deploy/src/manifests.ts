import { JltError } from '@jlt/core';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace, type INamespace } from 'kubernetes-models/v1/Namespace';
import { Secret, type ISecret } from 'kubernetes-models/v1/Secret';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { EndpointSlice, type IEndpointSlice } from 'kubernetes-models/discovery.k8s.io/v1/EndpointSlice';
import { describeSource, type SecretSource } from './secrets.js';
import { jvbSelector } from './jitsi-values.js';
import { JLT_LABELS, resourceNames } from './names.js';
import type { DeployOptions } from './options.js';

export type Manifest = IJob | IConfigMap | INamespace | ISecret | IService | IDeployment | IEndpointSlice;

/** What fills one key of a Secret at apply time: a secret's source, or a plain value. */
export type SecretDataSource = SecretSource | { kind: 'literal'; value: string };

/**
 * A Secret as jlt renders it: the manifest carries no data, only the annotation naming where each
 * key comes from; apply reads the sources and sends the filled Secret to kubectl on stdin.
 */
export interface SecretReference {
  manifest: ISecret;
  data: Record<string, SecretDataSource>;
}

export const SECRET_SOURCES_ANNOTATION = 'jlt/secret-sources';

function secretReference(name: string, namespace: string, data: Record<string, SecretDataSource>): SecretReference {
  const sources = Object.fromEntries(Object.entries(data).map(([key, source]) => [key, source.kind === 'literal' ? 'literal' : describeSource(source)]));
  return {
    manifest: {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name, namespace, labels: { ...JLT_LABELS }, annotations: { [SECRET_SOURCES_ANNOTATION]: JSON.stringify(sources) } },
      type: 'Opaque',
    },
    data,
  };
}

/** The Secrets a deployment needs, as references. */
export function secretReferences(options: DeployOptions): SecretReference[] {
  const names = resourceNames(options);
  const out: SecretReference[] = [];
  if (options.turn) out.push(secretReference(names.turnSecret, options.namespace, { TURN_CREDENTIALS: options.turn.secret }));
  if (options.monitoring) {
    out.push(
      secretReference(names.grafanaAdminSecret, options.monitoring.namespace, {
        'admin-user': { kind: 'literal', value: 'admin' },
        'admin-password': options.monitoring.grafanaPassword,
      }),
    );
  }
  if (options.k8sAgents && options.agentToken) out.push(secretReference(names.agentTokenSecret, options.k8sAgents.namespace, { token: options.agentToken }));
  return out;
}

export function namespaces(options: DeployOptions): INamespace[] {
  const wanted = [options.namespace, options.monitoring?.namespace, options.k8sAgents?.namespace].filter((n): n is string => n !== undefined);
  return [...new Set(wanted)].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { ...JLT_LABELS } } }));
}

const AGENT_LABELS = { 'app.kubernetes.io/name': 'jlt', 'app.kubernetes.io/component': 'agent' } as const;
const COORDINATOR_LABELS = { 'app.kubernetes.io/name': 'jlt', 'app.kubernetes.io/component': 'coordinator' } as const;

/** The coordinator URL agents in the cluster use: the given one, else the coordinator Service. */
export function inClusterCoordinatorUrl(options: DeployOptions): string {
  const agents = options.k8sAgents!;
  return options.coordinatorUrl ?? `ws://${resourceNames(options).coordinatorService}.${agents.namespace}.svc:${agents.coordinatorPort}`;
}

/**
 * Agents as an indexed Job: N pods at once, each named agent-<index>, each sized for its bots, on
 * nodes without a bridge (a bot next to a bridge would load the machine it measures).
 */
export function agentJob(options: DeployOptions): IJob {
  const agents = options.k8sAgents!;
  const names = resourceNames(options);
  const cpu = agents.botsPerAgent * agents.cpuPerBotMillis;
  const memory = agents.botsPerAgent * agents.memoryPerBotMiB;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: names.agentJob, namespace: agents.namespace, labels: { ...JLT_LABELS, ...AGENT_LABELS } },
    spec: {
      completionMode: 'Indexed',
      completions: agents.count,
      parallelism: agents.count,
      backoffLimit: agents.count * 2,
      template: {
        metadata: { labels: { ...AGENT_LABELS } },
        spec: {
          restartPolicy: 'OnFailure',
          affinity: {
            podAntiAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [
                { labelSelector: { matchLabels: jvbSelector(options.release) }, namespaces: [options.namespace], topologyKey: 'kubernetes.io/hostname' },
              ],
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { ...AGENT_LABELS } }, topologyKey: 'kubernetes.io/hostname' } },
              ],
            },
          },
          containers: [
            {
              name: 'agent',
              image: agents.image,
              // JOB_COMPLETION_INDEX is set by the Job controller in Indexed mode.
              args: [
                'agent',
                '--coordinator',
                inClusterCoordinatorUrl(options),
                '--token-file',
                '/var/run/jlt/token',
                '--name',
                'agent-$(JOB_COMPLETION_INDEX)',
                '--max-bots',
                String(agents.botsPerAgent),
              ],
              resources: {
                requests: { cpu: `${cpu}m`, memory: `${memory}Mi` },
                limits: { cpu: `${Math.ceil(cpu * 1.25)}m`, memory: `${Math.ceil(memory * 1.25)}Mi` },
              },
              volumeMounts: [
                { name: 'token', mountPath: '/var/run/jlt', readOnly: true },
                { name: 'dshm', mountPath: '/dev/shm' },
              ],
            },
          ],
          volumes: [
            { name: 'token', secret: { secretName: names.agentTokenSecret, items: [{ key: 'token', path: 'token' }], defaultMode: 0o440 } },
            // Chromium keeps renderer memory in /dev/shm; a container's default 64 MiB crashes tabs.
            { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: `${Math.max(256, agents.botsPerAgent * 64)}Mi` } },
          ],
        },
      },
    },
  };
}

/**
 * The coordinator's Service: to a coordinator pod in the cluster (selector), or with
 * `coordinatorAddress` to one outside it, through an EndpointSlice naming that address.
 */
export function coordinatorService(options: DeployOptions): Manifest[] {
  const agents = options.k8sAgents!;
  const name = resourceNames(options).coordinatorService;
  const port = { name: 'ws', port: agents.coordinatorPort, targetPort: agents.coordinatorPort, protocol: 'TCP' as const };
  const metadata = { name, namespace: agents.namespace, labels: { ...JLT_LABELS, ...COORDINATOR_LABELS } };
  if (agents.coordinatorAddress === undefined) {
    return [{ apiVersion: 'v1', kind: 'Service', metadata, spec: { type: 'ClusterIP', selector: { ...COORDINATOR_LABELS }, ports: [port] } }];
  }
  return [
    { apiVersion: 'v1', kind: 'Service', metadata, spec: { type: 'ClusterIP', ports: [port] } },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: { name: `${name}-external`, namespace: agents.namespace, labels: { ...JLT_LABELS, 'kubernetes.io/service-name': name } },
      addressType: 'IPv4',
      endpoints: [{ addresses: [agents.coordinatorAddress] }],
      ports: [{ name: 'ws', port: agents.coordinatorPort, protocol: 'TCP' }],
    },
  ];
}

/** coturn's configuration without its secret, which coturn gets on its command line from the Secret. */
export function turnserverConf(options: DeployOptions): string {
  const turn = options.turn!;
  return [
    `listening-port=${turn.port}`,
    `realm=${turn.host}`,
    'use-auth-secret',
    'fingerprint',
    'no-cli',
    'no-tls',
    'no-dtls',
    'no-multicast-peers',
    'log-file=stdout',
    '',
  ].join('\n');
}

/**
 * coturn for chart 1.5.x, which has none: one pod on the host network (clients and bridges reach it
 * on the node's address), reading TURN_CREDENTIALS from the same Secret prosody reads.
 */
export function coturnManifests(options: DeployOptions): Manifest[] {
  const names = resourceNames(options);
  const labels = { 'app.kubernetes.io/name': 'coturn', 'app.kubernetes.io/instance': options.release };
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: names.coturn, namespace: options.namespace, labels: { ...JLT_LABELS, ...labels } },
      data: { 'turnserver.conf': turnserverConf(options) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: names.coturn, namespace: options.namespace, labels: { ...JLT_LABELS, ...labels } },
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            hostNetwork: true,
            dnsPolicy: 'ClusterFirstWithHostNet',
            containers: [
              {
                name: 'coturn',
                image: 'coturn/coturn:4.7',
                args: ['-c', '/etc/coturn/turnserver.conf', '--static-auth-secret=$(TURN_CREDENTIALS)'],
                env: [{ name: 'TURN_CREDENTIALS', valueFrom: { secretKeyRef: { name: names.turnSecret, key: 'TURN_CREDENTIALS' } } }],
                ports: [
                  { name: 'turn-udp', containerPort: options.turn!.port, protocol: 'UDP' },
                  { name: 'turn-tcp', containerPort: options.turn!.port, protocol: 'TCP' },
                ],
                readinessProbe: { tcpSocket: { port: options.turn!.port } },
                volumeMounts: [{ name: 'config', mountPath: '/etc/coturn', readOnly: true }],
              },
            ],
            volumes: [{ name: 'config', configMap: { name: names.coturn } }],
          },
        },
      },
    },
  ];
}

/** The jlt dashboard for Grafana's sidecar, which loads ConfigMaps labelled grafana_dashboard=1. */
export function dashboardConfigMap(options: DeployOptions, dashboardJson: string): IConfigMap {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: resourceNames(options).dashboardConfigMap, namespace: options.monitoring!.namespace, labels: { ...JLT_LABELS, grafana_dashboard: '1' } },
    data: { 'jlt-dashboard.json': dashboardJson },
  };
}

const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'batch/v1/Job': Job,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'discovery.k8s.io/v1/EndpointSlice': EndpointSlice,
};

/**
 * Validates a manifest against the Kubernetes API schema of its kind (kubernetes-models' OpenAPI
 * validators), so a rendering bug fails the plan instead of the cluster.
 */
export function validateManifest(manifest: Manifest): void {
  const kind = `${manifest.apiVersion}/${manifest.kind}`;
  const Model = MODELS[kind];
  if (!Model) throw new JltError('INTERNAL', `no Kubernetes schema for ${kind}`);
  try {
    new Model(manifest as never).validate();
  } catch (error) {
    throw new JltError('INTERNAL', `rendered ${manifest.kind} ${manifest.metadata?.name ?? ''} is not a valid ${kind}: ${(error as Error).message}`, { cause: error });
  }
}
