import type { ResultsReader } from '@jlt/core';
import { html, type SafeHtml } from '../page/html.js';
import type { TimeAxis, ValueUnit } from '../page/page-model.js';
import { smallMultiples, type PageSection } from '../page/report-page.js';
import { bucketSql, readBucketed, type BucketedSeries } from './buckets.js';
import { addChart, missingNote, type ReportContext } from './report-context.js';

const CLIENT_METRICS = [
  'webrtc_rtt_ms',
  'webrtc_jitter_ms',
  'webrtc_send_kbps',
  'webrtc_recv_kbps',
  'webrtc_recv_fps',
  'webrtc_recv_frame_height',
  'webrtc_packet_loss_ratio',
];

/** The metrics drawn as percentiles across bots (the others as means and extremes). */
const QUANTILED_METRICS = ['webrtc_rtt_ms', 'webrtc_jitter_ms', 'webrtc_recv_frame_height'];

/** Colours of quality-limitation reasons, WebRTC's four values. */
const REASON_COLORS: Record<string, string> = { none: '#009e73', bandwidth: '#e69f00', cpu: '#d55e00', other: '#7f7f7f' };

export interface ClientSeries {
  /** `conference|metric` and `bridge|metric`: statistics over the bots of a conference / on a bridge per bucket. */
  stats: BucketedSeries;
  /** `conference|reason`: share of samples (%) per quality-limitation reason. */
  limitation: BucketedSeries;
  /** `bridge|metric`: the sum over the bots on a bridge of each bot's mean send/receive kbps per bucket. */
  totals: BucketedSeries;
}

/**
 * Client statistics per bucket, computed on the raw samples in SQL: percentiles and means across
 * the bots of a conference, RTT percentiles across the bots on a bridge, the quality-limitation
 * shares, and the bots' summed bitrates per bridge (for the client–server comparison). On `axis`,
 * as bridgeSeries.
 */
export async function clientSeries(reader: ResultsReader, axis: TimeAxis): Promise<ClientSeries> {
  const bucket = bucketSql(axis);
  const metrics = CLIENT_METRICS.map((m) => `'${m}'`).join(', ');
  const quantiled = QUANTILED_METRICS.map((m) => `'${m}'`).join(', ');
  // One after another: a store reader is one connection. Percentiles are only computed for the
  // metrics drawn as percentiles (FILTER empties the others' groups), the costliest aggregate here.
  const perConference = await readBucketed(
    reader,
    axis,
    `SELECT 'c:' || conference || '|' || metric AS k, b, q[1] AS p50, q[2] AS p95, mean, lo, hi
     FROM (SELECT conference, metric, ${bucket} AS b,
                  quantile_cont(value, [0.5, 0.95]) FILTER (WHERE metric IN (${quantiled})) AS q,
                  avg(value)::DOUBLE AS mean, min(value)::DOUBLE AS lo, max(value)::DOUBLE AS hi
           FROM samples WHERE metric IN (${metrics}) AND conference IS NOT NULL GROUP BY ALL)`,
    ['p50', 'p95', 'mean', 'lo', 'hi'],
  );
  const perBridge = await readBucketed(
    reader,
    axis,
    `SELECT 'b:' || bridge || '|webrtc_rtt_ms' AS k, b, q[1] AS p50, q[2] AS p95
     FROM (SELECT bridge, ${bucket} AS b, quantile_cont(value, [0.5, 0.95]) AS q
           FROM samples WHERE metric = 'webrtc_rtt_ms' AND bridge IS NOT NULL AND bridge <> 'unknown' GROUP BY ALL)`,
    ['p50', 'p95'],
  );
  // Tags and meta are grouped as text first: a run has few distinct ones, so JSON is read per group, not per sample.
  const limitation = await readBucketed(
    reader,
    axis,
    `SELECT conference || '|' || reason AS k, b, (100.0 * n / sum(n) OVER (PARTITION BY conference, b))::DOUBLE AS share
     FROM (SELECT conference, coalesce(json_extract_string(tags, '$.reason'), 'unknown') AS reason, b, sum(n) AS n
           FROM (SELECT conference, tags::VARCHAR AS tags, ${bucket} AS b, count(*) AS n
                 FROM samples WHERE metric = 'webrtc_quality_limitation' AND conference IS NOT NULL GROUP BY ALL)
           GROUP BY ALL)`,
    ['share'],
  );
  const totals = await readBucketed(
    reader,
    axis,
    `SELECT bridge || '|' || metric AS k, b, sum(v)::DOUBLE AS total
     FROM (SELECT bridge, metric, b, json_extract_string(meta, '$.bot') AS bot, sum(s) / sum(n) AS v
           FROM (SELECT bridge, metric, ${bucket} AS b, meta::VARCHAR AS meta, sum(value) AS s, count(*) AS n
                 FROM samples WHERE metric IN ('webrtc_send_kbps', 'webrtc_recv_kbps') AND bridge IS NOT NULL AND bridge <> 'unknown' GROUP BY ALL)
           GROUP BY ALL)
     GROUP BY ALL`,
    ['total'],
  );
  return { stats: new Map([...perConference, ...perBridge]), limitation, totals };
}

