import { html, type SafeHtml } from '../page/html.js';
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
 * shares, and the bots' summed bitrates per bridge (for the client–server comparison).
 */
export async function clientSeries(context: ReportContext): Promise<ClientSeries> {
  const bucket = bucketSql(context.axis);
  const metrics = CLIENT_METRICS.map((m) => `'${m}'`).join(', ');
  const quantiled = QUANTILED_METRICS.map((m) => `'${m}'`).join(', ');
  // One after another: a store reader is one connection. Percentiles are only computed for the
  // metrics drawn as percentiles (FILTER empties the others' groups), the costliest aggregate here.
  const perConference = await readBucketed(
    context.reader,
    context.axis,
    `SELECT 'c:' || conference || '|' || metric AS k, b, q[1] AS p50, q[2] AS p95, mean, lo, hi
     FROM (SELECT conference, metric, ${bucket} AS b,
                  quantile_cont(value, [0.5, 0.95]) FILTER (WHERE metric IN (${quantiled})) AS q,
                  avg(value)::DOUBLE AS mean, min(value)::DOUBLE AS lo, max(value)::DOUBLE AS hi
           FROM samples WHERE metric IN (${metrics}) AND conference IS NOT NULL GROUP BY ALL)`,
    ['p50', 'p95', 'mean', 'lo', 'hi'],
  );
  const perBridge = await readBucketed(
    context.reader,
    context.axis,
    `SELECT 'b:' || bridge || '|webrtc_rtt_ms' AS k, b, q[1] AS p50, q[2] AS p95
     FROM (SELECT bridge, ${bucket} AS b, quantile_cont(value, [0.5, 0.95]) AS q
           FROM samples WHERE metric = 'webrtc_rtt_ms' AND bridge IS NOT NULL AND bridge <> 'unknown' GROUP BY ALL)`,
    ['p50', 'p95'],
  );
  // Tags and meta are grouped as text first: a run has few distinct ones, so JSON is read per group, not per sample.
  const limitation = await readBucketed(
    context.reader,
    context.axis,
    `SELECT conference || '|' || reason AS k, b, (100.0 * n / sum(n) OVER (PARTITION BY conference, b))::DOUBLE AS share
     FROM (SELECT conference, coalesce(json_extract_string(tags, '$.reason'), 'unknown') AS reason, b, sum(n) AS n
           FROM (SELECT conference, tags::VARCHAR AS tags, ${bucket} AS b, count(*) AS n
                 FROM samples WHERE metric = 'webrtc_quality_limitation' AND conference IS NOT NULL GROUP BY ALL)
           GROUP BY ALL)`,
    ['share'],
  );
  const totals = await readBucketed(
    context.reader,
    context.axis,
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

/** Per conference, the clients' view: one row of small multiples each. */
export function conferencesSection(context: ReportContext, series: ClientSeries): PageSection {
  const stat = (conference: string, metric: string): Record<string, Float32Array> | undefined => series.stats.get(`c:${conference}|${metric}`);
  const rows = context.facts.conferences.map((conference) => {
    const charts: SafeHtml[] = [];
    const missing: string[] = [];
    const add = (title: string, chart: SafeHtml | undefined): void => {
      if (chart) charts.push(chart);
      else missing.push(title);
    };
    const page = context.page;
    const rtt = stat(conference, 'webrtc_rtt_ms');
    add('RTT', addChart(page, { title: 'RTT', unit: 'ms', yGroup: 'conference rtt', series: [{ label: 'p50', values: rtt?.p50 }, { label: 'p95', values: rtt?.p95 }] }));
    const send = stat(conference, 'webrtc_send_kbps');
    const recv = stat(conference, 'webrtc_recv_kbps');
    add('bitrate', addChart(page, { title: 'Bitrate per bot', unit: 'kbps', yGroup: 'conference kbps', series: [{ label: 'send', values: send?.mean }, { label: 'receive', values: recv?.mean }] }));
    const fps = stat(conference, 'webrtc_recv_fps');
    add('receive fps', addChart(page, { title: 'Receive fps', unit: 'fps', yGroup: 'conference fps', series: [{ label: 'mean', values: fps?.mean, band: [fps?.lo, fps?.hi] }] }));
    const height = stat(conference, 'webrtc_recv_frame_height');
    add('received height', addChart(page, { title: 'Received frame height', unit: 'px', yGroup: 'conference height', series: [{ label: 'median', values: height?.p50 }, { label: 'lowest', values: height?.lo }] }));
    const loss = stat(conference, 'webrtc_packet_loss_ratio');
    add('packet loss', addChart(page, { title: 'Packet loss', unit: 'percent', yGroup: 'conference loss', series: [{ label: 'mean', values: percent(loss?.mean) }, { label: 'worst bot', values: percent(loss?.hi) }] }));
    const jitter = stat(conference, 'webrtc_jitter_ms');
    add('jitter', addChart(page, { title: 'Jitter', unit: 'ms', yGroup: 'conference jitter', series: [{ label: 'p50', values: jitter?.p50 }, { label: 'p95', values: jitter?.p95 }] }));
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

function percent(values: Float32Array | undefined): Float32Array | undefined {
  return values?.map((v) => v * 100);
}

const REASON_ORDER = ['none', 'bandwidth', 'cpu', 'other'];
function byReason(a: string, b: string): number {
  const [ia, ib] = [REASON_ORDER.indexOf(a), REASON_ORDER.indexOf(b)];
  return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
}
