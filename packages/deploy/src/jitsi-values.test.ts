import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chartFacts } from './chart.js';
import { jitsiValues } from './jitsi-values.js';
import { monitoringValues } from './monitoring-values.js';
import { resolveDeployOptions, type DeployFlags } from './options.js';

const env = { JLT_TURN_SECRET: 'turn-canary-8c1f', JLT_GRAFANA_PASSWORD: 'grafana-canary-2b7e', JLT_AGENT_TOKEN: 'token-canary-55aa' };

function options(flags: DeployFlags) {
  return resolveDeployOptions({ infraDir: '/nonexistent/infra', ...flags }, { env, cwd: '/tmp' }, 'plan');
}

/**
 * Every value path of the chart's values.yaml at the tags the facts were read from (keys listed
 * by walking each tag's values.yaml, plus prosody's subchart at v1.5.2): test/fixtures.
 */
function chartKeys(tag: string): Set<string> {
  return new Set(readFileSync(new URL(`../test/fixtures/jitsi-meet-${tag}.keys`, import.meta.url), 'utf8').split('\n').filter(Boolean));
}

/**
 * Keys the chart documents commented out in values.yaml and reads in its templates, and values
 * whose contents are free-form (maps of env vars, affinity, HOCON), so their inner paths are ours.
 */
const COMMENTED = ['jvb.publicIPs', 'web.ingress.ingressClassName'];
const FREE_FORM = ['jvb.affinity', 'jicofo.extraEnvs', 'prosody.extraEnvs', 'web.ingress.hosts', 'jicofo.custom.configs._custom_jicofo_conf'];

function paths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || FREE_FORM.includes(prefix)) return [prefix];
  return Object.entries(value).flatMap(([k, v]) => paths(v, prefix ? `${prefix}.${k}` : k));
}

const get = (values: Record<string, unknown>, path: string): unknown =>
  path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), values);

