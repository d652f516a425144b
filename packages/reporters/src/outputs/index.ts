import { OutputRegistry } from '@jlt/core';
import { influxdbOutput } from './influxdb/influxdb-output.js';
import { jsonOutput } from './json-output.js';
import { junitOutput } from './junit-output.js';
import { prometheusOutput } from './prometheus/prometheus-output.js';

export { JsonOutput, jsonOutput } from './json-output.js';
export { JunitOutput, junitOutput, junitXml } from './junit-output.js';
export { PrometheusOutput, prometheusOutput, type PrometheusOutputOptions } from './prometheus/prometheus-output.js';
export { InfluxdbOutput, influxdbOutput, type InfluxdbOutputOptions } from './influxdb/influxdb-output.js';
export { liveMetricName, type LiveMetricName } from './live/metric-names.js';
export { StoreOutput } from './store-output.js';
export { SummaryOutput, type SummaryOutputOptions } from './summary-output.js';

/** A registry with every built-in output a run can select (`--out NAME`, `outputs:`). */
export function builtinOutputRegistry(): OutputRegistry {
  return new OutputRegistry().register(jsonOutput).register(junitOutput).register(prometheusOutput).register(influxdbOutput);
}

/**
 * Outputs every run writes into its results directory (default options) unless the scenario or
 * `--out` names that output itself. The HTML report's output joins this list where it is registered
 * above; `--no-report` takes it out again.
 */
export const DEFAULT_OUTPUTS: readonly string[] = ['junit'];

/** The output `--no-report` turns off. */
export const REPORT_OUTPUT = 'html';
