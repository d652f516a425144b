import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JltError, type RunContext } from '@jlt/core';
import { chartFacts, DEFAULT_CHART_VERSION, MONITORING_CHART, type ChartFacts } from './chart.js';
import { SECRET_ENV, SECRET_LABELS, type SecretId, type SecretSource } from './secrets.js';

/** The two cluster states of the study: one bridge, or N bridges relaying conferences (Octo). */
export type DeployState = 'single' | 'octo';

export interface TurnOptions {
  /** Host name or IP the clients reach TURN/STUN at (the chart's `turnHost`). */
  host: string;
  port: number;
  secret: SecretSource;
}

export interface MonitoringOptions {
  namespace: string;
  release: string;
  chartVersion: string;
  grafanaPassword: SecretSource;
  /** The jlt Grafana dashboard (infra/grafana/jlt-dashboard.json), provisioned through Grafana's sidecar. */
  dashboardFile: string;
}

export interface K8sAgentOptions {
  /** Agents in the indexed Job: its completions and parallelism. */
  count: number;
  botsPerAgent: number;
  namespace: string;
  image: string;
  /** Requests per bot; an agent pod asks for botsPerAgent times these (limits add a quarter). */
  cpuPerBotMillis: number;
  memoryPerBotMiB: number;
  /** An external coordinator (e.g. `jlt run --listen` on a laptop) the Service forwards to. */
  coordinatorAddress?: string;
  coordinatorPort: number;
}

export interface AgentHostOptions {
  /** The jlt bundle the playbook unpacks on each host (scripts/agent-bundle.sh writes it). */
  bundle: string;
  maxBots?: number;
}

/** Everything `jlt deploy` needs; `resolveDeployOptions` builds it from flags and checks it. */
export interface DeployOptions {
  state: DeployState;
  bridges: number;
  chart: ChartFacts;
  namespace: string;
  release: string;
  publicUrl?: string;
  ingressClass?: string;
  turn?: TurnOptions;
  /** Jicofo's `max-bridge-participants`: with RegionBased, a conference moves to another bridge past it. */
  maxBridgeParticipants?: number;
  /** A strategy other than the chart's (only charts with `customJicofoConf`). */
  bridgeSelection?: 'split' | 'region';
  monitoring?: MonitoringOptions;
  k8sAgents?: K8sAgentOptions;
  agentHosts?: AgentHostOptions;
  /** Agent token, for the Job and the agent hosts alike. */
  agentToken?: SecretSource;
  /** Where the agents connect; defaults to the in-cluster coordinator Service for the Job. */
  coordinatorUrl?: string;
  /** Ansible inventory (the study's layout: groups control_planes, workers, jlt_agents; host_vars). */
  inventory?: string;
  prepareCluster: boolean;
  sshPassword?: SecretSource;
  vaultPassword?: SecretSource;
  /** Where `plan` and `apply` write the rendered files. */
  dir: string;
  /** The repository's infra/ directory (playbooks, dashboard). */
  infraDir: string;
}

/** Flags as the CLI (or `jlt study`) passes them; every field optional, checked by resolveDeployOptions. */
export interface DeployFlags {
  state?: string;
  bridges?: number;
  chartVersion?: string;
  namespace?: string;
  release?: string;
  publicUrl?: string;
  ingressClass?: string;
  turnHost?: string;
  turnPort?: number;
  turnSecretFile?: string;
  maxBridgeParticipants?: number;
  bridgeSelection?: string;
  monitoring?: boolean;
  grafanaPasswordFile?: string;
  agents?: number;
  botsPerAgent?: number;
  agentNamespace?: string;
  agentImage?: string;
  coordinator?: string;
  coordinatorAddress?: string;
  agentTokenFile?: string;
  agentHosts?: boolean;
  agentBundle?: string;
  agentMaxBots?: number;
  inventory?: string;
  prepareCluster?: boolean;
  sshPasswordFile?: string;
  vaultPasswordFile?: string;
  dir?: string;
  infraDir?: string;
}

/** infra/ beside the packages when jlt runs from its repository. */
export const DEFAULT_INFRA_DIR = fileURLToPath(new URL('../../../infra/', import.meta.url));

export const COORDINATOR_PORT = 7800;

export type DeployAction = 'plan' | 'apply' | 'status' | 'destroy';

/**
 * Checks flags and reports every problem at once. plan and apply need a state and every secret's
 * source (a plan names where each secret will come from); status and destroy need neither.
 */
