import type { MetricSection } from './metric-rules.js';
import type { Comparison, ComparisonRow, Distribution } from './comparison.js';
import {
  VERDICT_MARKS,
  formatDelta,
  formatRelative,
  formatRowValue,
  formatTest,
  rowTitle,
  shortRunWarning,
  untrustworthyWarning,
} from './comparison-text.js';

const SECTION_TITLES: Record<MetricSection, string> = {
  client: 'Client (per bot, after the warm-up)',
  server: 'Server (per bridge and all bridges, after the warm-up)',
  'load-generator': 'Load generator (no better side)',
  other: 'Other metrics',
};

/**
 * The comparison as GitHub-flavoured Markdown for a pull-request comment: the runs, then per run
 * compared with the baseline one table per section, each metric row `baseline → run (Δ)` for p50,
 * p95, p99 and mean with the verdict and its test; then normalised figures, thresholds, placement.
 */
export function formatComparisonMarkdown(comparison: Comparison): string {
  const { runs } = comparison;
  const baseline = runs[0]!;
  const lines: string[] = [`### jlt compare: ${runs.slice(1).map((r) => r.label).join(', ')} vs ${baseline.label}`, ''];
  for (const warning of [untrustworthyWarning(comparison), shortRunWarning(comparison)]) {
    if (warning) lines.push(`> **⚠ ${warning}**`, '');
  }
  lines.push(
    table(
      ['run', 'scenario', 'status', 'bots joined', 'conferences', 'bridges', 'warm-up excluded', 'analysed'],
      runs.map((r) => [
        `**${r.label}**`,
        r.scenario ?? '?',
        r.status ?? '?',
        `${r.bots.joined}${r.bots.planned === undefined ? '' : `/${r.bots.planned}`}`,
        String(r.conferences),
        r.bridges.join(', ') || '—',
        `${r.warmUpSeconds.toFixed(1)} s (${r.warmUpSource}; server +${(r.serverWarmUpSeconds - r.warmUpSeconds).toFixed(0)} s)`,
        `${r.analysedSeconds.toFixed(1)} s`,
      ]),
    ),
    '',
    `_${comparison.method}_`,
    '',
  );
  for (let i = 1; i < runs.length; i++) {
    const label = runs[i]!.label;
    if (runs.length > 2) lines.push(`#### ${label} vs ${baseline.label}`, '');
    for (const section of Object.keys(SECTION_TITLES) as MetricSection[]) {
      const rows = comparison.rows.filter((r) => r.section === section && (r.runs[0] || r.runs[i]));
      if (rows.length === 0) continue;
      lines.push(`**${SECTION_TITLES[section]}** — ${baseline.label} → ${label}`, '');
      lines.push(table(['metric', 'p50', 'p95', 'p99', 'mean', 'verdict'], rows.map((row) => metricCells(row, i))), '');
    }
    if (comparison.normalised.length > 0) {
      lines.push(`**Normalised** — ${baseline.label} → ${label}`, '');
      lines.push(
        table(
          ['figure', 'value', 'verdict'],
          comparison.normalised.map((row) => {
            const versus = row.versus[i];
            const values = `${cell(row.runs[0], row.unit)} → ${cell(row.runs[i], row.unit)}${versus ? ` (${formatDelta(versus.delta, row.unit)})` : ''}`;
            const verdict = versus ? VERDICT_MARKS[versus.verdict] + ` (${versus.test ? formatTest(versus.test, row.unit) : versus.untestable})` : '—';
            return [row.label, values, verdict];
          }),
        ),
        '',
      );
    }
  }
  if (comparison.unmatchedMetrics.length > 0) {
    lines.push(`Not compared (only in some runs): ${comparison.unmatchedMetrics.map((m) => `\`${m.metric}\` (${m.runs.join(', ')})`).join(', ')}`, '');
  }
  if (comparison.thresholds.length > 0) {
    lines.push('**Thresholds**', '');
    lines.push(
      table(
        ['threshold', ...runs.map((r) => r.label)],
        comparison.thresholds.map((t) => [
          `\`${t.key}: ${t.expression}\``,
          ...t.runs.map((result) => (result === null ? '—' : `${result.passed ? '✓' : '✗'} ${result.observed === null ? 'no data' : formatRowValue(result.observed, t.unit)}`)),
        ]),
      ),
      '',
    );
  }
  lines.push('**Placement**', '');
  lines.push(
    table(
      ['run', 'conferences per bridge', 'endpoints per bridge', 'split conferences', 'relays'],
      runs.map((r, i) => {
        const p = comparison.placement[i]!;
        if (p.source === 'none') return [`**${r.label}**`, 'not recorded', '—', '—', '—'];
        return [
          `**${r.label}**`,
          p.bridges.map((b) => `${b.bridge}: ${b.conferences}`).join(', '),
          p.bridges.map((b) => `${b.bridge}: ${b.endpoints}`).join(', '),
          `${p.splitConferences}${p.maxSimultaneousSplit === undefined ? '' : ` (at most ${p.maxSimultaneousSplit} at once)`}`,
          p.relays.map((x) => `${x.bridge}→${x.relay}`).join(', ') || 'none',
        ];
      }),
    ),
    '',
  );
  return `${lines.join('\n').trimEnd()}\n`;
}

function metricCells(row: ComparisonRow, i: number): string[] {
  const base = row.runs[0];
  const other = row.runs[i];
  const versus = row.versus[i];
  const stat = (key: keyof Omit<Distribution, 'count'>): string => {
    const values = `${cell(base?.[key], row.unit)} → ${cell(other?.[key], row.unit)}`;
    if (!versus) return values;
    const delta = versus.deltas[key];
    return `${values} (${delta.relative === undefined ? formatDelta(delta, row.unit) : formatRelative(delta.relative)})`;
  };
  const verdict = versus ? `${VERDICT_MARKS[versus.verdict]}<br>${versus.test ? formatTest(versus.test, row.unit) : versus.untestable}` : '—';
  return [`\`${rowTitle(row)}\``, stat('p50'), stat('p95'), stat('p99'), stat('mean'), verdict];
}

function cell(value: number | null | undefined, unit: string): string {
  return value === null || value === undefined ? '—' : formatRowValue(value, unit);
}

/** A GitHub table; pipes inside cells are escaped. */
function table(head: string[], rows: string[][]): string {
  const escape = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');
  return [
    `| ${head.map(escape).join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.map(escape).join(' | ')} |`),
  ].join('\n');
}
