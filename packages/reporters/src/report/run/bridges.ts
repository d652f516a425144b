import type { ResultsReader } from '@jlt/core';
import { html, type SafeHtml } from '../page/html.js';
import type { TimeAxis, ValueUnit } from '../page/page-model.js';
import { smallMultiples, type PageSection } from '../page/report-page.js';
import { bucketSql, readBucketed, type BucketedSeries } from './buckets.js';
import { addChart, missingNote, type ReportContext } from './report-context.js';

export interface BridgeFigure {
  title: string;
  unit: ValueUnit;
  series: { metric: string; label: string }[];
  yMax?: number;
}

/** The study's per-bridge figures, in the order the study's Grafana rows showed them. */
export const BRIDGE_FIGURES: readonly BridgeFigure[] = [
  { title: 'CPU (pod)', unit: 'cores', series: [{ metric: 'pod_cpu_cores', label: 'CPU' }] },
  { title: 'Memory (pod)', unit: 'bytes', series: [{ metric: 'pod_memory_bytes', label: 'working set' }] },
  { title: 'Stress', unit: 'ratio', series: [{ metric: 'jvb_stress', label: 'stress' }] },
  {
    title: 'Bitrate',
    unit: 'kbps',
    series: [
      { metric: 'jvb_download_kbps', label: 'down' },
      { metric: 'jvb_upload_kbps', label: 'up' },
    ],
  },
  { title: 'RTT', unit: 'ms', series: [{ metric: 'jvb_rtt_ms', label: 'RTT' }] },
  {
    title: 'Packet rate',
    unit: 'packets/s',
    series: [
      { metric: 'jvb_packet_rate_download', label: 'down' },
      { metric: 'jvb_packet_rate_upload', label: 'up' },
    ],
  },
  { title: 'Local endpoints', unit: 'count', series: [{ metric: 'jvb_local_endpoints', label: 'endpoints' }] },
  { title: 'Conferences', unit: 'count', series: [{ metric: 'jvb_conferences', label: 'conferences' }] },
  {
    title: 'Relay',
    unit: 'bps',
    series: [
      { metric: 'jvb_relay_send_bps', label: 'send' },
      { metric: 'jvb_relay_recv_bps', label: 'receive' },
    ],
  },
];

const SERVER_METRICS = BRIDGE_FIGURES.flatMap((f) => f.series.map((s) => s.metric));

/**
 * Per bridge, mean and min/max per bucket of every server-side figure, keyed `bridge|metric`, on
 * `axis` (a run report's clock axis, or a comparison's axis shifted to one run's start).
 */
export async function bridgeSeries(reader: ResultsReader, axis: TimeAxis): Promise<BucketedSeries> {
  return readBucketed(
    reader,
    axis,
    `SELECT bridge || '|' || metric AS k, ${bucketSql(axis)} AS b,
            avg(value)::DOUBLE AS mean, min(value)::DOUBLE AS lo, max(value)::DOUBLE AS hi
     FROM samples WHERE agent IS NULL AND bridge IS NOT NULL AND metric IN (${SERVER_METRICS.map((m) => `'${m}'`).join(', ')})
     GROUP BY ALL`,
    ['mean', 'lo', 'hi'],
  );
}

/** One row of small multiples per bridge, every chart on the run's time axis and one y range per figure. */
export function bridgesSection(context: ReportContext, series: BucketedSeries): PageSection {
  const { bridges } = context.facts;
  const anyPod = [...series.keys()].some((k) => k.includes('|pod_'));
  const rows: SafeHtml[] = bridges.map((bridge) => {
    const charts: SafeHtml[] = [];
    const missing: string[] = [];
    for (const figure of BRIDGE_FIGURES) {
      if (!anyPod && figure.series[0]!.metric.startsWith('pod_')) continue;
      const chart = addChart(context.page, {
        title: figure.title,
        unit: figure.unit,
        yGroup: `bridge ${figure.title}`,
        series: figure.series.map((s) => {
          const columns = series.get(`${bridge}|${s.metric}`);
          return { label: s.label, values: columns?.mean, band: [columns?.lo, columns?.hi] };
        }),
      });
      if (chart) charts.push(chart);
      else missing.push(figure.title.toLowerCase());
    }
    const note = missingNote(missing);
    return smallMultiples(html`${bridge}`, note ? [...charts, note] : charts);
  });
  const body = html`<p class="note">From the bridges themselves (<code>/colibri/stats</code>${anyPod ? ', pod CPU and memory from Prometheus' : ''}), on the coordinator's clock; lines are means per ${Math.round(context.axis.stepMs / 1000)} s bucket with min–max bands, and one figure has the same scale on every bridge.${anyPod ? '' : ' CPU and memory per bridge come from Prometheus (collect.prometheus), which this run did not query.'}</p>
${bridges.length === 0 ? html`<p class="note">No bridge reported anything: the scenario has no <code>collect.jvb</code>.</p>` : rows}`;
  return { id: 'bridges', title: 'Bridges', body };
}