export function resolveDeployOptions(flags: DeployFlags, ctx: Pick<RunContext, 'env' | 'cwd'>, action: DeployAction): DeployOptions {
  const problems: string[] = [];
  const changesCluster = action === 'plan' || action === 'apply';
  const path = (p: string): string => (isAbsolute(p) ? p : resolve(ctx.cwd, p));
  const secret = (id: SecretId, file: string | undefined): SecretSource | undefined =>
    file !== undefined ? { kind: 'file', path: path(file), id } : ctx.env[SECRET_ENV[id]] !== undefined ? { kind: 'env', name: SECRET_ENV[id], id } : undefined;
  const required = (id: SecretId, file: string | undefined, why: string, flag: string): SecretSource | undefined => {
    const source = secret(id, file);
    if (!source && changesCluster) problems.push(`${why} needs the ${SECRET_LABELS[id]}: pass ${flag} FILE or set ${SECRET_ENV[id]}`);
    return source;
  };
  const positiveInt = (name: string, value: number | undefined, max: number): number | undefined => {
    if (value === undefined) return undefined;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`--${name} must be an integer from 1 to ${max} (got ${String(value)})`);
      return undefined;
    }
    return value;
  };

  if (changesCluster && flags.state !== 'single' && flags.state !== 'octo') {
    problems.push(`--state must be single or octo (got ${flags.state === undefined ? 'nothing' : `"${flags.state}"`})`);
  }
  const state: DeployState = flags.state === 'octo' ? 'octo' : 'single';
  let bridges = positiveInt('bridges', flags.bridges, 64) ?? (state === 'octo' ? 2 : 1);
  if (state === 'single' && flags.bridges !== undefined && flags.bridges !== 1) {
    problems.push(`--state single runs one bridge; drop --bridges ${flags.bridges} or use --state octo`);
    bridges = 1;
  }
  if (state === 'octo' && bridges < 2) problems.push(`--state octo needs at least 2 bridges (got --bridges ${bridges})`);

  let chart: ChartFacts | undefined;
  try {
    chart = chartFacts(flags.chartVersion ?? DEFAULT_CHART_VERSION);
  } catch (error) {
    problems.push((error as Error).message);
  }

  const name = (flag: string, value: string | undefined, fallback: string): string => {
    const v = value ?? fallback;
    if (!/^[a-z0-9]([-a-z0-9]{0,51}[a-z0-9])?$/.test(v)) problems.push(`--${flag} must be a Kubernetes name (lower-case letters, digits, '-'; got "${v}")`);
    return v;
  };
  const namespace = name('namespace', flags.namespace, 'jitsi');
  const release = name('release', flags.release, 'jitsi');

  let publicUrl: string | undefined;
  if (flags.publicUrl !== undefined) {
    try {
      const url = new URL(flags.publicUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
      publicUrl = url.origin;
    } catch {
      problems.push(`--public-url must be an http(s) URL such as https://meet.example.org (got "${flags.publicUrl}")`);
    }
  }

  let turn: TurnOptions | undefined;
  if (flags.turnHost !== undefined) {
    if (!/^[A-Za-z0-9.-]+$/.test(flags.turnHost)) problems.push(`--turn-host must be a host name or IP address (got "${flags.turnHost}")`);
    const port = positiveInt('turn-port', flags.turnPort, 65_535) ?? 3478;
    const source = required('turnSecret', flags.turnSecretFile, 'TURN (--turn-host)', '--turn-secret-file');
    turn = { host: flags.turnHost, port, secret: source ?? { kind: 'env', name: SECRET_ENV.turnSecret, id: 'turnSecret' } };
  } else if (flags.turnSecretFile !== undefined) {
    problems.push('--turn-secret-file is given but --turn-host is not: name the host clients reach TURN at');
  }

  let bridgeSelection: DeployOptions['bridgeSelection'];
  if (flags.bridgeSelection !== undefined) {
    if (flags.bridgeSelection !== 'split' && flags.bridgeSelection !== 'region') {
      problems.push(`--bridge-selection must be split or region (got "${flags.bridgeSelection}")`);
    } else if (chart) {
      const chartDefault = chart.octoStrategy === 'SplitBridgeSelectionStrategy' ? 'split' : 'region';
      if (flags.bridgeSelection !== chartDefault && !chart.customJicofoConf) {
        problems.push(
          `chart ${chart.version} fixes jicofo's bridge selection to ${chart.octoStrategy} when octo is enabled ` +
            `(templates/jicofo/configmap.yaml); --bridge-selection ${flags.bridgeSelection} needs chart 3.2.0 or later`,
        );
      } else if (flags.bridgeSelection !== chartDefault) {
        bridgeSelection = flags.bridgeSelection;
      }
    }
  }

  let monitoring: MonitoringOptions | undefined;
  if (flags.monitoring) {
    const grafanaPassword = required('grafanaPassword', flags.grafanaPasswordFile, '--monitoring', '--grafana-password-file');
    const infraDir = path(flags.infraDir ?? DEFAULT_INFRA_DIR);
    if (grafanaPassword || !changesCluster) {
      monitoring = {
        namespace: 'monitoring',
        release: 'monitoring',
        chartVersion: MONITORING_CHART.version,
        grafanaPassword: grafanaPassword ?? { kind: 'env', name: SECRET_ENV.grafanaPassword, id: 'grafanaPassword' },
        dashboardFile: resolve(infraDir, 'grafana/jlt-dashboard.json'),
      };
    }
  }

  const agentsCount = flags.agents === 0 ? undefined : positiveInt('agents', flags.agents, 500);
  const wantsAgents = agentsCount !== undefined || flags.agentHosts === true;
  const agentToken = wantsAgents ? required('agentToken', flags.agentTokenFile, agentsCount !== undefined ? '--agents' : '--agent-hosts', '--agent-token-file') : undefined;
  const botsPerAgent = positiveInt('bots-per-agent', flags.botsPerAgent, 64) ?? 4;

  let coordinatorUrl: string | undefined;
  if (flags.coordinator !== undefined) {
    if (!/^wss?:\/\/[^/\s]+/.test(flags.coordinator)) problems.push(`--coordinator must be ws://HOST:PORT or wss://HOST:PORT (got "${flags.coordinator}")`);
    coordinatorUrl = flags.coordinator;
  }
  if (flags.coordinatorAddress !== undefined && !/^(\d{1,3}\.){3}\d{1,3}$/.test(flags.coordinatorAddress)) {
    problems.push(`--coordinator-address must be an IPv4 address (got "${flags.coordinatorAddress}")`);
  }

  let k8sAgents: K8sAgentOptions | undefined;
  if (agentsCount !== undefined) {
    k8sAgents = {
      count: agentsCount,
      botsPerAgent,
      namespace: name('agent-namespace', flags.agentNamespace, 'jlt'),
      image: flags.agentImage ?? 'jlt-agent:0.1.0',
      cpuPerBotMillis: 300,
      memoryPerBotMiB: 250,
      ...(flags.coordinatorAddress !== undefined ? { coordinatorAddress: flags.coordinatorAddress } : {}),
      coordinatorPort: COORDINATOR_PORT,
    };
  }

  let agentHosts: AgentHostOptions | undefined;
  if (flags.agentHosts) {
    if (flags.inventory === undefined) problems.push('--agent-hosts works on the hosts of the inventory group jlt_agents: pass --inventory FILE');
    if (coordinatorUrl === undefined && changesCluster) problems.push('--agent-hosts needs --coordinator ws://HOST:PORT: the address agent hosts connect to');
    const maxBots = positiveInt('agent-max-bots', flags.agentMaxBots, 500);
    agentHosts = { bundle: path(flags.agentBundle ?? 'results/deploy/jlt-agent.tgz'), ...(maxBots !== undefined ? { maxBots } : {}) };
  }
  if (flags.prepareCluster && flags.inventory === undefined) {
    problems.push('--prepare-cluster runs infra/ansible/cluster.yml on the inventory groups control_planes and workers: pass --inventory FILE');
  }
  const maxBridgeParticipants = positiveInt('max-bridge-participants', flags.maxBridgeParticipants, 10_000);

  if (problems.length > 0) {
    throw new JltError('INVALID_ARGUMENT', `jlt deploy ${action}: ${problems.length === 1 ? problems[0] : `\n  ${problems.join('\n  ')}`}`);
  }
  const sshPassword = secret('sshPassword', flags.sshPasswordFile);
  const vaultPassword = secret('vaultPassword', flags.vaultPasswordFile);
  return {
    state,
    bridges,
    chart: chart!,
    namespace,
    release,
    ...(publicUrl ? { publicUrl } : {}),
    ...(flags.ingressClass ? { ingressClass: flags.ingressClass } : {}),
    ...(turn ? { turn } : {}),
    ...(maxBridgeParticipants !== undefined ? { maxBridgeParticipants } : {}),
    ...(bridgeSelection ? { bridgeSelection } : {}),
    ...(monitoring ? { monitoring } : {}),
    ...(k8sAgents ? { k8sAgents } : {}),
    ...(agentHosts ? { agentHosts } : {}),
    ...(agentToken ? { agentToken } : {}),
    ...(coordinatorUrl ? { coordinatorUrl } : {}),
    ...(flags.inventory !== undefined ? { inventory: path(flags.inventory) } : {}),
    prepareCluster: flags.prepareCluster === true,
    ...(sshPassword ? { sshPassword } : {}),
    ...(vaultPassword ? { vaultPassword } : {}),
    dir: path(flags.dir ?? 'results/deploy'),
    infraDir: path(flags.infraDir ?? DEFAULT_INFRA_DIR),
  };
}
