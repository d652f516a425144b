import { html } from '../page/html.js';
import { smallMultiples, type PageSection } from '../page/report-page.js';
import { SATURATION_CPU_SHARE, SATURATION_LAG_P95_MS } from '../../insights/saturated-agent.js';
import { bucketSql, readBucketed } from './buckets.js';
import { addChart, missingNote, type ReportContext } from './report-context.js';

/** Per agent: CPU, memory and event-loop lag, with the saturation thresholds the insights use drawn in. */
export async function agentsSection(context: ReportContext): Promise<PageSection> {
  const series = await readBucketed(
    context.reader,
    context.axis,
    `SELECT agent || '|' || metric AS k, ${bucketSql(context.axis)} AS b, avg(value)::DOUBLE AS mean, min(value)::DOUBLE AS lo, max(value)::DOUBLE AS hi
     FROM samples WHERE agent IS NOT NULL AND metric IN ('agent_cpu_cores', 'agent_memory_bytes', 'agent_event_loop_lag_ms') GROUP BY ALL`,
    ['mean', 'lo', 'hi'],
  );
  const coresOf = new Map((context.facts.meta.agents ?? []).map((a) => [a.id, a.cores]));
  const rows = context.facts.agents.map((agent) => {
    const get = (metric: string): Record<string, Float32Array> | undefined => series.get(`${agent}|${metric}`);
    const cores = coresOf.get(agent);
    const cpu = get('agent_cpu_cores');
    const memory = get('agent_memory_bytes');
    const lag = get('agent_event_loop_lag_ms');
    const missing: string[] = [];
    const charts = [
      ['CPU', addChart(context.page, { title: 'CPU (agent and its browsers)', unit: 'cores', ...(cores === undefined ? {} : { rules: [{ value: SATURATION_CPU_SHARE * cores, label: `saturated: ${SATURATION_CPU_SHARE * 100} % of ${cores} cores` }] }), series: [{ label: 'CPU', values: cpu?.mean, band: [cpu?.lo, cpu?.hi] }] })],
      ['memory', addChart(context.page, { title: 'Memory (summed PSS of the process tree)', unit: 'bytes', series: [{ label: 'memory', values: memory?.mean, band: [memory?.lo, memory?.hi] }] })],
      ['event-loop lag', addChart(context.page, { title: 'Event-loop lag (p99 per second)', unit: 'ms', rules: [{ value: SATURATION_LAG_P95_MS, label: `saturated: p95 over 10 s above ${SATURATION_LAG_P95_MS} ms` }], series: [{ label: 'lag', values: lag?.mean, band: [lag?.lo, lag?.hi] }] })],
    ] as const;
    const drawn = charts.flatMap(([name, chart]) => {
      if (!chart) missing.push(name);
      return chart ? [chart] : [];
    });
    const note = missingNote(missing);
    const label = html`${agent}${cores === undefined ? '' : html`<span class="subtitle">${cores} cores</span>`}`;
    return smallMultiples(label, note ? [...drawn, note] : drawn);
  });
  const body = html`<p class="note">The load generators. An agent above a red line was measuring itself as much as the target: the saturated-agent insight flags it (mean CPU over any 10 s above ${SATURATION_CPU_SHARE * 100} % of its cores, or event-loop lag p95 over any 10 s above ${SATURATION_LAG_P95_MS} ms).</p>
${rows.length === 0 ? html`<p class="note">No agent health samples.</p>` : rows}`;
  return { id: 'agents', title: 'Agents', body };
}
