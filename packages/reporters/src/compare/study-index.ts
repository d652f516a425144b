import type { Comparison, Verdict } from './comparison.js';
import { formatInterval, formatRelative, formatRowValue } from './comparison-text.js';

/** What a study's index page shows: every run with its outcome and report, every comparison. */
export interface StudyIndex {
  name: string;
  description: string | undefined;
  /** The study file, as given. */
  file: string;
  /** How the study stands: complete, or stopped with runs still to do. */
  complete: boolean;
  states: { name: string; shape: string }[];
  runs: StudyIndexRun[];
  comparisons: StudyIndexComparison[];
}

export interface StudyIndexRun {
  index: number;
  scenario: string;
  state: string;
  /** Where the study stands with this run: ran to its end, started but did not finish, not started. */
  progress: 'done' | 'interrupted' | 'pending';
  /** The run's own status (`passed`, `thresholds-failed`, `interrupted`, …), or `not run`. */
  status: string;
  /** An insight of the run says its numbers cannot be trusted (a saturated agent). */
  untrustworthy: boolean;
  /** Relative to the study directory. */
  dir: string;
  /** Files of the run the page links, relative to the study directory. */
  links: { label: string; href: string }[];
}

export interface StudyIndexComparison {
  scenario: string;
  /** Relative to the study directory. */
  links: { label: string; href: string }[];
  /** Per compared state: how many rows got each verdict, and the headline figures. */
  verdicts: { label: string; versus: string; counts: Partial<Record<Verdict, number>>; headlines: Headline[] }[];
  /** Labels of the compared runs whose numbers cannot be trusted, which makes the comparison untrustworthy. */
  untrustworthy: string[];
  /** Set when the comparison could not be made. */
  error?: string;
}

/** One headline figure of a comparison: the tested statistic of both runs, its change and verdict. */
export interface Headline {
  id: string;
  title: string;
  baseline: string;
  value: string;
  /** Relative change (`+12 %`), or absolute when the baseline is 0. */
  change: string;
  verdict: Verdict;
  /** The tested difference's confidence interval (`95 % CI −12.0 kbps … +733.0 kbps`), when tested. */
  interval?: string;
}

/**
 * What a reader of a study looks at first, when the comparison has them: the clients' experience
 * (RTT, jitter, receive bitrate, fps, frame height, loss), then the bridges' load in total and per
 * participant, and relay traffic. Each compares the statistic its verdict tests.
 */
const HEADLINE_ROWS: readonly { id: string; title: string; unit?: string }[] = [
  { id: 'webrtc_rtt_ms', title: 'RTT' },
  { id: 'webrtc_jitter_ms', title: 'jitter' },
  { id: 'webrtc_recv_kbps', title: 'receive bitrate per bot' },
  { id: 'webrtc_recv_fps', title: 'receive fps' },
  { id: 'webrtc_recv_frame_height', title: 'received frame height' },
  { id: 'webrtc_packet_loss_ratio', title: 'packet loss', unit: 'share' },
  { id: 'jvb_stress{total}', title: 'bridge stress (mean of bridges)' },
  { id: 'jvb_upload_kbps{total}', title: 'bridges sending (sum)' },
  { id: 'jvb_upload_kbps/participant', title: 'bridges sending per participant' },
  { id: 'jvb_relay_send_bps{total}', title: 'relay traffic (sum)' },
];

/** Counts the verdicts of each run compared with the baseline, over metric and normalised rows, and picks its headlines. */
export function verdictCounts(comparison: Comparison): StudyIndexComparison['verdicts'] {
  const baseline = comparison.runs[0]!.label;
  return comparison.runs.slice(1).map((run, offset) => {
    const i = offset + 1;
    const counts: Partial<Record<Verdict, number>> = {};
    for (const versus of [...comparison.rows.map((r) => r.versus[i]), ...comparison.normalised.map((r) => r.versus[i])]) {
      if (versus) counts[versus.verdict] = (counts[versus.verdict] ?? 0) + 1;
    }
    return { label: run.label, versus: baseline, counts, headlines: headlines(comparison, i) };
  });
}

