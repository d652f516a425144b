import { JltError } from '@jlt/core';

/**
 * What jlt relies on in each generation of the `jitsi/jitsi-meet` chart (jitsi-contrib/jitsi-helm),
 * read from the chart's sources at the tags named; shared/research/jitsi-ground-truth.md §3 and §6
 * summarise them. Only 1.5.x and 2.0.0 to 3.x are known; other versions are refused.
 */
export type ChartGeneration = 'v1' | 'v2';

export type BridgeSelectionStrategy = 'SplitBridgeSelectionStrategy' | 'RegionBasedBridgeSelectionStrategy';

export interface ChartFacts {
  version: string;
  generation: ChartGeneration;
  /**
   * The strategy `octo.enabled` writes into jicofo's ConfigMap as OCTO_BRIDGE_SELECTION_STRATEGY:
   * Split at v1.5.2, RegionBased from v2.0.0 (templates/jicofo/configmap.yaml).
   */
  octoStrategy: BridgeSelectionStrategy;
  /**
   * From v2.0.0 the chart bundles coturn (`coturn.enabled`, `turnHost`) and takes its secret from
   * `coturn.staticAuth.existingSecretName` (key TURN_CREDENTIALS, templates/coturn/_helpers.tpl).
   * v1.5.x has no TURN support: jlt runs its own coturn and hands prosody the TURN variables through
   * `prosody.extraEnvs`, a list of EnvVar rendered with toYaml (charts/prosody/templates/statefulset.yaml),
   * so TURN_CREDENTIALS can be a secretKeyRef.
   */
  bundledCoturn: boolean;
  /**
   * From v3.2.0 `jicofo.custom.configs._custom_jicofo_conf` is mounted as custom-jicofo.conf, which
   * docker-jitsi-meet's jicofo.conf includes last: the only way to pick a strategy other than
   * `octoStrategy`, since OCTO_BRIDGE_SELECTION_STRATEGY itself is hard-coded by the chart.
   */
  customJicofoConf: boolean;
}

const VERSION = /^(\d+)\.(\d+)\.(\d+)$/;

export function parseChartVersion(version: string): [number, number, number] {
  const m = VERSION.exec(version);
  if (!m) throw new JltError('INVALID_ARGUMENT', `--chart-version must be a chart version such as 1.5.2 or 3.4.0 (got "${version}")`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** Facts for a chart version; refuses versions outside the generations jlt knows. */
export function chartFacts(version: string): ChartFacts {
  const [major, minor] = parseChartVersion(version);
  if (major === 1 && minor === 5) {
    return { version, generation: 'v1', octoStrategy: 'SplitBridgeSelectionStrategy', bundledCoturn: false, customJicofoConf: false };
  }
  if (major === 2 || major === 3) {
    return {
      version,
      generation: 'v2',
      octoStrategy: 'RegionBasedBridgeSelectionStrategy',
      bundledCoturn: true,
      customJicofoConf: major === 3 && minor >= 2,
    };
  }
  throw new JltError('INVALID_ARGUMENT', `chart version ${version} is not one jlt knows: use 1.5.x (as in the study) or 2.0.0 to 3.x`, {
    hint: 'the values differ between generations; see shared/research/jitsi-ground-truth.md §3',
  });
}

/** The chart as helm names it, and where it comes from. */
export const JITSI_CHART = { repoName: 'jitsi', repoUrl: 'https://jitsi-contrib.github.io/jitsi-helm/', chart: 'jitsi/jitsi-meet' } as const;

/** The monitoring stack: Prometheus Operator, Prometheus, Grafana, kube-state-metrics, node-exporter. */
export const MONITORING_CHART = {
  repoName: 'prometheus-community',
  repoUrl: 'https://prometheus-community.github.io/helm-charts',
  chart: 'prometheus-community/kube-prometheus-stack',
  version: '67.8.0',
} as const;

/** The study's default: chart 1.5.2 (Jitsi stable-10590), the release current when it ran. */
export const DEFAULT_CHART_VERSION = '1.5.2';