describe('jitsi-meet values', () => {
  describe.each(['1.5.2', '2.0.0', '3.4.0'])('chart %s', (version) => {
    const keys = chartKeys(`v${version}`);

    it.each([
      ['octo', 2, true],
      ['octo', 3, true],
      ['single', 1, false],
    ] as const)('%s with %i bridges: octo.enabled, replicas, hostPort and node IPs as the facts require', (state, bridges, octo) => {
      const values = jitsiValues(options({ state, ...(state === 'octo' ? { bridges } : {}), chartVersion: version }));
      expect(get(values, 'octo.enabled')).toBe(octo);
      expect(get(values, 'jvb.replicaCount')).toBe(bridges);
      expect(get(values, 'jvb.useHostPort')).toBe(true);
      // 1.5.x and 2.0–2.6 fail to render unless publicIPs or useNodeIP is set (templates/jvb/deployment.yaml).
      expect(get(values, 'jvb.useNodeIP')).toBe(true);
      // From 3.1.0 replicaCount > 1 fails to render while the JVB Service is enabled without hostPort.
      expect(get(values, 'jvb.service.enabled')).toBe(false);
      expect(get(values, 'jvb.UDPPort')).toBe(10000);
      const anti = get(values, 'jvb.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution') as { topologyKey: string; labelSelector: { matchLabels: Record<string, string> } }[];
      expect(anti[0]).toEqual({ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { 'app.kubernetes.io/component': 'jvb', 'app.kubernetes.io/instance': 'jitsi' } } });
    });

    it('sets only values the chart has, with TURN, monitoring, a public URL and jicofo settings', () => {
      const values = jitsiValues(
        options({ state: 'octo', bridges: 2, chartVersion: version, turnHost: 'turn.example.org', monitoring: true, publicUrl: 'https://meet.example.org', ingressClass: 'nginx', maxBridgeParticipants: 5 }),
      );
      const unknown = paths(values).filter((p) => !keys.has(p) && !COMMENTED.includes(p) && !FREE_FORM.includes(p));
      expect(unknown).toEqual([]);
      expect(paths(values).length).toBeGreaterThan(10);
    });

    it('takes the TURN secret from a Kubernetes Secret by name, never by value', () => {
      const values = jitsiValues(options({ state: 'single', chartVersion: version, turnHost: 'turn.example.org' }));
      expect(JSON.stringify(values)).not.toContain(env.JLT_TURN_SECRET);
      if (chartFacts(version).bundledCoturn) {
        expect(values.turnHost).toBe('turn.example.org');
        expect(values.coturn).toMatchObject({ enabled: true, staticAuth: { existingSecretName: 'jitsi-turn' } });
        expect(values.prosody).toBeUndefined();
      } else {
        const envs = (values.prosody as { extraEnvs: { name: string; value?: string; valueFrom?: unknown }[] }).extraEnvs;
        expect(envs.find((e) => e.name === 'TURN_CREDENTIALS')).toEqual({
          name: 'TURN_CREDENTIALS',
          valueFrom: { secretKeyRef: { name: 'jitsi-turn', key: 'TURN_CREDENTIALS' } },
        });
        expect(envs.find((e) => e.name === 'TURN_HOST')?.value).toBe('turn.example.org');
        expect(values.coturn).toBeUndefined();
      }
      expect(get(values, 'jvb.stunServers')).toBe('turn.example.org:3478');
    });

    it('points the JVB ServiceMonitor at the monitoring release, or uses annotations without one', () => {
      const withMonitoring = jitsiValues(options({ state: 'single', chartVersion: version, monitoring: true }));
      expect(get(withMonitoring, 'jvb.metrics')).toEqual({ enabled: true, prometheusAnnotations: false, serviceMonitor: { enabled: true, selector: { release: 'monitoring' } } });
      const without = jitsiValues(options({ state: 'single', chartVersion: version }));
      expect(get(without, 'jvb.metrics')).toEqual({ enabled: true, prometheusAnnotations: true, serviceMonitor: { enabled: false } });
    });
  });

  it('knows which strategy octo.enabled writes in each generation (research §3.2)', () => {
    expect(chartFacts('1.5.2').octoStrategy).toBe('SplitBridgeSelectionStrategy');
    expect(chartFacts('1.5.0').octoStrategy).toBe('SplitBridgeSelectionStrategy');
    expect(chartFacts('2.0.0').octoStrategy).toBe('RegionBasedBridgeSelectionStrategy');
    expect(chartFacts('3.4.0').octoStrategy).toBe('RegionBasedBridgeSelectionStrategy');
    expect(chartFacts('1.5.2').bundledCoturn).toBe(false);
    expect(chartFacts('2.0.0').bundledCoturn).toBe(true);
  });

  it('selects another strategy only where the chart lets it (custom-jicofo.conf from 3.2.0)', () => {
    const values = jitsiValues(options({ state: 'octo', chartVersion: '3.4.0', bridgeSelection: 'split' }));
    expect(get(values, 'jicofo.custom.configs._custom_jicofo_conf')).toBe('jicofo.bridge.selection-strategy = SplitBridgeSelectionStrategy\n');
    expect(() => options({ state: 'octo', chartVersion: '1.5.2', bridgeSelection: 'region' })).toThrow(/fixes jicofo's bridge selection to SplitBridgeSelectionStrategy/);
    expect(() => options({ state: 'octo', chartVersion: '2.5.0', bridgeSelection: 'split' })).toThrow(/needs chart 3.2.0 or later/);
    expect(get(jitsiValues(options({ state: 'octo', chartVersion: '1.5.2', bridgeSelection: 'split' })), 'jicofo')).toBeUndefined();
  });

  it('refuses chart versions outside the known generations', () => {
    expect(() => options({ state: 'single', chartVersion: '1.4.1' })).toThrow(/chart version 1.4.1 is not one jlt knows/);
    expect(() => options({ state: 'single', chartVersion: 'latest' })).toThrow(/--chart-version must be a chart version/);
  });
});

describe('monitoring values', () => {
  it('selects every ServiceMonitor, loads the jlt dashboard by label and reads the admin password from a Secret', () => {
    const values = monitoringValues(options({ state: 'single', monitoring: true }));
    expect(get(values, 'prometheus.prometheusSpec.serviceMonitorSelectorNilUsesHelmValues')).toBe(false);
    expect(get(values, 'grafana.sidecar.dashboards')).toMatchObject({ enabled: true, label: 'grafana_dashboard', labelValue: '1' });
    expect(get(values, 'grafana.admin')).toEqual({ existingSecret: 'jlt-grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' });
    expect(JSON.stringify(values)).not.toContain(env.JLT_GRAFANA_PASSWORD);
  });
});
