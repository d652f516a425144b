/**
 * @jlt/jitsi: everything Jitsi-specific. Schemas and parsers for the JVB HTTP surfaces
 * (`/colibri/stats`, `/debug`, `/about/*`, `/metrics`), the exporter's and JVB's Prometheus text,
 * Jicofo stats, a JVB HTTP client, meeting URLs with Jitsi's hash config, prejoin selectors and
 * self-contained in-page probes.
 */
export * from './payload.js';
export * from './jvb-gauges.js';
export * from './colibri-stats.js';
export * from './colibri-stats-keys.js';
export * from './debug.js';
export * from './about.js';
export * from './jicofo.js';
export * from './config-whitelist.js';
export * from './meeting.js';
export * from './selectors.js';
export * from './page-probes.js';
export * from './prometheus-text.js';
export * from './jvb-prometheus.js';
export * from './client.js';
export * from './bridge-channel.js';
export * from './browser/layout.js';
export * from './browser/video-quality.js';