/** One per-conference figure: each series is a statistic (`field`) of one client metric per bucket. */
export interface ConferenceFigure {
  /** Named in the note listing what a conference has no data for. */
  name: string;
  title: string;
  unit: ValueUnit;
  yGroup: string;
  series: { label: string; metric: string; field: 'p50' | 'p95' | 'mean' | 'lo' | 'hi'; band?: true; percent?: true }[];
}

/** What the bots of a conference measured, in the order the run report and the comparison show it. */
export const CONFERENCE_FIGURES: readonly ConferenceFigure[] = [
  { name: 'RTT', title: 'RTT', unit: 'ms', yGroup: 'conference rtt', series: [{ label: 'p50', metric: 'webrtc_rtt_ms', field: 'p50' }, { label: 'p95', metric: 'webrtc_rtt_ms', field: 'p95' }] },
  { name: 'bitrate', title: 'Bitrate per bot', unit: 'kbps', yGroup: 'conference kbps', series: [{ label: 'send', metric: 'webrtc_send_kbps', field: 'mean' }, { label: 'receive', metric: 'webrtc_recv_kbps', field: 'mean' }] },
  { name: 'receive fps', title: 'Receive fps', unit: 'fps', yGroup: 'conference fps', series: [{ label: 'mean', metric: 'webrtc_recv_fps', field: 'mean', band: true }] },
  {
    name: 'received height',
    title: 'Received frame height',
    unit: 'px',
    yGroup: 'conference height',
    series: [{ label: 'median', metric: 'webrtc_recv_frame_height', field: 'p50' }, { label: 'lowest', metric: 'webrtc_recv_frame_height', field: 'lo' }],
  },
  {
    name: 'packet loss',
    title: 'Packet loss',
    unit: 'percent',
    yGroup: 'conference loss',
    series: [{ label: 'mean', metric: 'webrtc_packet_loss_ratio', field: 'mean', percent: true }, { label: 'worst bot', metric: 'webrtc_packet_loss_ratio', field: 'hi', percent: true }],
  },
  { name: 'jitter', title: 'Jitter', unit: 'ms', yGroup: 'conference jitter', series: [{ label: 'p50', metric: 'webrtc_jitter_ms', field: 'p50' }, { label: 'p95', metric: 'webrtc_jitter_ms', field: 'p95' }] },
];

/** One series of a conference figure from a run's client series (percent series scaled to 0–100). */
export function conferenceValues(series: ClientSeries, conference: string, figure: ConferenceFigure['series'][number], field: ConferenceFigure['series'][number]['field'] = figure.field): Float32Array | undefined {
  const values = series.stats.get(`c:${conference}|${figure.metric}`)?.[field];
  return figure.percent ? values?.map((v) => v * 100) : values;
}

