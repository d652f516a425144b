import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { agentJob, coordinatorService, coturnManifests, dashboardConfigMap, namespaces, secretReferences, validateManifest, type Manifest } from './manifests.js';
import { resolveDeployOptions, type DeployFlags } from './options.js';
import { renderDeployment } from './render.js';

const env = { JLT_TURN_SECRET: 'turn-canary-8c1f', JLT_GRAFANA_PASSWORD: 'grafana-canary-2b7e', JLT_AGENT_TOKEN: 'token-canary-55aa' };
const options = (flags: DeployFlags = {}) =>
  resolveDeployOptions({ state: 'octo', bridges: 2, agents: 3, botsPerAgent: 5, turnHost: 'turn.example.org', monitoring: true, infraDir: '/x/infra', ...flags }, { env, cwd: '/tmp' }, 'plan');

describe('Kubernetes manifests', () => {
  it('validate against the Kubernetes API schemas, every kind jlt renders', () => {
    const o = options({ chartVersion: '1.5.2' });
    const all: Manifest[] = [
      agentJob(o),
      ...coordinatorService(o),
      ...coordinatorService(options({ coordinatorAddress: '192.0.2.10' })),
      ...secretReferences(o).map((s) => s.manifest),
      ...coturnManifests(o),
      ...namespaces(o),
      dashboardConfigMap(o, '{"title":"jlt"}'),
    ];
    expect(new Set(all.map((m) => m.kind))).toEqual(new Set(['Job', 'Service', 'EndpointSlice', 'Secret', 'ConfigMap', 'Deployment', 'Namespace']));
    for (const m of all) expect(() => validateManifest(m), `${m.kind} ${m.metadata?.name}`).not.toThrow();
  });

  it.each([
    ['a completion count that is not a number', (j: Record<string, unknown>) => ((j.spec as Record<string, unknown>).completions = 'three'), /completions must be integer/],
    ['a container without a name', (j: Record<string, unknown>) => delete (j.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers[0]!.name, /containers\/0 must have required property name/],
  ])('reject a Job with %s (the validation can fail)', (_what, breakIt, message) => {
    const job = structuredClone(agentJob(options())) as unknown as Record<string, unknown>;
    breakIt(job);
    expect(() => validateManifest(job as unknown as Manifest)).toThrow(message);
  });

  it('run the agents as an indexed Job sized per bot, off the bridge nodes, with the token from a Secret', () => {
    const job = agentJob(options());
    expect(job.spec).toMatchObject({ completionMode: 'Indexed', completions: 3, parallelism: 3 });
    const pod = job.spec!.template.spec!;
    const container = pod.containers[0]!;
    expect(container.resources).toEqual({ requests: { cpu: '1500m', memory: '1250Mi' }, limits: { cpu: '1875m', memory: '1563Mi' } });
    expect(container.args).toEqual([
      'agent',
      '--coordinator',
      'ws://jlt-coordinator.jlt.svc:7800',
      '--token-file',
      '/var/run/jlt/token',
      '--name',
      'agent-$(JOB_COMPLETION_INDEX)',
      '--max-bots',
      '5',
    ]);
    expect(pod.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
      { labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'jvb', 'app.kubernetes.io/instance': 'jitsi' } }, namespaces: ['jitsi'], topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(pod.volumes?.find((v) => v.name === 'token')?.secret?.secretName).toBe('jlt-agent-token');
  });

  it('give the coordinator a Service: to a pod in the cluster, or to an address outside it', () => {
    const [inCluster] = coordinatorService(options());
    expect(inCluster).toMatchObject({ kind: 'Service', spec: { selector: { 'app.kubernetes.io/component': 'coordinator' }, ports: [{ port: 7800 }] } });
    const [service, slice] = coordinatorService(options({ coordinatorAddress: '192.0.2.10' }));
    expect((service as { spec: { selector?: unknown } }).spec.selector).toBeUndefined();
    expect(slice).toMatchObject({ kind: 'EndpointSlice', metadata: { labels: { 'kubernetes.io/service-name': 'jlt-coordinator' } }, endpoints: [{ addresses: ['192.0.2.10'] }] });
  });

  it('render Secrets as references: no data, the sources named in an annotation', () => {
    const refs = secretReferences(options());
    expect(refs.map((r) => r.manifest.metadata!.name)).toEqual(['jitsi-turn', 'jlt-grafana-admin', 'jlt-agent-token']);
    for (const r of refs) {
      expect(r.manifest.data).toBeUndefined();
      expect(r.manifest.stringData).toBeUndefined();
    }
    expect(JSON.parse(refs[0]!.manifest.metadata!.annotations!['jlt/secret-sources']!)).toEqual({ TURN_CREDENTIALS: 'env JLT_TURN_SECRET' });
  });

  it('write every rendered manifest file as YAML that parses back to valid objects, with no secret in it', () => {
    const rendered = renderDeployment(options({ chartVersion: '1.5.2' }), '{"title":"jlt"}');
    const manifestFiles = rendered.files.filter((f) => f.path.startsWith('k8s/'));
    expect(manifestFiles.map((f) => f.path).sort()).toEqual([
      'k8s/agents-job.yaml',
      'k8s/coordinator-service.yaml',
      'k8s/coturn.yaml',
      'k8s/grafana-dashboard.yaml',
      'k8s/namespaces.yaml',
      'k8s/secret-jitsi-turn.yaml',
      'k8s/secret-jlt-agent-token.yaml',
      'k8s/secret-jlt-grafana-admin.yaml',
    ]);
    for (const file of manifestFiles) {
      for (const doc of parseAllDocuments(file.content)) expect(() => validateManifest(doc.toJSON() as Manifest)).not.toThrow();
    }
    const everything = rendered.files.map((f) => f.content).join('\n');
    for (const canary of Object.values(env)) expect(everything).not.toContain(canary);
  });
});