/** The headline figures of run `i` against the baseline, those both runs have. */
export function headlines(comparison: Comparison, i: number): Headline[] {
  return HEADLINE_ROWS.flatMap(({ id, title, unit: shownIn }): Headline[] => {
    const row = comparison.rows.find((r) => r.id === id);
    if (row) {
      const versus = row.versus[i];
      const [base, other] = [row.runs[0], row.runs[i]];
      if (!versus || !base || !other) return [];
      const key = versus.test?.statistic === 'mean' || (!versus.test && row.unit === 'share') ? 'mean' : 'p50';
      const delta = versus.deltas[key];
      const unit = shownIn ?? row.unit;
      const change = delta.relative === undefined ? `${delta.absolute > 0 ? '+' : ''}${formatRowValue(delta.absolute, unit)}` : formatRelative(delta.relative);
      return [{ id, title: `${title}${key === 'p50' ? ', median' : ', mean'}`, baseline: formatRowValue(base[key], unit), value: formatRowValue(other[key], unit), change, verdict: versus.verdict, ...(versus.test ? { interval: formatInterval(versus.test, unit) } : {}) }];
    }
    const normalised = comparison.normalised.find((r) => r.id === id);
    const versus = normalised?.versus[i];
    const [base, other] = [normalised?.runs[0], normalised?.runs[i]];
    if (!normalised || !versus || base === null || base === undefined || other === null || other === undefined) return [];
    const unit = normalised.unit.split('/')[0]!;
    const change = versus.delta.relative === undefined ? formatRowValue(versus.delta.absolute, unit) : formatRelative(versus.delta.relative);
    return [{ id, title, baseline: `${formatRowValue(base, unit)}`, value: `${formatRowValue(other, unit)}`, change, verdict: versus.verdict, ...(versus.test ? { interval: formatInterval(versus.test, unit) } : {}) }];
  });
}

const VERDICT_ORDER: Verdict[] = ['better', 'worse', 'higher', 'lower', 'no significant difference', 'not tested'];

export function formatVerdictCounts(counts: Partial<Record<Verdict, number>>): string {
  return VERDICT_ORDER.filter((v) => counts[v]).map((v) => `${counts[v]} ${v}`).join(', ') || 'no rows';
}

/** The index as Markdown: runs in the study's order, then the comparisons. */
export function formatStudyIndexMarkdown(index: StudyIndex): string {
  const lines = [`# Study ${index.name}`, ''];
  if (index.description) lines.push(index.description, '');
  lines.push(`From \`${index.file}\`${index.complete ? '' : ' — **incomplete**: rerun `jlt study` to finish it (completed runs are kept)'}.`, '');
  lines.push('## States', '', ...index.states.map((s) => `- **${s.name}**: ${s.shape}`), '');
  lines.push('## Runs', '', '| # | scenario | state | status | files |', '|---|---|---|---|---|');
  for (const run of index.runs) {
    const links = run.links.map((l) => `[${l.label}](${encodeURI(l.href)})`).join(' · ') || '—';
    lines.push(`| ${run.index} | ${run.scenario} | ${run.state} | ${run.status}${run.untrustworthy ? ' (untrustworthy)' : ''} | ${links} |`);
  }
  const pending = index.runs.filter((r) => r.progress !== 'done');
  if (pending.length > 0) lines.push('', `Still to do: ${pending.map((r) => `${r.index} (${r.progress})`).join(', ')}.`);
  lines.push('', '## Comparisons', '');
  if (index.comparisons.length === 0) lines.push('None yet: a scenario is compared once it has runs in two states.');
  for (const comparison of index.comparisons) {
    const links = comparison.links.map((l) => `[${l.label}](${encodeURI(l.href)})`).join(' · ');
    lines.push(`- **${comparison.scenario}**: ${comparison.error ? `could not be compared: ${comparison.error}` : links}`);
    if (comparison.untrustworthy.length > 0) lines.push(`  - **⚠ cannot be trusted**: ${untrustworthyRuns(comparison)}`);
    for (const v of comparison.verdicts) {
      lines.push(`  - ${v.label} vs ${v.versus}: ${formatVerdictCounts(v.counts)}`);
      for (const h of v.headlines) lines.push(`    - ${h.title}: ${h.baseline} → ${h.value} (${h.change}), ${h.verdict}${h.interval ? ` (${h.interval})` : ''}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Why a comparison cannot be trusted, in a few words for the index. */
export function untrustworthyRuns(comparison: StudyIndexComparison): string {
  return `the numbers of ${comparison.untrustworthy.join(' and ')} are untrustworthy (a saturated load generator; the comparison says more)`;
}