/** Per conference, the clients' view: one row of small multiples each. */
export function conferencesSection(context: ReportContext, series: ClientSeries): PageSection {
  const rows = context.facts.conferences.map((conference) => {
    const charts: SafeHtml[] = [];
    const missing: string[] = [];
    const add = (title: string, chart: SafeHtml | undefined): void => {
      if (chart) charts.push(chart);
      else missing.push(title);
    };
    const page = context.page;
    for (const figure of CONFERENCE_FIGURES) {
      add(
        figure.name,
        addChart(page, {
          title: figure.title,
          unit: figure.unit,
          yGroup: figure.yGroup,
          series: figure.series.map((s) => ({
            label: s.label,
            values: conferenceValues(series, conference, s),
            ...(s.band ? { band: [conferenceValues(series, conference, s, 'lo'), conferenceValues(series, conference, s, 'hi')] as const } : {}),
          })),
        }),
      );
    }
    const reasons = [...series.limitation.keys()].filter((k) => k.startsWith(`${conference}|`)).map((k) => k.slice(conference.length + 1)).sort(byReason);
    add(
      'quality limitation',
      addChart(page, {
        title: 'Quality limitation (share of bots)',
        unit: 'percent',
        yMin: 0,
        yMax: 100,
        series: reasons.map((reason) => ({ label: reason, values: series.limitation.get(`${conference}|${reason}`)?.share, ...(REASON_COLORS[reason] ? { color: REASON_COLORS[reason] } : {}) })),
      }),
    );
    const note = missingNote(missing);
    return smallMultiples(html`${conference}`, note ? [...charts, note] : charts);
  });
  const body = html`<p class="note">What the bots measured, per conference: percentiles and means across the conference's bots per ${Math.round(context.axis.stepMs / 1000)} s bucket, computed on the raw samples.</p>
${rows.length === 0 ? html`<p class="note">No client samples.</p>` : rows}`;
  return { id: 'conferences', title: 'Conferences', body };
}

/** For each bridge: the bots' RTT and bitrates beside the bridge's own figures, on the coordinator's clock. */
export function clientServerSection(context: ReportContext, clients: ClientSeries, bridges: BucketedSeries): PageSection {
  const rows = context.facts.bridges.map((bridge) => {
    const page = context.page;
    const client = (metric: string): Record<string, Float32Array> | undefined => clients.stats.get(`b:${bridge}|${metric}`);
    const server = (metric: string): Float32Array | undefined => bridges.get(`${bridge}|${metric}`)?.mean;
    const total = (metric: string): Float32Array | undefined => clients.totals.get(`${bridge}|${metric}`)?.total;
    const rtt = client('webrtc_rtt_ms');
    const charts = [
      addChart(page, { title: 'RTT: bots and bridge', unit: 'ms', yGroup: 'cs rtt', series: [{ label: 'bots p50', values: rtt?.p50 }, { label: 'bots p95', values: rtt?.p95 }, { label: 'bridge', values: server('jvb_rtt_ms') }] }),
      addChart(page, { title: 'Into the bridge', unit: 'kbps', yGroup: 'cs kbps', series: [{ label: 'bots send (sum)', values: total('webrtc_send_kbps') }, { label: 'bridge download', values: server('jvb_download_kbps') }] }),
      addChart(page, { title: 'Out of the bridge', unit: 'kbps', yGroup: 'cs kbps', series: [{ label: 'bots receive (sum)', values: total('webrtc_recv_kbps') }, { label: 'bridge upload', values: server('jvb_upload_kbps') }] }),
    ].filter((c): c is SafeHtml => c !== undefined);
    return charts.length === 0 ? undefined : smallMultiples(html`${bridge}`, charts);
  });
  const drawn = rows.filter((r): r is SafeHtml => r !== undefined);
  const body = html`<p class="note">Bots are attributed to the bridge their media goes to. The bots' bitrate is the sum of each bot's mean per bucket; relayed traffic reaches a bridge without passing its local bots.</p>
${drawn.length === 0 ? html`<p class="note">No bridge has both client and server samples.</p>` : drawn}`;
  return { id: 'client-server', title: 'Client vs server', body };
}

const REASON_ORDER = ['none', 'bandwidth', 'cpu', 'other'];
function byReason(a: string, b: string): number {
  const [ia, ib] = [REASON_ORDER.indexOf(a), REASON_ORDER.indexOf(b)];
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}
