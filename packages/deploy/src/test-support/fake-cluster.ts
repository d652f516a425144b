import { readFileSync } from 'node:fs';
import { parseAllDocuments, parse } from 'yaml';
import type { ToolInvocation, ToolResult, ToolRunner } from '../tool-runner.js';

/**
 * A strict stand-in for helm, kubectl and a cluster, for tests (neither can run here). It answers
 * the command lines deploy uses the way the tools do (JSON shapes, exit codes, error texts), keeps
 * releases, their values and applied objects, schedules JVB pods one per node as hostPort does,
 * and refuses any command line it does not know, so a changed command fails the test.
 */
export interface FakeNode {
  name: string;
  internalIP: string;
  externalIP?: string;
  controlPlane?: boolean;
}

interface FakeRelease {
  namespace: string;
  chart: string;
  version: string;
  values: Record<string, unknown>;
  revision: number;
}

export interface FakeClusterOptions {
  nodes?: FakeNode[];
  /** Tools on PATH; the rest answer 127 as a shell would. */
  tools?: string[];
  context?: string | null;
  /** Pods of other software binding host ports, to test preflight's port check. */
  hostPortPods?: { name: string; namespace: string; node: string; port: number; protocol: 'TCP' | 'UDP' }[];
}

export class FakeCluster implements ToolRunner {
  readonly calls: ToolInvocation[] = [];
  readonly releases = new Map<string, FakeRelease>();
  /** Applied objects by `kind/namespace/name`. */
  readonly objects = new Map<string, Record<string, unknown>>();
  readonly nodes: FakeNode[];
  tools: Set<string>;
  context: string | null;
  private readonly hostPortPods: NonNullable<FakeClusterOptions['hostPortPods']>;
  /** Makes the next command line starting with this prefix fail with the given stderr. */
  failNext?: { prefix: string; stderr: string };

  constructor(options: FakeClusterOptions = {}) {
    this.nodes = options.nodes ?? [
      { name: 'kube-control-plane01', internalIP: '10.29.4.153', controlPlane: true },
      { name: 'kube-worker01', internalIP: '10.29.4.154' },
      { name: 'kube-worker02', internalIP: '10.29.4.155' },
      { name: 'kube-worker03', internalIP: '10.29.4.156' },
    ];
    this.tools = new Set(options.tools ?? ['kubectl', 'helm']);
    this.context = options.context === undefined ? 'kubernetes-admin@kubernetes' : options.context;
    this.hostPortPods = options.hostPortPods ?? [];
  }

  /** The command lines run so far, joined with spaces; `stdin` is kept on `calls`. */
  get commandLines(): string[] {
    return this.calls.map((c) => c.argv.join(' '));
  }

  async run(invocation: ToolInvocation): Promise<ToolResult> {
    this.calls.push(invocation);
    const [tool] = invocation.argv;
    if (!tool || !this.tools.has(tool)) return { exitCode: 127, stdout: '', stderr: `${tool}: command not found` };
    const line = invocation.argv.join(' ');
    if (this.failNext && line.startsWith(this.failNext.prefix)) {
      const { stderr } = this.failNext;
      this.failNext = undefined;
      return { exitCode: 1, stdout: '', stderr };
    }
    return this.answer(invocation.argv.slice(), invocation.stdin ?? '');
  }

