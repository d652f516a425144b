import type { DeployOptions } from './options.js';

/** Names of what jlt creates in the cluster, in one place so apply, status and destroy agree. */
export function resourceNames(options: Pick<DeployOptions, 'release'>) {
  return {
    /** Key TURN_CREDENTIALS, the name and key the chart's coturn and prosody read. */
    turnSecret: `${options.release}-turn`,
    coturn: `${options.release}-coturn`,
    agentTokenSecret: 'jlt-agent-token',
    agentJob: 'jlt-agents',
    coordinatorService: 'jlt-coordinator',
    grafanaAdminSecret: 'jlt-grafana-admin',
    dashboardConfigMap: 'jlt-dashboard',
  } as const;
}

/** Labels on every object jlt renders itself (not the charts' objects). */
export const JLT_LABELS = { 'app.kubernetes.io/managed-by': 'jlt' } as const;
