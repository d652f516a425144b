import type { DeployOptions } from './options.js';
import { resourceNames } from './names.js';

/**
 * Values for kube-prometheus-stack (Prometheus Operator, Prometheus, Grafana, kube-state-metrics,
 * node-exporter): the study's "three more charts" as one release. Prometheus selects every
 * ServiceMonitor (the JVB exporter's among them), keeps the cAdvisor pod CPU and memory jlt's
 * `collect.prometheus` queries, accepts remote write (jlt's Prometheus output), and Grafana loads
 * the jlt dashboard from the ConfigMap jlt applies. The admin password comes from a Secret.
 */
export function monitoringValues(options: DeployOptions): Record<string, unknown> {
  const names = resourceNames(options);
  return {
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
        enableRemoteWriteReceiver: true,
        retention: '15d',
        scrapeInterval: '5s',
      },
    },
    grafana: {
      admin: { existingSecret: names.grafanaAdminSecret, userKey: 'admin-user', passwordKey: 'admin-password' },
      sidecar: { dashboards: { enabled: true, label: 'grafana_dashboard', labelValue: '1', searchNamespace: 'ALL' } },
    },
    alertmanager: { enabled: false },
  };
}
