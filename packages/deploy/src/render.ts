import { join } from 'node:path';
import { stringify } from 'yaml';
import { JITSI_CHART, MONITORING_CHART } from './chart.js';
import { jitsiValues } from './jitsi-values.js';
import {
  agentJob,
  coordinatorService,
  coturnManifests,
  dashboardConfigMap,
  namespaces,
  secretReferences,
  validateManifest,
  type Manifest,
} from './manifests.js';
import { monitoringValues } from './monitoring-values.js';
import { resourceNames } from './names.js';
import type { DeployOptions } from './options.js';
import type { SecretSource } from './secrets.js';
import type { AnsiblePaths, Step } from './steps.js';

/** A file `plan` writes, relative to the plan directory; `mode` for the executable vault script. */
export interface RenderedFile {
  path: string;
  content: string;
  mode?: number;
}

export interface RenderedDeployment {
  files: RenderedFile[];
  steps: Step[];
  ansible: AnsiblePaths;
}

const HEADER = '# Rendered by `jlt deploy plan`; apply runs the commands in commands.sh with these files.\n';

/** Manifests as one YAML stream, each validated against its Kubernetes schema first. */
export function manifestsYaml(manifests: readonly Manifest[], header = HEADER): string {
  for (const m of manifests) validateManifest(m);
  return header + manifests.map((m) => stringify(m, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n');
}

export function valuesYaml(values: Record<string, unknown>, comment: string, header = HEADER): string {
  return `${header}# ${comment}\n${stringify(values, { lineWidth: 0, aliasDuplicateObjects: false })}`;
}

/** The script ansible runs to learn the vault password: it prints $JLT_VAULT_PASSWORD, set by apply. */
export const VAULT_PASSWORD_SCRIPT = '#!/bin/sh\n# ansible-vault password client: apply sets JLT_VAULT_PASSWORD for ansible only.\nprintf \'%s\\n\' "$JLT_VAULT_PASSWORD"\n';

export function ansiblePaths(options: DeployOptions): AnsiblePaths {
  const privateDataDir = join(options.dir, 'ansible');
  return {
    privateDataDir,
    projectDir: join(options.infraDir, 'ansible'),
    vaultFile: join(privateDataDir, 'vault.yml'),
    vaultPasswordFile: options.vaultPassword?.kind === 'file' ? options.vaultPassword.path : join(privateDataDir, 'vault-pass'),
  };
}

/**
 * Everything apply does, rendered without touching anything: the files plan writes and the steps
 * in order. Cluster prep comes first; the namespaces and Secrets before any chart that reads them;
 * monitoring before Jitsi, because the JVB ServiceMonitor needs the Prometheus Operator's CRDs;
 * agents last, since they load what is before them.
 */
export function renderDeployment(options: DeployOptions, dashboardJson?: string): RenderedDeployment {
  const names = resourceNames(options);
  const at = (p: string): string => join(options.dir, p);
  const files: RenderedFile[] = [];
  const steps: Step[] = [];
  const ansible = ansiblePaths(options);
  const ssh: Record<string, SecretSource> = options.sshPassword ? { ansible_password: options.sshPassword } : {};
  const usesAnsible = options.prepareCluster || options.agentHosts !== undefined;

  if (usesAnsible && options.vaultPassword?.kind !== 'file') files.push({ path: 'ansible/vault-pass', content: VAULT_PASSWORD_SCRIPT, mode: 0o700 });
  if (options.prepareCluster) {
    steps.push({
      kind: 'playbook',
      title: 'prepare the kubeadm cluster (CRI-O, kubeadm, Calico)',
      playbook: 'cluster.yml',
      ident: 'cluster',
      inventory: options.inventory!,
      secretVars: ssh,
    });
  }

  files.push({ path: 'k8s/namespaces.yaml', content: manifestsYaml(namespaces(options)) });
  steps.push({ kind: 'command', title: 'namespaces', argv: ['kubectl', 'apply', '--filename', at('k8s/namespaces.yaml')] });
  for (const secret of secretReferences(options)) {
    const file = `k8s/secret-${secret.manifest.metadata!.name}.yaml`;
    files.push({ path: file, content: manifestsYaml([secret.manifest]) });
    steps.push({ kind: 'secret', title: `Secret ${secret.manifest.metadata!.name}`, namespace: secret.manifest.metadata!.namespace!, file: at(file), secret });
  }

  if (options.monitoring) {
    const m = options.monitoring;
    files.push({ path: 'helm/monitoring-values.yaml', content: valuesYaml(monitoringValues(options), `${MONITORING_CHART.chart} ${m.chartVersion}`) });
    files.push({ path: 'k8s/grafana-dashboard.yaml', content: manifestsYaml([dashboardConfigMap(options, dashboardJson ?? '{}')]) });
    steps.push(
      { kind: 'command', title: 'chart repository prometheus-community', argv: ['helm', 'repo', 'add', MONITORING_CHART.repoName, MONITORING_CHART.repoUrl, '--force-update'] },
      { kind: 'command', title: 'jlt Grafana dashboard', argv: ['kubectl', 'apply', '--filename', at('k8s/grafana-dashboard.yaml')] },
      {
        kind: 'helm-release',
        title: `monitoring (${MONITORING_CHART.chart} ${m.chartVersion})`,
        release: m.release,
        namespace: m.namespace,
        chart: MONITORING_CHART.chart,
        version: m.chartVersion,
        valuesFile: at('helm/monitoring-values.yaml'),
      },
    );
  }

  if (options.turn && !options.chart.bundledCoturn) {
    files.push({ path: 'k8s/coturn.yaml', content: manifestsYaml(coturnManifests(options)) });
    steps.push({ kind: 'command', title: `coturn ${names.coturn} (chart ${options.chart.version} has none)`, argv: ['kubectl', 'apply', '--filename', at('k8s/coturn.yaml')] });
  }
  const bridges = `${options.bridges} bridge${options.bridges === 1 ? '' : 's'}`;
  files.push({
    path: 'helm/jitsi-values.yaml',
    content: valuesYaml(jitsiValues(options), `${JITSI_CHART.chart} ${options.chart.version}: ${options.state} state, ${bridges}`),
  });
  steps.push(
    { kind: 'command', title: 'chart repository jitsi', argv: ['helm', 'repo', 'add', JITSI_CHART.repoName, JITSI_CHART.repoUrl, '--force-update'] },
    {
      kind: 'helm-release',
      title: `Jitsi in the ${options.state} state (${bridges}, chart ${options.chart.version})`,
      release: options.release,
      namespace: options.namespace,
      chart: JITSI_CHART.chart,
      version: options.chart.version,
      valuesFile: at('helm/jitsi-values.yaml'),
    },
  );

  if (options.k8sAgents) {
    const a = options.k8sAgents;
    files.push({ path: 'k8s/coordinator-service.yaml', content: manifestsYaml(coordinatorService(options)) });
    files.push({ path: 'k8s/agents-job.yaml', content: manifestsYaml([agentJob(options)]) });
    steps.push(
      { kind: 'command', title: 'coordinator Service', argv: ['kubectl', 'apply', '--filename', at('k8s/coordinator-service.yaml')] },
      // A Job's pod template cannot change, and agents of an earlier apply would serve stale settings.
      { kind: 'command', title: 'earlier agents', argv: ['kubectl', 'delete', 'job', names.agentJob, '--namespace', a.namespace, '--ignore-not-found', '--wait=true'] },
      { kind: 'command', title: `${a.count} agents (indexed Job)`, argv: ['kubectl', 'apply', '--filename', at('k8s/agents-job.yaml')] },
    );
  }

  if (options.agentHosts) {
    files.push({ path: 'ansible/agent-hosts-vars.yml', content: agentHostVarsYaml(options, 'present') });
    steps.push({
      kind: 'playbook',
      title: 'jlt agent on the hosts of group jlt_agents',
      playbook: 'agent-hosts.yml',
      ident: 'agent-hosts',
      inventory: options.inventory!,
      varsFile: at('ansible/agent-hosts-vars.yml'),
      secretVars: { ...ssh, ...(options.agentToken ? { jlt_agent_token: options.agentToken } : {}) },
    });
  }
  return { files, steps, ansible };
}

/** The agent-host playbook's variables that are not secret. */
export function agentHostVarsYaml(options: DeployOptions, state: 'present' | 'absent'): string {
  const vars: Record<string, unknown> = { jlt_agent_state: state };
  if (state === 'present') {
    vars.jlt_agent_bundle = options.agentHosts!.bundle;
    vars.jlt_agent_coordinator = options.coordinatorUrl;
    if (options.agentHosts!.maxBots !== undefined) vars.jlt_agent_max_bots = options.agentHosts!.maxBots;
  }
  return `${HEADER}${stringify(vars)}`;
}

/** What destroy does: apply's steps undone in reverse order (cluster prep and namespaces stay). */
export function renderDestroy(options: DeployOptions): RenderedDeployment {
  const names = resourceNames(options);
  const files: RenderedFile[] = [];
  const steps: Step[] = [];
  const ansible = ansiblePaths(options);
  if (options.agentHosts) {
    if (options.vaultPassword?.kind !== 'file') files.push({ path: 'ansible/vault-pass', content: VAULT_PASSWORD_SCRIPT, mode: 0o700 });
    files.push({ path: 'ansible/agent-hosts-vars.yml', content: agentHostVarsYaml(options, 'absent') });
    steps.push({
      kind: 'playbook',
      title: 'remove the jlt agent from the hosts of group jlt_agents',
      playbook: 'agent-hosts.yml',
      ident: 'agent-hosts-absent',
      inventory: options.inventory!,
      varsFile: join(options.dir, 'ansible/agent-hosts-vars.yml'),
      secretVars: options.sshPassword ? { ansible_password: options.sshPassword } : {},
    });
  }
  const agentNamespace = options.k8sAgents?.namespace ?? 'jlt';
  steps.push({
    kind: 'command',
    title: 'agents, their Secret and the coordinator Service',
    argv: [
      'kubectl',
      'delete',
      `job/${names.agentJob}`,
      `service/${names.coordinatorService}`,
      `endpointslice/${names.coordinatorService}-external`,
      `secret/${names.agentTokenSecret}`,
      '--namespace',
      agentNamespace,
      '--ignore-not-found',
    ],
  });
  steps.push({ kind: 'helm-uninstall', title: `Jitsi release ${options.release}`, release: options.release, namespace: options.namespace });
  steps.push({
    kind: 'command',
    title: 'coturn and the TURN Secret',
    argv: ['kubectl', 'delete', `deployment/${names.coturn}`, `configmap/${names.coturn}`, `secret/${names.turnSecret}`, '--namespace', options.namespace, '--ignore-not-found'],
  });
  if (options.monitoring) {
    const m = options.monitoring;
    steps.push({ kind: 'helm-uninstall', title: `monitoring release ${m.release}`, release: m.release, namespace: m.namespace });
    steps.push({
      kind: 'command',
      title: 'jlt dashboard and Grafana admin Secret',
      argv: ['kubectl', 'delete', `configmap/${names.dashboardConfigMap}`, `secret/${names.grafanaAdminSecret}`, '--namespace', m.namespace, '--ignore-not-found'],
    });
  }
  return { files, steps, ansible };
}
