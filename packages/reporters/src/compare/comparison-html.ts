import { existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { html, type SafeHtml } from '../report/page/html.js';
import { runDash } from '../report/page/palette.js';
import { filterBar, ReportPage, type PageSection } from '../report/page/report-page.js';
import { elapsedAxis } from '../report/run/buckets.js';
import { insightList, statusLook } from '../report/run/header.js';
import { loadRunFacts, reportSpan } from '../report/run/run-facts.js';
import { writeAtomically } from '../report/run/write-run-report.js';
import { formatClock, formatDuration } from '../report/time-format.js';
import { ResultsDb } from '../store/results-db.js';
import type { Comparison, ComparisonRow, Distribution, Verdict } from './comparison.js';
import { formatDelta, formatInterval, formatPValue, formatRelative, formatRowValue, formatSigned, shortRunWarning, untrustworthyWarning } from './comparison-text.js';
import { bridgeTimelines, conferenceTimelines, lineSample, readRunTimelines, type RunTimelines } from './comparison-timelines.js';
import type { MetricSection } from './metric-rules.js';

export interface ComparisonPageOptions {
  /** Where the page will be written: links to the runs' reports are relative to it. */
  file?: string;
  toolVersion?: string;
}

/** CSS only the comparison and the study index use, added after the report page's. */
export const COMPARISON_CSS = `
.vd { display: inline-block; border-radius: 4px; padding: 0 6px; font-weight: 600; white-space: nowrap; }
.vd-better { background: #e3f4e8; color: var(--ok); }
.vd-worse { background: #fdecea; color: var(--bad); }
.vd-higher, .vd-lower { background: #e5f0f8; color: var(--accent); }
.vd-same { background: var(--panel); color: var(--muted); }
.vd-untested { color: var(--muted); font-weight: 400; }
.nw { white-space: nowrap; }
td .delta { display: block; color: var(--muted); font-size: 12px; }
td .delta.better { color: var(--ok); }
td .delta.worse { color: var(--bad); }
td.verdict-test { min-width: 280px; }
.test { color: var(--muted); font-size: 12px; margin-top: 2px; }
.banner.caution { background: #fff4e0; border-color: #f1cf94; color: #6b3d00; }
.line-sample { vertical-align: middle; }
.line-key { display: inline-flex; margin: 0 4px; vertical-align: middle; }
.runs-insights { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 4px 24px; }
`;

const SECTION_NAMES: Record<MetricSection, string> = { client: 'client', server: 'server', 'load-generator': 'load generator', other: 'other' };
const VERDICT_CLASS: Record<Verdict, string> = {
  better: 'vd-better',
  worse: 'vd-worse',
  higher: 'vd-higher',
  lower: 'vd-lower',
  'no significant difference': 'vd-same',
  'not tested': 'vd-untested',
};
const VERDICT_ORDER: Verdict[] = ['worse', 'better', 'higher', 'lower', 'no significant difference', 'not tested'];

/**
 * The comparison as one self-contained HTML page, built with the run report's page (same CSP,
 * charts, tables): header with every run and a banner when a run's numbers are untrustworthy; per
 * run against the baseline the delta table with verdicts and tests (filterable by verdict and
 * section); normalised figures; thresholds, placement and insights side by side; then every
 * bridge's and conference's timelines with the runs overlaid on time since start (A solid, B
 * dashed, further runs further dash patterns). Reads the runs' stores again for the timelines.
 */
export async function buildComparisonPage(comparison: Comparison, options: ComparisonPageOptions = {}): Promise<string> {
  const timelines: RunTimelines[] = [];
  const read = await Promise.all(
    comparison.runs.map(async (run) => {
      const db = await ResultsDb.open(run.dir);
      const facts = await loadRunFacts(db);
      const startedAt = Date.parse(run.startedAt);
      const end = reportSpan(facts)?.[1] ?? startedAt;
      return { db, facts, startedAt, spanMs: Math.max(0, end - startedAt) };
    }),
  );
  const axis = elapsedAxis(Math.max(...read.map((r) => r.spanMs)));
  const title = `${comparison.runs.slice(1).map((r) => r.label).join(', ')} vs ${comparison.runs[0]!.label}`;
  const page = new ReportPage(`${title} · jlt comparison`, axis);
  try {
    for (const [i, { db, facts, startedAt }] of read.entries()) {
      timelines.push(await readRunTimelines(db, axis, { label: comparison.runs[i]!.label, startedAt, bridges: facts.bridges, conferences: facts.conferences }));
    }
  } finally {
    await Promise.all(read.map((r) => r.db.close()));
  }
  const baseDir = options.file ? dirname(resolve(options.file)) : undefined;
  for (let i = 1; i < comparison.runs.length; i++) page.section(deltaSection(comparison, i));
  if (comparison.normalised.length > 0) page.section(normalisedSection(comparison));
  page.section(thresholdsSection(comparison));
  page.section(placementSection(comparison));
  page.section(insightsSection(comparison));
  page.section(bridgeTimelines(page, timelines));
  page.section(conferenceTimelines(page, timelines));
  return page.render({
    header: header(comparison, title, baseDir),
    footer: html`<footer>Built ${formatClock(Date.now())}${options.toolVersion ? ` by jlt ${options.toolVersion}` : ''} from the runs' results stores. Rebuild with <code>jlt compare ${comparison.runs.map((r) => r.dir).join(' ')} --labels ${comparison.runs.map((r) => r.label).join(',')}</code>.</footer>`,
    css: COMPARISON_CSS,
  });
}

/** Builds the page and writes it to `file` atomically; returns its size in bytes. */
export async function writeComparisonPage(comparison: Comparison, file: string, options: Omit<ComparisonPageOptions, 'file'> = {}): Promise<number> {
  const page = await buildComparisonPage(comparison, { ...options, file });
  await writeAtomically(file, page);
  return Buffer.byteLength(page);
}

function header(comparison: Comparison, title: string, baseDir: string | undefined): SafeHtml {
  const { runs } = comparison;
  const scenarios = [...new Set(runs.map((r) => r.scenario ?? '?'))];
  const untrustworthy = untrustworthyWarning(comparison);
  const short = shortRunWarning(comparison);
  const reportLink = (dir: string): SafeHtml | string => {
    const report = join(dir, 'report.html');
    if (!existsSync(report)) return '–';
    return html`<a href="${baseDir ? relative(baseDir, report) : `file://${report}`}">report</a>`;
  };
  return html`<h1>${title} <span class="subtitle">jlt comparison</span></h1>
<p class="subtitle">${scenarios.length === 1 ? html`scenario <strong>${scenarios[0]}</strong>` : html`scenarios ${scenarios.join(', ')}`} · ${runs[0]!.label} is the baseline every other run is compared with</p>
${untrustworthy ? html`<div class="banner untrustworthy" id="untrustworthy-banner"><strong>This comparison cannot be trusted.</strong>${comparison.untrustworthy.map((u) => html`<div data-run="${u.label}"><strong>${u.label}:</strong> ${u.message}</div>`)}<div>A saturated load generator measures itself: rerun with fewer bots per agent (or more agents) before reading any verdict.</div></div>` : ''}
${short ? html`<div class="banner caution" id="short-run-banner">${short}</div>` : ''}
<table id="runs-table"><thead><tr><th>run</th><th>lines</th><th>scenario</th><th>verdict</th><th>target</th><th class="num">bots joined</th><th class="num">conferences</th><th>warm-up excluded</th><th class="num">analysed</th><th>started</th><th></th></tr></thead><tbody>${runs.map((run, i) => {
    const look = statusLook(run.status ?? 'running');
    return html`<tr data-run="${run.label}"><td><strong>${run.label}</strong></td><td>${lineSample(runDash(i))}</td><td>${run.scenario ?? '?'}</td><td><span class="verdict ${look.tone}" title="${look.words}">${look.badge}</span></td><td>${run.targetKind ?? '?'}${run.bridges.length > 0 ? html` · ${run.bridges.length} bridge${run.bridges.length === 1 ? '' : 's'} (${run.bridges.join(', ')})` : ''}</td><td class="num">${run.bots.joined}${run.bots.planned === undefined ? '' : ` of ${run.bots.planned}`}</td><td class="num">${run.conferences}</td><td>${formatDuration(run.warmUpSeconds * 1000)} <span class="subtitle">(${run.warmUpSource}; server figures ${formatDuration((run.serverWarmUpSeconds - run.warmUpSeconds) * 1000)} more)</span></td><td class="num">${formatDuration(run.analysedSeconds * 1000)}</td><td>${formatClock(Date.parse(run.startedAt))}</td><td>${reportLink(run.dir)}</td></tr>`;
  })}</tbody></table>
<p class="note" id="method">${comparison.method} Level ${Math.round(comparison.level * 100)} %.</p>`;
}

export function verdictBadge(verdict: Verdict): SafeHtml {
  return html`<span class="vd ${VERDICT_CLASS[verdict]}">${verdict}</span>`;
}

/** The side of a delta a reader should notice, for its colour: only verdicts that found a difference get one. */
function deltaTone(verdict: Verdict): string {
  return verdict === 'better' || verdict === 'worse' ? verdict : '';
}

function deltaSection(comparison: Comparison, i: number): PageSection {
  const baseline = comparison.runs[0]!.label;
  const label = comparison.runs[i]!.label;
  const rows = comparison.rows.filter((r) => r.runs[0] || r.runs[i]);
  const id = `deltas-${i}`;
  const verdicts = VERDICT_ORDER.filter((v) => rows.some((r) => (r.versus[i]?.verdict ?? 'not tested') === v));
  const sections = (Object.keys(SECTION_NAMES) as MetricSection[]).filter((s) => rows.some((r) => r.section === s));
  const counts = verdicts.map((v) => `${rows.filter((r) => (r.versus[i]?.verdict ?? 'not tested') === v).length} ${v}`).join(', ');
  const body = html`<p class="note">${baseline} → ${label} for every metric both runs have, after the warm-up (join metrics keep it): ${counts}. Client rows cover all bots; server rows each bridge and all bridges together.</p>
${filterBar(id, [
  { attribute: 'verdict', title: 'verdict', options: verdicts.map((v) => ({ value: v, label: v })) },
  { attribute: 'section', title: 'metrics', options: sections.map((s) => ({ value: s, label: SECTION_NAMES[s] })) },
])}
<div class="scroll"><table id="${id}" class="deltas" data-sortable><thead><tr><th>metric</th><th>scope</th><th class="num">p50</th><th class="num">p95</th><th class="num">p99</th><th class="num">mean</th><th>verdict and test</th></tr></thead><tbody>${rows.map((row) => deltaRow(row, i, label))}</tbody></table></div>`;
  return { id: `deltas-${i}-section`, title: comparison.runs.length > 2 ? `${label} vs ${baseline}` : 'Deltas', body };
}

function deltaRow(row: ComparisonRow, i: number, label: string): SafeHtml {
  const versus = row.versus[i];
  const verdict = versus?.verdict ?? 'not tested';
  const stat = (key: keyof Omit<Distribution, 'count'>): SafeHtml => {
    const base = row.runs[0]?.[key];
    const other = row.runs[i]?.[key];
    const delta = versus?.deltas[key];
    // Breaks only at the arrow: a value never splits from its unit.
    const shown = html`<span class="nw">${base === undefined ? '—' : formatRowValue(base, row.unit)}</span> <span class="nw">→ ${other === undefined ? '—' : formatRowValue(other, row.unit)}</span>`;
    const change = delta ? (delta.relative === undefined ? formatDelta(delta, row.unit) : formatRelative(delta.relative)) : '';
    return html`<td class="num" data-sort="${delta?.relative ?? delta?.absolute ?? ''}">${shown}${change ? html`<span class="delta ${key === 'p50' || key === 'mean' ? deltaTone(verdict) : ''}">${change}</span>` : ''}</td>`;
  };
  const test = versus?.test;
  const testText = test
    ? html`Δ ${test.statistic} ${formatSigned(test.difference, row.unit)}, ${formatInterval(test, row.unit)}, ${formatPValue(test.pValue)} <span title="independent units (bots) and time blocks resampled, baseline and this run">(${test.units[0]}/${test.units[1]} units, ${test.blocks[0]}/${test.blocks[1]} blocks)</span>`
    : (versus?.untestable ?? (row.runs[0] ? `not in ${label}` : 'not in the baseline'));
  return html`<tr data-verdict="${verdict}" data-section="${row.section}" data-row="${row.id}"><td><code>${row.metric}</code></td><td>${row.scope}</td>${stat('p50')}${stat('p95')}${stat('p99')}${stat('mean')}<td class="verdict-test" data-sort="${VERDICT_ORDER.indexOf(verdict)}">${verdictBadge(verdict)}<div class="test">${testText}</div></td></tr>`;
}


function normalisedSection(comparison: Comparison): PageSection {
  const { runs } = comparison;
  const body = html`<p class="note">Figures that make runs of different sizes comparable: server totals per joined participant and per conference, the share of the traffic bridges send that goes to other bridges (relay), and how evenly endpoints spread over bridges (max/mean; 1 is even).</p>
<table id="normalised-table"><thead><tr><th>figure</th>${runs.map((r) => html`<th class="num">${r.label}</th>`)}${runs.slice(1).map((r) => html`<th>${r.label} vs ${runs[0]!.label}</th>`)}</tr></thead><tbody>${comparison.normalised.map(
    (row) =>
      html`<tr data-row="${row.id}"><td>${row.label}</td>${row.runs.map((v) => html`<td class="num">${v === null ? '—' : formatRowValue(v, row.unit)}</td>`)}${row.versus.slice(1).map((versus) =>
        versus
          ? html`<td>${verdictBadge(versus.verdict)} <span class="delta">${formatDelta(versus.delta, row.unit)}</span>${versus.test ? html`<div class="test subtitle">${formatPValue(versus.test.pValue)}</div>` : ''}</td>`
          : html`<td>—</td>`,
      )}</tr>`,
  )}</tbody></table>`;
  return { id: 'normalised', title: 'Normalised', body };
}

function thresholdsSection(comparison: Comparison): PageSection {
  const { runs } = comparison;
  const body =
    comparison.thresholds.length === 0
      ? html`<p class="note">No run has thresholds.</p>`
      : html`<table id="thresholds-table"><thead><tr><th>threshold</th>${runs.map((r) => html`<th>${r.label}</th>`)}</tr></thead><tbody>${comparison.thresholds.map(
          (t) =>
            html`<tr><td><code>${t.key}: ${t.expression}</code></td>${t.runs.map((result) =>
              result === null
                ? html`<td class="subtitle">—</td>`
                : html`<td><span class="${result.passed ? 'pass' : 'fail'}">${result.passed ? '✓' : '✗'}</span> ${result.observed === null ? 'no data' : formatRowValue(result.observed, t.unit)}</td>`,
            )}</tr>`,
        )}</tbody></table><p class="note">As each run judged them (its summary); — where a run does not have the threshold or did not evaluate it.</p>`;
  return { id: 'thresholds', title: 'Thresholds', body };
}

function placementSection(comparison: Comparison): PageSection {
  const body = html`<table id="placement-table"><thead><tr><th>run</th><th>source</th><th>conferences per bridge</th><th>endpoints per bridge</th><th class="num">split conferences</th><th>relays</th></tr></thead><tbody>${comparison.runs.map((run, i) => {
    const p = comparison.placement[i]!;
    if (p.source === 'none') return html`<tr><td><strong>${run.label}</strong></td><td colspan="5" class="subtitle">not recorded (no <code>collect.jvb</code>, and no bot reported its bridge)</td></tr>`;
    return html`<tr data-run="${run.label}"><td><strong>${run.label}</strong></td><td>${p.source === 'debug' ? html`bridges' <code>/debug</code>` : 'the bots'}</td><td>${p.bridges.map((b) => html`<div>${b.bridge}: ${b.conferences}</div>`)}</td><td>${p.bridges.map((b) => html`<div>${b.bridge}: ${b.endpoints}</div>`)}</td><td class="num">${p.splitConferences}${p.maxSimultaneousSplit === undefined ? '' : html`<span class="subtitle"> (at most ${p.maxSimultaneousSplit} at once)</span>`}</td><td>${p.relays.length === 0 ? 'none' : p.relays.map((x) => html`<div>${x.bridge} → ${x.relay}</div>`)}</td></tr>`;
  })}</tbody></table><p class="note">Which bridge held which conference's endpoints over each whole run; each run's report has its placement map.</p>`;
  return { id: 'placement', title: 'Placement', body };
}

function insightsSection(comparison: Comparison): PageSection {
  const body = html`<div class="runs-insights">${comparison.runs.map(
    (run, i) => html`<div data-run="${run.label}"><h3>${run.label}</h3>${insightList(run.insights, Date.parse(run.startedAt), { id: `insights-${i}`, heading: false })}</div>`,
  )}</div>`;
  return { id: 'insights', title: 'Insights', body };
}
