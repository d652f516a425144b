import { OutputRegistry } from '@jlt/core';
import { influxdbOutput } from './influxdb/influxdb-output.js';
import { htmlOutput } from './html-output.js';
import { jsonOutput } from './json-output.js';
import { junitOutput } from './junit-output.js';
import { prometheusOutput } from './prometheus/prometheus-output.js';

export { HtmlOutput, htmlOutput } from './html-output.js';
export { JsonOutput, jsonOutput } from './json-output.js';
export { JunitOutput, junitOutput, junitXml } from './junit-output.js';
export { PrometheusOutput, prometheusOutput, type PrometheusOutputOptions } from './prometheus/prometheus-output.js';
export { InfluxdbOutput, influxdbOutput, type InfluxdbOutputOptions } from './influxdb/influxdb-output.js';
export { liveMetricName, type LiveMetricName } from './live/metric-names.js';
export { StoreOutput } from './store-output.js';
export { SummaryOutput, type SummaryOutputOptions } from './summary-output.js';

/** A registry with every built-in output a run can select (`--out NAME`, `outputs:`). */
export function builtinOutputRegistry(): OutputRegistry {
  return new OutputRegistry().register(htmlOutput).register(jsonOutput).register(junitOutput).register(prometheusOutput).register(influxdbOutput);
}

/** The output `--no-report` turns off: the HTML report. */
export const REPORT_OUTPUT = 'html';

/**
 * Outputs every run writes into its results directory (default options) unless the scenario or
 * `--out` names that output itself; `--no-report` takes the report out. A default the registry
 * does not hold is skipped (see selectOutputs), so the report joins runs where it is registered.
 */
export const DEFAULT_OUTPUTS: readonly string[] = [REPORT_OUTPUT, 'junit'];
