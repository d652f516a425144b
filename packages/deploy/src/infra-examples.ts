import { JITSI_CHART, MONITORING_CHART } from './chart.js';
import { jitsiValues } from './jitsi-values.js';
import { agentJob, coordinatorService, coturnManifests, secretReferences, turnserverConf } from './manifests.js';
import { monitoringValues } from './monitoring-values.js';
import { resolveDeployOptions, type DeployFlags } from './options.js';
import { manifestsYaml, valuesYaml, type RenderedFile } from './render.js';

const HEADER =
  '# Rendered by packages/deploy (jlt deploy plan writes the same for your flags); usable by hand.\n' +
  '# Regenerate: pnpm vitest run -u packages/deploy/src/infra-examples.test.ts\n';

/**
 * The files under infra/helm and infra/k8s: what `jlt deploy plan` renders for the study's setup
 * (TURN at turn.example.org, Jitsi at https://meet.example.org, monitoring, 2 bridges in the Octo
 * state, 4 agents in the cluster), so a user can read or apply them without jlt. A test keeps
 * them equal to the renderer's output.
 */
export function infraExamples(): RenderedFile[] {
  const env = { JLT_TURN_SECRET: '-', JLT_GRAFANA_PASSWORD: '-', JLT_AGENT_TOKEN: '-' };
  const base: DeployFlags = { turnHost: 'turn.example.org', publicUrl: 'https://meet.example.org', monitoring: true, agents: 4, infraDir: '/infra' };
  const options = (flags: DeployFlags) => resolveDeployOptions({ ...base, ...flags }, { env, cwd: '/' }, 'plan');
  const files: RenderedFile[] = [];
  for (const [chart, name, range] of [
    ['1.5.2', '1.5.x', 'chart 1.5.x'],
    ['3.4.0', '2.x-3.x', 'chart 2.0.0 to 3.x'],
  ] as const) {
    for (const state of ['single', 'octo'] as const) {
      const o = options({ state, chartVersion: chart, ...(state === 'octo' ? { bridges: 2 } : {}) });
      const comment = `${JITSI_CHART.chart}, ${range}: ${state} state (${o.bridges} bridge${o.bridges === 1 ? '' : 's'})`;
      files.push({ path: `helm/jitsi/values-${state}-${name}.yaml`, content: valuesYaml(jitsiValues(o), comment, HEADER) });
    }
  }
  const octo = options({ state: 'octo', bridges: 2, chartVersion: '1.5.2' });
  files.push({ path: 'helm/monitoring/values.yaml', content: valuesYaml(monitoringValues(octo), `${MONITORING_CHART.chart} ${MONITORING_CHART.version}`, HEADER) });
  files.push({ path: 'helm/coturn/turnserver.conf', content: `# coturn for chart 1.5.x (k8s/coturn.yaml mounts it); the secret comes from the Secret jitsi-turn.\n${turnserverConf(octo)}` });
  files.push({ path: 'k8s/coturn.yaml', content: manifestsYaml(coturnManifests(octo), HEADER) });
  files.push({ path: 'k8s/secrets.yaml', content: manifestsYaml(secretReferences(octo).map((s) => s.manifest), HEADER) });
  files.push({ path: 'k8s/agents-job.yaml', content: manifestsYaml([agentJob(octo)], HEADER) });
  files.push({ path: 'k8s/coordinator-service.yaml', content: manifestsYaml(coordinatorService(octo), HEADER) });
  files.push({
    path: 'k8s/coordinator-service-external.yaml',
    content: manifestsYaml(coordinatorService(options({ state: 'octo', bridges: 2, coordinatorAddress: '192.0.2.10' })), HEADER),
  });
  return files;
}
