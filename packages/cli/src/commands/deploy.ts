import { ExitCode } from '@jlt/core/essentials';
import type { DeployAction, DeployFlags } from '@jlt/deploy';
import type { JltCommand } from './index.js';

/**
 * `jlt deploy plan|apply|status|destroy`: puts a Kubernetes cluster into the study's single-bridge
 * or Octo state (helm, kubectl), optionally with monitoring and agent fleets (an indexed Job in
 * the cluster, or spare machines through Ansible). plan only renders and prints.
 */
const deploy: JltCommand = {
  command: 'deploy <action>',
  describe: 'Put a cluster into the single-bridge or Octo state (helm, kubectl, Ansible): plan, apply, status, destroy',
  builder: (yargs) =>
    yargs
      .positional('action', { type: 'string', choices: ['plan', 'apply', 'status', 'destroy'], describe: 'plan: render and print; apply: run; status: show; destroy: undo apply' })
      .option('state', { type: 'string', choices: ['single', 'octo'], describe: 'single: one bridge, no Octo; octo: --bridges N relaying conferences' })
      .option('bridges', { type: 'number', describe: 'Bridges in the octo state, one per node (default 2)' })
      .option('chart-version', { type: 'string', describe: 'jitsi/jitsi-meet chart version: 1.5.x (the study\'s, default 1.5.2) or 2.0.0 to 3.x' })
      .option('inventory', { type: 'string', describe: 'Ansible inventory (groups control_planes, workers, jlt_agents)' })
      .option('namespace', { type: 'string', describe: 'Namespace of the Jitsi release (default jitsi)' })
      .option('release', { type: 'string', describe: 'Name of the Jitsi release (default jitsi)' })
      .option('public-url', { type: 'string', describe: 'Where Jitsi is reached, e.g. https://meet.example.org (sets publicURL and an Ingress)' })
      .option('ingress-class', { type: 'string', describe: 'IngressClass for the web Ingress' })
      .option('turn-host', { type: 'string', describe: 'TURN/STUN host the clients reach (coturn with its secret from --turn-secret-file or JLT_TURN_SECRET)' })
      .option('turn-port', { type: 'number', describe: 'TURN/STUN port (default 3478)' })
      .option('turn-secret-file', { type: 'string', describe: 'File holding the TURN shared secret (else JLT_TURN_SECRET)' })
      .option('max-bridge-participants', { type: 'number', describe: "Jicofo's max participants of one conference on one bridge" })
      .option('bridge-selection', { type: 'string', choices: ['split', 'region'], describe: "Jicofo's strategy when not the chart's own (chart 3.2.0 or later)" })
      .option('monitoring', { type: 'boolean', default: false, describe: 'Also install kube-prometheus-stack with Grafana and the jlt dashboard' })
      .option('grafana-password-file', { type: 'string', describe: 'File holding the Grafana admin password (else JLT_GRAFANA_PASSWORD)' })
      .option('agents', { type: 'number', describe: 'Agents to run in the cluster as an indexed Job' })
      .option('bots-per-agent', { type: 'number', describe: 'Bots each in-cluster agent runs; sizes its CPU and memory (default 4)' })
      .option('agent-namespace', { type: 'string', describe: 'Namespace of the agent Job and the coordinator Service (default jlt)' })
      .option('agent-image', { type: 'string', describe: 'Agent image built from infra/Containerfile (default jlt-agent:0.1.0)' })
      .option('coordinator', { type: 'string', describe: 'Coordinator URL the agents connect to, ws://HOST:PORT' })
      .option('coordinator-address', { type: 'string', describe: 'IP of a coordinator outside the cluster that the coordinator Service forwards to' })
      .option('agent-token-file', { type: 'string', describe: 'File holding the agent token (else JLT_AGENT_TOKEN)' })
      .option('agent-hosts', { type: 'boolean', default: false, describe: 'Install jlt agent as a systemd service on the inventory group jlt_agents' })
      .option('agent-bundle', { type: 'string', describe: 'jlt bundle for the agent hosts (default results/deploy/jlt-agent.tgz, from scripts/agent-bundle.sh)' })
      .option('agent-max-bots', { type: 'number', describe: 'Bots each agent host runs at once (default: from its cores and memory)' })
      .option('prepare-cluster', { type: 'boolean', default: false, describe: 'First prepare a kubeadm cluster on the inventory (CRI-O, kubeadm, Calico)' })
      .option('ssh-password-file', { type: 'string', describe: 'File holding the ssh password of the inventory hosts (else JLT_SSH_PASSWORD)' })
      .option('vault-password-file', { type: 'string', describe: 'ansible-vault password file (else JLT_VAULT_PASSWORD, else one random per apply)' })
      .option('dir', { type: 'string', describe: 'Where plan and apply write the rendered files (default results/deploy)' })
      .option('json', { type: 'boolean', default: false, describe: 'status: print JSON' })
      .example('$0 deploy plan --state octo --bridges 2', 'write values and manifests, print the helm commands')
      .example('$0 deploy apply --state single --chart-version 3.4.0 --turn-host turn.example.org', 'install or switch to one bridge')
      .example('$0 deploy status', 'bridges, their nodes and IPs, readiness, and the state'),
  async run(args, ctx) {
    const { resolveDeployOptions, planDeploy, applyDeployState, deployStatus, formatStatus, destroyDeploy } = await import('@jlt/deploy');
    const action = args.action as DeployAction;
    const flag = <T>(name: string): T | undefined => args[name] as T | undefined;
    const flags: DeployFlags = {};
    const keys = [
      'state', 'bridges', 'chartVersion', 'inventory', 'namespace', 'release', 'publicUrl', 'ingressClass', 'turnHost', 'turnPort', 'turnSecretFile',
      'maxBridgeParticipants', 'bridgeSelection', 'monitoring', 'grafanaPasswordFile', 'agents', 'botsPerAgent', 'agentNamespace', 'agentImage',
      'coordinator', 'coordinatorAddress', 'agentTokenFile', 'agentHosts', 'agentBundle', 'agentMaxBots', 'prepareCluster', 'sshPasswordFile',
      'vaultPasswordFile', 'dir',
    ] as const;
    for (const key of keys) {
      const value = flag<never>(key);
      if (value !== undefined) flags[key] = value;
    }
    const options = resolveDeployOptions(flags, ctx, action);
    switch (action) {
      case 'plan':
        await planDeploy(options, ctx);
        break;
      case 'apply':
        await applyDeployState(options, ctx);
        break;
      case 'status': {
        const status = await deployStatus(options, ctx);
        ctx.stdout.write(args.json ? `${JSON.stringify(status, null, 2)}\n` : formatStatus(status));
        break;
      }
      case 'destroy':
        await destroyDeploy(options, ctx);
        break;
    }
    return { exitCode: ExitCode.passed };
  },
};

export default deploy;
