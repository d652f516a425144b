import type { Insight, MetricSummary, RunResult, Summary, ThresholdSummary } from '@jlt/core';
import { formatDuration, formatNumber, formatPercent, formatThresholdValue, formatValue } from './format-value.js';

export interface FormatSummaryOptions {
  /** ANSI colours (green ✓, red ✗, dim dots), for a terminal. */
  color: boolean;
}

type Paint = (text: string) => string;

function painter(color: boolean): Record<'green' | 'red' | 'yellow' | 'dim' | 'bold' | 'alarm', Paint> {
  const paint = (code: string): Paint => (text) => (color ? `\x1b[${code}m${text}\x1b[0m` : text);
  return { green: paint('32'), red: paint('31'), yellow: paint('33'), dim: paint('2'), bold: paint('1'), alarm: paint('1;41;97') };
}

/** The summary as text for the terminal, in k6's layout: thresholds first, then aligned metric lines. */
export function formatSummary(summary: Summary, options: FormatSummaryOptions): string {
  const { green, red, dim, bold } = painter(options.color);
  const lines: string[] = [];
  const { meta, bots } = summary;
  const status = meta.status === undefined ? '' : ` · ${meta.status === 'passed' ? green(meta.status) : red(meta.status)}`;
  lines.push(`  ${bold(meta.scenario)} ${dim(`· run ${meta.runId} · ${formatDuration(meta.durationMs)}`)}${status}`, '');

  if (summary.thresholds.length > 0) {
    lines.push(`  ${bold('THRESHOLDS')}`, '');
    const byKey = new Map<string, ThresholdSummary[]>();
    for (const t of summary.thresholds) byKey.set(t.key, [...(byKey.get(t.key) ?? []), t]);
    for (const [key, thresholds] of byKey) {
      lines.push(`    ${key}`);
      for (const t of thresholds) {
        const mark = t.passed ? green('✓') : red('✗');
        const observed =
          t.observed === null ? 'no samples' : formatThresholdValue(t.aggregation, t.observed, t.unit);
        lines.push(`    ${mark} '${t.expression}' ${dim(`${t.aggregation}=`)}${observed}`);
      }
      lines.push('');
    }
  }

  lines.push(`  ${bold('BOTS')}`, '');
  const failedBots = bots.failed > 0 ? red(String(bots.failed)) : String(bots.failed);
  lines.push(`    planned: ${bots.planned}  joined: ${bots.joined}  failed: ${failedBots}`, '');

  const names = Object.keys(summary.metrics);
  if (names.length > 0) {
    lines.push(`  ${bold('METRICS')}`, '');
    const width = Math.max(...names.map((n) => n.length)) + 3;
    for (const name of names) {
      const metric = summary.metrics[name];
      if (!metric) continue;
      lines.push(`    ${name}${dim('.'.repeat(width - name.length))}: ${formatMetricValues(metric, dim)}`);
    }
    lines.push('');
  }
  if (summary.droppedSamples > 0)
    lines.push(`  ${red(`${summary.droppedSamples} samples were dropped for non-finite values`)}`, '');
  return lines.join('\n');
}

function formatMetricValues(metric: MetricSummary, dim: (text: string) => string): string {
  switch (metric.type) {
    case 'rate':
      return `${formatPercent(metric.rate)} ${dim(`${metric.passes} out of ${metric.passes + metric.fails}`)}`;
    case 'counter':
      return `${formatNumber(metric.count)} ${dim(`${formatNumber(metric.rate)}/s`)}`;
    case 'trend':
    case 'gauge': {
      const stats: [string, number][] = [
        ...(metric.value === undefined ? [] : ([['value', metric.value]] as [string, number][])),
        ['avg', metric.avg],
        ['min', metric.min],
        ['med', metric.med],
        ['max', metric.max],
        ['p(90)', metric['p(90)']],
        ['p(95)', metric['p(95)']],
      ];
      return stats.map(([label, v]) => `${dim(`${label}=`)}${formatValue(v, metric.unit)}`).join(' ');
    }
  }
}


export interface FormatEndOfRunOptions extends FormatSummaryOptions {
  /** The run's results directory, printed last. */
  resultsDir: string;
  /** Makes printed paths relative to this directory when they are inside it. */
  cwd?: string;
}

const SEVERITY_ORDER: Record<Insight['severity'], number> = { untrustworthy: 0, warning: 1, info: 2 };

/**
 * What a person reads when `jlt run` ends: a loud banner when the numbers cannot be trusted, the
 * k6-style summary, then the insights' warnings, the outputs that failed, what each live output
 * delivered, the files written (the HTML report first) and the results directory.
 */
export function formatEndOfRun(result: Pick<RunResult, 'summary' | 'insights' | 'outputFailures' | 'files' | 'deliveries'>, options: FormatEndOfRunOptions): string {
  const { red, yellow, dim, bold, alarm } = painter(options.color);
  const lines: string[] = [];
  const untrustworthy = result.insights.filter((i) => i.severity === 'untrustworthy');
  if (untrustworthy.length > 0) {
    lines.push(`  ${alarm(' UNTRUSTWORTHY ')} ${red(bold(`this run's numbers cannot be trusted: ${untrustworthy.map((i) => i.message).join('; ')}`))}`, '');
  }
  lines.push(formatSummary(result.summary, options));

  const insights = [...result.insights].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  if (insights.length > 0) {
    lines.push(`  ${bold('WARNINGS')}`, '');
    for (const insight of insights) {
      const mark = insight.severity === 'untrustworthy' ? red('✗ untrustworthy') : insight.severity === 'warning' ? yellow('! warning') : dim('i info');
      lines.push(`    ${mark} ${insight.message} ${dim(`(${insight.rule}${insight.subject ? `, ${insight.subject}` : ''})`)}`);
    }
    lines.push('');
  }

  if (result.outputFailures.length > 0) {
    lines.push(`  ${bold('OUTPUT FAILURES')}`, '');
    for (const failure of result.outputFailures) lines.push(`    ${red('✗')} ${failure.output} failed in ${failure.phase}: ${failure.message}`);
    lines.push('');
  }

  const files = [...result.files].sort((a, b) => Number(b.output === 'html') - Number(a.output === 'html'));
  const shown = (path: string): string => {
    if (options.cwd === undefined || !path.startsWith(`${options.cwd}/`)) return path;
    return path.slice(options.cwd.length + 1);
  };
  const label = (output: string): string => (output === 'html' ? 'report' : output);
  const width = Math.max('results'.length, ...files.map((f) => label(f.output).length), ...result.deliveries.map((d) => d.output.length)) + 1;
  for (const delivery of result.deliveries) {
    const dropped = `${groupDigits(delivery.dropped)} dropped`;
    lines.push(`  ${`${delivery.output}:`.padEnd(width + 1)}${groupDigits(delivery.written)} samples written, ${delivery.dropped > 0 ? yellow(dropped) : dropped}`);
  }
  for (const file of files) lines.push(`  ${`${label(file.output)}:`.padEnd(width + 1)}${shown(file.path)}`);
  lines.push(`  ${'results:'.padEnd(width + 1)}${shown(options.resultsDir)}`, '');
  return lines.join('\n');
}

/** 12345 → "12 345": counts a reader compares at a glance. */
function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+$)/g, ' ');
}
