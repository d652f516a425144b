import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterFacts } from './cluster.js';
import type { DeployOptions } from './options.js';

/** One finding: `error` stops apply before anything changes, `warning` is shown and apply goes on. */
export interface PreflightFinding {
  level: 'error' | 'warning';
  message: string;
}

const INSTALL_HINT: Record<string, string> = {
  kubectl: 'install kubectl matching your cluster (https://kubernetes.io/docs/tasks/tools/)',
  helm: 'install helm 3 (https://helm.sh/docs/intro/install/)',
  'ansible-runner': 'on Debian: apt-get install python3-ansible-runner ansible-core',
  'ansible-playbook': 'on Debian: apt-get install ansible-core',
};

/**
 * The ports the study's clients and bridges needed. The bridges bind 10000/udp on their nodes
 * (hostPort); 3478 is TURN/STUN; 443 reaches the web and signalling through the ingress; 4443/tcp
 * is JVB's TCP fallback, which the chart disables (JVB_TCP_HARVESTER_DISABLED in 1.5.x).
 */
export function requiredPorts(options: DeployOptions): string[] {
  const ports = ['443/tcp to the ingress (web, XMPP over BOSH)', `10000/udp to every bridge node (media; ${options.bridges} node${options.bridges === 1 ? '' : 's'})`];
  if (options.turn) ports.push(`${options.turn.port}/udp and /tcp to ${options.turn.host} (TURN/STUN)`);
  ports.push('4443/tcp only if JVB TCP is turned on (the chart leaves it off)');
  return ports;
}

/** Checks what apply needs against what the cluster and this machine have; nothing is changed. */
export function preflight(options: DeployOptions, facts: ClusterFacts): PreflightFinding[] {
  const findings: PreflightFinding[] = [];
  const error = (message: string) => findings.push({ level: 'error', message });
  const warning = (message: string) => findings.push({ level: 'warning', message });

  const usesAnsible = options.prepareCluster || options.agentHosts !== undefined;
  const needed: (keyof ClusterFacts['tools'])[] = ['kubectl', 'helm', ...(usesAnsible ? (['ansible-runner', 'ansible-playbook'] as const) : [])];
  for (const tool of needed) {
    const fact = facts.tools[tool];
    if (!fact.found) error(`${tool} is not installed (not on PATH): ${INSTALL_HINT[tool]}`);
  }
  const helmVersion = facts.tools.helm.version;
  if (helmVersion && !/^v?3\./.test(helmVersion)) error(`helm ${helmVersion} found; the charts need helm 3`);

  if (usesAnsible) checkInventory(options.inventory!, error, warning);
  if (options.agentHosts && !existsSync(options.agentHosts.bundle)) {
    error(`the agent bundle ${options.agentHosts.bundle} does not exist: build it with scripts/agent-bundle.sh (or pass --agent-bundle FILE)`);
  }

  if (facts.tools.kubectl.found) {
    if (facts.context === undefined && options.prepareCluster) {
      warning(`no kube context yet (${facts.unreachable ?? 'kubectl config current-context failed'}); cluster.yml creates the cluster, set KUBECONFIG to its admin.conf before the charts install`);
    } else if (facts.context === undefined) {
      error(`no kube context (kubectl: ${(facts.unreachable ?? 'current-context failed').replace(/^error: /, '')}); set KUBECONFIG or run kubectl config use-context NAME`);
    } else if (facts.nodes === undefined) {
      error(`cannot reach the cluster of context ${facts.context}: ${facts.unreachable ?? 'kubectl get nodes failed'}`);
    }
  }
  if (facts.nodes) {
    const usable = facts.nodes.filter((n) => n.schedulable);
    if (usable.length < options.bridges) {
      error(
        `${options.bridges} bridges with useHostPort need ${options.bridges} schedulable nodes (one bridge per node, UDP 10000 on each); ` +
          `the cluster has ${usable.length}${usable.length > 0 ? ` (${usable.map((n) => n.name).join(', ')})` : ''}`,
      );
    } else if (options.k8sAgents && usable.length - options.bridges < 1) {
      error(`agents keep off bridge nodes, and ${usable.length} schedulable nodes with ${options.bridges} bridges leave none for them`);
    }
    for (const n of facts.nodes.filter((node) => !node.ready)) warning(`node ${n.name} is not Ready`);
  }
  for (const use of facts.hostPorts ?? []) {
    const clash =
      (use.port === 10000 && use.protocol === 'UDP') ||
      (options.turn !== undefined && !options.chart.bundledCoturn && use.port === options.turn.port && !use.pod.startsWith(`${options.release}-coturn`));
    if (clash) error(`port ${use.port}/${use.protocol.toLowerCase()} is already bound on node ${use.node ?? '?'} by pod ${use.namespace}/${use.pod}`);
  }
  const release = facts.releases[options.release];
  if (release && release.status !== 'deployed') warning(`release ${options.release} is in status ${release.status}; helm upgrade may refuse until it is fixed or rolled back`);
  return findings;
}

function checkInventory(inventory: string, error: (m: string) => void, warning: (m: string) => void): void {
  if (!existsSync(inventory)) {
    error(`inventory ${inventory} does not exist`);
    return;
  }
  // The study kept ansible_ssh_pass in clear in host_vars/; say where, so it can move to a vault.
  const base = statSync(inventory).isDirectory() ? inventory : join(inventory, '..');
  const files = statSync(inventory).isDirectory() ? listFiles(inventory) : [inventory, ...['host_vars', 'group_vars'].flatMap((d) => listFiles(join(base, d)))];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      const m = /^\s*(ansible_ssh_pass|ansible_password|ansible_become_pass(?:word)?)\s*[:=]\s*(\S.*)$/.exec(line);
      if (m && !/^!vault|^["']?\{\{/.test(m[2]!)) {
        warning(`${file}:${i + 1}: ${m[1]} is in clear; move it to an ansible-vault file or pass --ssh-password-file`);
      }
    });
  }
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}
