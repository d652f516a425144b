import type { Comparison, Verdict } from './comparison.js';

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
  /** `passed`, `thresholds-failed`, …, or `not run`. */
  status: string;
  /** Relative to the study directory. */
  dir: string;
  /** Files of the run the page links, relative to the study directory. */
  links: { label: string; href: string }[];
}

export interface StudyIndexComparison {
  scenario: string;
  /** Relative to the study directory. */
  links: { label: string; href: string }[];
  /** Per compared state: how many rows got each verdict. */
  verdicts: { label: string; versus: string; counts: Partial<Record<Verdict, number>> }[];
  /** Set when the comparison could not be made. */
  error?: string;
}

/** Counts the verdicts of each run compared with the baseline, over metric and normalised rows. */
export function verdictCounts(comparison: Comparison): StudyIndexComparison['verdicts'] {
  const baseline = comparison.runs[0]!.label;
  return comparison.runs.slice(1).map((run, offset) => {
    const i = offset + 1;
    const counts: Partial<Record<Verdict, number>> = {};
    for (const versus of [...comparison.rows.map((r) => r.versus[i]), ...comparison.normalised.map((r) => r.versus[i])]) {
      if (versus) counts[versus.verdict] = (counts[versus.verdict] ?? 0) + 1;
    }
    return { label: run.label, versus: baseline, counts };
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
    lines.push(`| ${run.index} | ${run.scenario} | ${run.state} | ${run.status} | ${links} |`);
  }
  lines.push('', '## Comparisons', '');
  if (index.comparisons.length === 0) lines.push('None yet: a scenario is compared once it has runs in two states.');
  for (const comparison of index.comparisons) {
    const links = comparison.links.map((l) => `[${l.label}](${encodeURI(l.href)})`).join(' · ');
    lines.push(`- **${comparison.scenario}**: ${comparison.error ? `could not be compared: ${comparison.error}` : links}`);
    for (const v of comparison.verdicts) lines.push(`  - ${v.label} vs ${v.versus}: ${formatVerdictCounts(v.counts)}`);
  }
  return `${lines.join('\n')}\n`;
}
