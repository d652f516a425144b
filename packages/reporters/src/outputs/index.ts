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

/** A registry with every built-in output. */
export function builtinOutputRegistry(): OutputRegistry {
  return new OutputRegistry().register(jsonOutput).register(junitOutput).register(prometheusOutput).register(influxdbOutput);
}
