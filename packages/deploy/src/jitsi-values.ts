import type { DeployOptions } from './options.js';
import { resourceNames } from './names.js';

/** The JVB pods' labels in every chart generation (templates/jvb/_helpers.tpl). */
export function jvbSelector(release: string): Record<string, string> {
  return { 'app.kubernetes.io/component': 'jvb', 'app.kubernetes.io/instance': release };
}

/**
 * Values for `jitsi/jitsi-meet` in one state. Both states use the same media path, so a run in one
 * compares with a run in the other: every bridge on its own node (`useHostPort`, a required
 * anti-affinity), advertising that node's IP (`useNodeIP`) on UDP 10000, no JVB Service (with
 * hostPort the chart creates none, and from 3.1.0 refuses replicas > 1 behind one). The states
 * differ only in `octo.enabled` and `jvb.replicaCount`.
 */
export function jitsiValues(options: DeployOptions): Record<string, unknown> {
  const { chart, turn } = options;
  const names = resourceNames(options);
  const values: Record<string, unknown> = {};
  if (options.publicUrl) {
    values.publicURL = options.publicUrl;
    values.web = {
      ingress: {
        enabled: true,
        ...(options.ingressClass ? { ingressClassName: options.ingressClass } : {}),
        hosts: [{ host: new URL(options.publicUrl).hostname, paths: ['/'] }],
      },
    };
  }
  const jvb: Record<string, unknown> = {
    replicaCount: options.bridges,
    useHostPort: true,
    useNodeIP: true,
    UDPPort: 10000,
    service: { enabled: false },
    // 1.5.x and 2.0–2.6 add this anti-affinity themselves with useHostPort, later versions do not
    // (templates/jvb/deployment.yaml); set it always so every generation spreads bridges alike.
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: jvbSelector(options.release) }, topologyKey: 'kubernetes.io/hostname' }],
      },
    },
    metrics: {
      enabled: true,
      // The ServiceMonitor needs the Prometheus Operator's CRDs, which --monitoring installs first;
      // without it, pod annotations let any annotation-based scraper find the exporter.
      prometheusAnnotations: options.monitoring === undefined,
      serviceMonitor: options.monitoring ? { enabled: true, selector: { release: options.monitoring.release } } : { enabled: false },
    },
  };
  if (turn) jvb.stunServers = `${turn.host}:${turn.port}`;
  values.jvb = jvb;
  values.octo = { enabled: options.state === 'octo' };

  const jicofo: Record<string, unknown> = {};
  if (options.maxBridgeParticipants !== undefined) jicofo.extraEnvs = { MAX_BRIDGE_PARTICIPANTS: String(options.maxBridgeParticipants) };
  if (options.bridgeSelection) {
    const strategy = options.bridgeSelection === 'split' ? 'SplitBridgeSelectionStrategy' : 'RegionBasedBridgeSelectionStrategy';
    jicofo.custom = { configs: { _custom_jicofo_conf: `jicofo.bridge.selection-strategy = ${strategy}\n` } };
  }
  if (Object.keys(jicofo).length > 0) values.jicofo = jicofo;

  if (turn && chart.bundledCoturn) {
    values.turnHost = turn.host;
    values.coturn = { enabled: true, staticAuth: { existingSecretName: names.turnSecret }, service: { ports: { turn: turn.port } } };
  } else if (turn) {
    // 1.5.x: jlt's own coturn (k8s/coturn.yaml); prosody announces it with the secret by reference.
    values.prosody = {
      extraEnvs: [
        { name: 'STUN_HOST', value: turn.host },
        { name: 'STUN_PORT', value: String(turn.port) },
        { name: 'TURN_HOST', value: turn.host },
        { name: 'TURN_PORT', value: String(turn.port) },
        { name: 'TURN_TRANSPORT', value: 'udp' },
        { name: 'TURN_CREDENTIALS', valueFrom: { secretKeyRef: { name: names.turnSecret, key: 'TURN_CREDENTIALS' } } },
      ],
    };
  }
  return values;
}
