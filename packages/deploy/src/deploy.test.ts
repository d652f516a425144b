import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createStreamLogger, type RunContext } from '@jlt/core';
import { applyDeployState, destroyDeploy, planDeploy } from './deploy.js';
import { resolveDeployOptions, type DeployFlags } from './options.js';
import { deployStatus, formatStatus } from './status.js';
import { FakeCluster } from './test-support/fake-cluster.js';

const TURN = 'turn-canary-8c1f3a';
const GRAFANA = 'grafana-canary-2b7e9d';
const TOKEN = 'token-canary-55aa01';

interface Captured {
  ctx: RunContext;
  out: () => string;
}

function context(env: Record<string, string> = {}): Captured {
  let out = '';
  const stream = { write: (chunk: string) => (out += chunk) };
  const ctx: RunContext = { stdout: stream, stderr: stream, env, cwd: tmpdir(), logger: createStreamLogger(stream), signal: new AbortController().signal, now: () => 0 };
  return { ctx, out: () => out };
}

function workspace(): { dir: string; infraDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'jlt-deploy-'));
  const infraDir = join(root, 'infra');
  mkdirSync(join(infraDir, 'grafana'), { recursive: true });
  writeFileSync(join(infraDir, 'grafana/jlt-dashboard.json'), '{"title":"jlt"}');
  return { dir: join(root, 'plan'), infraDir };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? allFiles(p) : [p];
  });
}

const env = { JLT_TURN_SECRET: TURN, JLT_GRAFANA_PASSWORD: GRAFANA, JLT_AGENT_TOKEN: TOKEN };

function setup(flags: DeployFlags, action: 'plan' | 'apply' | 'status' | 'destroy' = 'apply') {
  const ws = workspace();
  return resolveDeployOptions({ dir: ws.dir, infraDir: ws.infraDir, ...flags }, { env, cwd: tmpdir() }, action);
}