  private answer(argv: string[], stdin: string): ToolResult {
    const ok = (stdout = ''): ToolResult => ({ exitCode: 0, stdout, stderr: '' });
    const err = (stderr: string): ToolResult => ({ exitCode: 1, stdout: '', stderr });
    const line = argv.join(' ');
    const flag = (name: string): string | undefined => {
      const i = argv.indexOf(name);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    if (line === 'kubectl version --client --output json') return ok(JSON.stringify({ clientVersion: { gitVersion: 'v1.32.3' } }));
    if (line === 'helm version --short') return ok('v3.16.2+g13654a5\n');
    if (line === 'ansible-runner --version') return ok('2.3.1\n');
    if (line === 'ansible-playbook --version') return ok('ansible-playbook [core 2.14.18]\n');
    if (line === 'kubectl config current-context') return this.context ? ok(`${this.context}\n`) : err('error: current-context is not set');
    if (!this.context) return err('error: no context is set; the connection to the server localhost:8080 was refused');
    if (line === 'kubectl get nodes --output json') return ok(JSON.stringify({ items: this.nodes.map(nodeJson) }));
    if (line === 'kubectl get pods --all-namespaces --output json') return ok(JSON.stringify({ items: this.allPods() }));
    if (argv[0] === 'kubectl' && argv[1] === 'get' && argv[2] === 'pods' && flag('--selector')) {
      const namespace = flag('--namespace');
      const selector = Object.fromEntries(flag('--selector')!.split(',').map((kv) => kv.split('=') as [string, string]));
      const pods = this.allPods().filter(
        (p) => p.metadata.namespace === namespace && Object.entries(selector).every(([k, v]) => p.metadata.labels[k] === v),
      );
      return ok(JSON.stringify({ items: pods }));
    }
    if (argv[0] === 'kubectl' && argv[1] === 'get' && argv[2] === 'job') {
      const job = this.objects.get(`Job/${flag('--namespace')}/${argv[3]}`);
      if (!job) return argv.includes('--ignore-not-found') ? ok('') : err(`Error from server (NotFound): jobs.batch "${argv[3]}" not found`);
      const completions = (job.spec as { completions: number }).completions;
      return ok(JSON.stringify({ ...job, status: { active: completions } }));
    }
    if (argv[0] === 'kubectl' && argv[1] === 'apply') {
      const file = flag('--filename');
      const text = file === '-' ? stdin : file ? readFileSync(file, 'utf8') : '';
      const docs = file === '-' ? [JSON.parse(text) as Record<string, unknown>] : parseAllDocuments(text).map((d) => d.toJSON() as Record<string, unknown>);
      const out: string[] = [];
      for (const doc of docs) {
        const metadata = doc.metadata as { name: string; namespace?: string };
        const namespace = metadata.namespace ?? flag('--namespace') ?? '';
        if (doc.kind !== 'Namespace' && namespace !== '' && !this.objects.has(`Namespace//${namespace}`)) {
          return err(`Error from server (NotFound): namespaces "${namespace}" not found`);
        }
        const key = `${String(doc.kind)}/${doc.kind === 'Namespace' ? '' : namespace}/${metadata.name}`;
        out.push(`${String(doc.kind).toLowerCase()}/${metadata.name} ${this.objects.has(key) ? 'configured' : 'created'}`);
        this.objects.set(key, doc);
      }
      return ok(`${out.join('\n')}\n`);
    }
    if (argv[0] === 'kubectl' && argv[1] === 'delete') {
      const namespace = flag('--namespace') ?? '';
      const rest = argv.slice(2).filter((a, i, all) => !a.startsWith('--') && all[i - 1] !== '--namespace');
      const targets = rest[0] === 'job' ? [`job/${rest[1]}`] : rest;
      const kinds: Record<string, string> = { job: 'Job', service: 'Service', endpointslice: 'EndpointSlice', secret: 'Secret', deployment: 'Deployment', configmap: 'ConfigMap' };
      const out: string[] = [];
      for (const target of targets) {
        const [kind, name] = target.split('/') as [string, string];
        const key = `${kinds[kind] ?? kind}/${namespace}/${name}`;
        if (this.objects.delete(key)) out.push(`${target} deleted`);
        else if (!argv.includes('--ignore-not-found')) return err(`Error from server (NotFound): ${kind} "${name}" not found`);
      }
      return ok(out.join('\n'));
    }
    if (argv[0] === 'helm' && argv[1] === 'repo' && argv[2] === 'add') return ok(`"${argv[3]}" has been added to your repositories\n`);
    if (argv[0] === 'helm' && argv[1] === 'status') {
      const release = this.releases.get(argv[2]!);
      if (!release || release.namespace !== flag('--namespace')) return err('Error: release: not found');
      return ok(JSON.stringify({ name: argv[2], info: { status: 'deployed' }, chart: { metadata: { name: release.chart.split('/')[1], version: release.version } }, version: release.revision }));
    }
    if (argv[0] === 'helm' && argv[1] === 'get' && argv[2] === 'values') {
      const release = this.releases.get(argv[3]!);
      return release ? ok(JSON.stringify(release.values)) : err('Error: release: not found');
    }
    if (argv[0] === 'helm' && (argv[1] === 'install' || argv[1] === 'upgrade')) {
      const upsert = argv[2] === '--install';
      const [name, chart] = upsert ? [argv[3]!, argv[4]!] : [argv[2]!, argv[3]!];
      const existing = this.releases.get(name);
      if (argv[1] === 'install' && existing) return err(`Error: INSTALLATION FAILED: cannot re-use a name that is still in use`);
      if (argv[1] === 'upgrade' && !upsert && !existing) return err(`Error: UPGRADE FAILED: "${name}" has no deployed releases`);
      const values = parse(readFileSync(flag('--values')!, 'utf8')) as Record<string, unknown>;
      const namespace = flag('--namespace')!;
      if (!this.objects.has(`Namespace//${namespace}`)) return err(`Error: create: failed to create: namespaces "${namespace}" not found`);
      const replicas = (values.jvb as { replicaCount?: number } | undefined)?.replicaCount ?? 1;
      if (chart.endsWith('jitsi-meet') && replicas > this.schedulableNodes().length) {
        return err(`Error: ${argv[1] === 'install' ? 'INSTALLATION' : 'UPGRADE'} FAILED: resource Deployment/${namespace}/${name}-jitsi-meet-jvb not ready. status: InProgress, message: Available: 0/${replicas}\ncontext deadline exceeded`);
      }
      this.releases.set(name, { namespace, chart, version: flag('--version')!, values, revision: (existing?.revision ?? 0) + 1 });
      return ok(`Release "${name}" has been ${existing ? 'upgraded' : 'installed'}. Happy Helming!\n`);
    }
    if (argv[0] === 'helm' && argv[1] === 'uninstall') {
      const name = argv[2]!;
      if (!this.releases.delete(name)) return err(`Error: uninstall: Release not loaded: ${name}: release: not found`);
      return ok(`release "${name}" uninstalled\n`);
    }
    return err(`fake cluster: unexpected command line: ${line}`);
  }

  private schedulableNodes(): FakeNode[] {
    return this.nodes.filter((n) => !n.controlPlane);
  }

  /** JVB pods of every jitsi-meet release, one per schedulable node (hostPort 10000/udp). */
  private allPods() {
    const pods: {
      metadata: { name: string; namespace: string; labels: Record<string, string> };
      spec: { nodeName: string; hostNetwork?: boolean; containers: { ports: { containerPort: number; hostPort?: number; protocol: string }[] }[] };
      status: { phase: string; podIP: string; hostIP: string; conditions: { type: string; status: string }[] };
    }[] = [];
    for (const [name, release] of this.releases) {
      if (!release.chart.endsWith('jitsi-meet')) continue;
      const replicas = (release.values.jvb as { replicaCount?: number } | undefined)?.replicaCount ?? 1;
      this.schedulableNodes()
        .slice(0, replicas)
        .forEach((node, i) => {
          pods.push({
            metadata: { name: `${name}-jitsi-meet-jvb-7c9d5-${i}`, namespace: release.namespace, labels: { 'app.kubernetes.io/component': 'jvb', 'app.kubernetes.io/instance': name } },
            spec: { nodeName: node.name, containers: [{ ports: [{ containerPort: 10000, hostPort: 10000, protocol: 'UDP' }] }] },
            status: { phase: 'Running', podIP: `10.2.${i + 1}.7`, hostIP: node.internalIP, conditions: [{ type: 'Ready', status: 'True' }] },
          });
        });
    }
    for (const p of this.hostPortPods) {
      pods.push({
        metadata: { name: p.name, namespace: p.namespace, labels: {} },
        spec: { nodeName: p.node, containers: [{ ports: [{ containerPort: p.port, hostPort: p.port, protocol: p.protocol }] }] },
        status: { phase: 'Running', podIP: '10.2.9.9', hostIP: '10.29.4.154', conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
    return pods;
  }
}

function nodeJson(node: FakeNode) {
  return {
    metadata: { name: node.name },
    spec: node.controlPlane ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      conditions: [{ type: 'Ready', status: 'True' }],
      addresses: [{ type: 'InternalIP', address: node.internalIP }, ...(node.externalIP ? [{ type: 'ExternalIP', address: node.externalIP }] : []), { type: 'Hostname', address: node.name }],
    },
  };
}