describe('deploy apply, status and destroy (fake helm/kubectl)', () => {
  it('applies single, then octo as an upgrade, reports each state, and destroys; exact command lines in order', async () => {
    const cluster = new FakeCluster();
    const single = setup({ state: 'single', turnHost: 'turn.example.org', chartVersion: '1.5.2' });
    const { ctx, out } = context(env);
    await applyDeployState(single, ctx, { runner: cluster });
    const d = single.dir;
    const mutating = (lines: string[]) => lines.filter((l) => !/^(kubectl (version|config|get)|helm (version|status|get))/.test(l));
    expect(mutating(cluster.commandLines)).toEqual([
      `kubectl apply --filename ${d}/k8s/namespaces.yaml`,
      'kubectl apply --namespace jitsi --filename -',
      `kubectl apply --filename ${d}/k8s/coturn.yaml`,
      'helm repo add jitsi https://jitsi-contrib.github.io/jitsi-helm/ --force-update',
      `helm install jitsi jitsi/jitsi-meet --version 1.5.2 --namespace jitsi --values ${d}/helm/jitsi-values.yaml --wait --timeout 15m`,
    ]);
    // The Secret reaches kubectl on stdin only, before the chart that reads it.
    const secretCall = cluster.calls.find((c) => c.argv.join(' ') === 'kubectl apply --namespace jitsi --filename -')!;
    expect(JSON.parse(secretCall.stdin!)).toMatchObject({ kind: 'Secret', metadata: { name: 'jitsi-turn' }, stringData: { TURN_CREDENTIALS: TURN } });

    const s1 = await deployStatus(single, ctx, { runner: cluster });
    expect(s1).toMatchObject({ state: 'single', bridges: [{ node: 'kube-worker01', nodeIP: '10.29.4.154', ready: true }] });

    const octo = { ...setup({ state: 'octo', bridges: 2, turnHost: 'turn.example.org', chartVersion: '1.5.2' }), dir: d };
    const before = cluster.calls.length;
    await applyDeployState(octo, ctx, { runner: cluster });
    const second = mutating(cluster.commandLines.slice(before));
    expect(second.at(-1)).toBe(`helm upgrade jitsi jitsi/jitsi-meet --version 1.5.2 --namespace jitsi --values ${d}/helm/jitsi-values.yaml --wait --timeout 15m`);
    expect(cluster.releases.get('jitsi')).toMatchObject({ revision: 2, values: { octo: { enabled: true }, jvb: { replicaCount: 2 } } });

    const s2 = await deployStatus(octo, ctx, { runner: cluster });
    expect(s2.state).toBe('octo');
    expect(s2.bridges.map((b) => [b.node, b.nodeIP])).toEqual([
      ['kube-worker01', '10.29.4.154'],
      ['kube-worker02', '10.29.4.155'],
    ]);
    expect(formatStatus(s2)).toContain('octo state (octo.enabled, jvb.replicaCount 2)');

    const beforeDestroy = cluster.calls.length;
    await destroyDeploy(octo, ctx, { runner: cluster });
    expect(mutating(cluster.commandLines.slice(beforeDestroy))).toEqual([
      'kubectl delete job/jlt-agents service/jlt-coordinator endpointslice/jlt-coordinator-external secret/jlt-agent-token --namespace jlt --ignore-not-found',
      'helm uninstall jitsi --namespace jitsi --wait',
      'kubectl delete deployment/jitsi-coturn configmap/jitsi-coturn secret/jitsi-turn --namespace jitsi --ignore-not-found',
    ]);
    expect(cluster.releases.size).toBe(0);
    expect([...cluster.objects.keys()].filter((k) => !k.startsWith('Namespace/'))).toEqual([]);
    expect((await deployStatus(octo, ctx, { runner: cluster })).state).toBe('not installed');

    // The canary secret reached kubectl's stdin, and nothing else: no output, command line or file.
    expect(out()).not.toContain(TURN);
    expect(cluster.calls.filter((c) => c.argv.join(' ').includes(TURN))).toEqual([]);
    for (const file of allFiles(d)) expect(readFileSync(file, 'utf8'), file).not.toContain(TURN);
  });

  it('installs monitoring before Jitsi (its CRDs carry the ServiceMonitor) and the agents last', async () => {
    const cluster = new FakeCluster();
    const options = setup({ state: 'octo', bridges: 2, chartVersion: '3.4.0', turnHost: 'turn.example.org', monitoring: true, agents: 1 });
    const { ctx, out } = context(env);
    const result = await applyDeployState(options, ctx, { runner: cluster });
    const titles = result.steps.map((s) => s.title);
    expect(titles).toEqual([
      'namespaces',
      'Secret jitsi-turn',
      'Secret jlt-grafana-admin',
      'Secret jlt-agent-token',
      'chart repository prometheus-community',
      'jlt Grafana dashboard',
      'monitoring (prometheus-community/kube-prometheus-stack 67.8.0)',
      'chart repository jitsi',
      'Jitsi in the octo state (2 bridges, chart 3.4.0)',
      'coordinator Service',
      'earlier agents',
      '1 agents (indexed Job)',
    ]);
    expect(cluster.objects.get('ConfigMap/monitoring/jlt-dashboard')).toMatchObject({ metadata: { labels: { grafana_dashboard: '1' } }, data: { 'jlt-dashboard.json': '{"title":"jlt"}' } });
    expect(cluster.objects.get('Job/jlt/jlt-agents')).toMatchObject({ spec: { completionMode: 'Indexed', completions: 1 } });
    expect(cluster.objects.has('Deployment/jitsi/jitsi-coturn')).toBe(false);
    for (const canary of [TURN, GRAFANA, TOKEN]) {
      expect(out()).not.toContain(canary);
      for (const file of allFiles(options.dir)) expect(readFileSync(file, 'utf8')).not.toContain(canary);
    }
  });

  it('stops before changing anything when preflight finds too few nodes, a missing tool or a taken port', async () => {
    const cluster = new FakeCluster({ hostPortPods: [{ name: 'other-sfu', namespace: 'media', node: 'kube-worker01', port: 10000, protocol: 'UDP' }] });
    const options = setup({ state: 'octo', bridges: 4, agents: 1 });
    const { ctx } = context(env);
    await expect(applyDeployState(options, ctx, { runner: cluster })).rejects.toThrow(
      /preflight found 2 problems; nothing was changed:\n {2}4 bridges with useHostPort need 4 schedulable nodes .* the cluster has 3 \(kube-worker01, kube-worker02, kube-worker03\)\n {2}port 10000\/udp is already bound on node kube-worker01 by pod media\/other-sfu/,
    );
    expect(cluster.commandLines.filter((l) => /apply|install|upgrade|delete|repo add/.test(l))).toEqual([]);

    const noHelm = new FakeCluster({ tools: ['kubectl'] });
    await expect(applyDeployState(setup({ state: 'single' }), ctx, { runner: noHelm })).rejects.toThrow(/helm is not installed \(not on PATH\): install helm 3/);
    const noAnsible = new FakeCluster();
    const inventory = join(mkdtempSync(join(tmpdir(), 'jlt-inv-')), 'hosts.ini');
    writeFileSync(inventory, '[jlt_agents]\nhost1 ansible_ssh_pass=hunter2\n');
    const withHosts = setup({ state: 'single', agentHosts: true, inventory, coordinator: 'ws://10.0.0.5:7800' });
    await expect(applyDeployState(withHosts, ctx, { runner: noAnsible })).rejects.toThrow(
      /ansible-runner is not installed \(not on PATH\): on Debian: apt-get install python3-ansible-runner ansible-core[\s\S]*agent bundle .* does not exist: build it with scripts\/agent-bundle.sh/,
    );
  });

  it('stops at the first failing step with the tool own message and runs nothing after it', async () => {
    const cluster = new FakeCluster();
    const options = setup({ state: 'single', agents: 1 });
    cluster.failNext = { prefix: 'helm install', stderr: `Error: INSTALLATION FAILED: Kubernetes cluster unreachable: Get "https://10.29.4.153:6443/version": dial tcp 10.29.4.153:6443: i/o timeout` };
    const { ctx } = context(env);
    await expect(applyDeployState(options, ctx, { runner: cluster })).rejects.toThrow(
      /step 4\/7 \(Jitsi in the single state \(1 bridge, chart 1.5.2\)\) failed:\nError: INSTALLATION FAILED: Kubernetes cluster unreachable/,
    );
    expect(cluster.commandLines.some((l) => l.includes('agents-job.yaml'))).toBe(false);
  });

  it('plan writes the files and prints the exact commands, install or upgrade as the cluster has it', async () => {
    const cluster = new FakeCluster();
    const options = setup({ state: 'octo', bridges: 2, chartVersion: '3.4.0', turnHost: 'turn.example.org' }, 'plan');
    const { ctx, out } = context(env);
    const plan = await planDeploy(options, ctx, { runner: cluster });
    expect(plan.commands).toContain(`helm install jitsi jitsi/jitsi-meet --version 3.4.0 --namespace jitsi --values ${options.dir}/helm/jitsi-values.yaml --wait --timeout 15m`);
    expect(plan.commands).toContain(`kubectl apply --namespace jitsi --filename - < ${options.dir}/k8s/secret-jitsi-turn.yaml   # data filled at apply time: TURN_CREDENTIALS from env JLT_TURN_SECRET`);
    expect(readFileSync(join(options.dir, 'commands.sh'), 'utf8')).toContain(plan.commands.join('\n'));
    expect(out()).toContain('octo state: 2 bridges relaying conferences (jitsi/jitsi-meet 3.4.0, release jitsi in namespace jitsi, bridge selection RegionBasedBridgeSelectionStrategy)');
    expect(cluster.commandLines.filter((l) => /apply|install|upgrade|delete|repo add/.test(l))).toEqual([]);

    await applyDeployState({ ...setup({ state: 'single', chartVersion: '3.4.0' }), dir: options.dir }, context(env).ctx, { runner: cluster });
    const again = await planDeploy(options, context(env).ctx, { runner: cluster });
    expect(again.commands.find((c) => c.startsWith('helm upgrade jitsi'))).toBeDefined();

    const offline = await planDeploy(options, context(env).ctx, { runner: new FakeCluster({ tools: [] }) });
    expect(offline.commands.find((c) => c.startsWith('helm upgrade --install jitsi'))).toBeDefined();
    expect(offline.findings.map((f) => f.message)).toEqual([
      'kubectl is not installed (not on PATH): install kubectl matching your cluster (https://kubernetes.io/docs/tasks/tools/)',
      'helm is not installed (not on PATH): install helm 3 (https://helm.sh/docs/intro/install/)',
    ]);
  });

  it('warns where an inventory keeps an ssh password in clear', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jlt-inv-'));
    mkdirSync(join(dir, 'host_vars'));
    writeFileSync(join(dir, 'hosts.yml'), 'all:\n  children:\n    jlt_agents:\n      hosts:\n        lg1:\n');
    writeFileSync(join(dir, 'host_vars/lg1.yml'), 'ansible_host: 10.0.0.9\nansible_ssh_pass: hunter2\n');
    const options = setup({ state: 'single', agentHosts: true, inventory: join(dir, 'hosts.yml'), coordinator: 'ws://10.0.0.5:7800' }, 'plan');
    const { ctx, out } = context(env);
    const plan = await planDeploy(options, ctx, { runner: new FakeCluster({ tools: ['kubectl', 'helm', 'ansible-runner', 'ansible-playbook'] }) });
    expect(plan.findings).toContainEqual({ level: 'warning', message: `${join(dir, 'host_vars/lg1.yml')}:2: ansible_ssh_pass is in clear; move it to an ansible-vault file or pass --ssh-password-file` });
    expect(out()).not.toContain('hunter2');
  });
});
