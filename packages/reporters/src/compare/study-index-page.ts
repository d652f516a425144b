import { html, type SafeHtml } from '../report/page/html.js';
import { ReportPage } from '../report/page/report-page.js';
import { statusLook } from '../report/run/header.js';
import { formatClock } from '../report/time-format.js';
import { COMPARISON_CSS, verdictBadge } from './comparison-html.js';
import { formatVerdictCounts, untrustworthyRuns, type StudyIndex, type StudyIndexRun } from './study-index.js';

const PROGRESS_WORDS: Record<StudyIndexRun['progress'], string> = {
  done: 'done',
  interrupted: 'interrupted — redone by the next jlt study',
  pending: 'pending',
};

const INDEX_CSS = `
.progress-done { color: var(--ok); font-weight: 600; }
.progress-interrupted { color: var(--warn); font-weight: 600; }
.progress-pending { color: var(--muted); }
.links a { margin-right: 8px; }
.headlines td, .headlines th { padding: 3px 10px; }
`;

/**
 * The study's index as an HTML page (the run report's page, without charts): every run in the
 * study's order with its progress (done, interrupted, pending), its verdict and links to its
 * report and files; every comparison with a link, its verdict counts and headline deltas. Links
 * are relative to the study directory, where the page is written.
 */
export async function buildStudyIndexPage(index: StudyIndex, options: { toolVersion?: string } = {}): Promise<string> {
  const page = new ReportPage(`Study ${index.name} · jlt`, { kind: 'elapsed', startMs: 0, stepMs: 1000, count: 2 });
  page.section({ id: 'runs', title: 'Runs', body: runsTable(index) });
  page.section({ id: 'comparisons', title: 'Comparisons', body: comparisons(index) });
  page.section({
    id: 'states',
    title: 'States',
    body: html`<dl class="facts">${index.states.map((s) => html`<dt>${s.name}</dt><dd>${s.shape}</dd>`)}</dl>`,
  });
  const done = index.runs.filter((r) => r.progress === 'done').length;
  return page.render({
    header: html`<h1>Study ${index.name} <span class="verdict ${index.complete ? 'passed' : 'incomplete'}" id="study-progress">${index.complete ? 'COMPLETE' : 'INCOMPLETE'}</span></h1>
${index.description ? html`<p>${index.description}</p>` : ''}
<p class="subtitle">From <code>${index.file}</code> · ${done} of ${index.runs.length} runs done · ${index.states.length} states × ${new Set(index.runs.map((r) => r.scenario)).size} scenarios</p>
${index.complete ? '' : html`<div class="banner caution" id="incomplete-banner">Not every run is done: run <code>jlt study ${index.file}</code> again to finish; it skips the runs that are done and redoes interrupted ones.</div>`}`,
    footer: html`<footer>Written ${formatClock(Date.now())}${options.toolVersion ? ` by jlt ${options.toolVersion}` : ''}; <code>index.md</code> beside it has the same in Markdown.</footer>`,
    css: COMPARISON_CSS + INDEX_CSS,
  });
}

function runsTable(index: StudyIndex): SafeHtml {
  return html`<table id="runs-table" data-sortable><thead><tr><th class="num">#</th><th>scenario</th><th>state</th><th>progress</th><th>verdict</th><th>files</th></tr></thead><tbody>${index.runs.map((run) => {
    const look = statusLook(run.status);
    return html`<tr data-progress="${run.progress}" data-run="${run.dir}"><td class="num">${run.index}</td><td>${run.scenario}</td><td>${run.state}</td><td class="progress-${run.progress}">${PROGRESS_WORDS[run.progress]}</td><td>${run.status === 'not run' ? html`<span class="subtitle">not run</span>` : html`<span class="verdict ${look.tone}" title="${look.words}">${look.badge}</span>`}${run.untrustworthy ? html` <span class="vd vd-worse" title="an insight says this run's numbers cannot be trusted; its report says why">untrustworthy</span>` : ''}</td><td class="links">${run.links.length === 0 ? '—' : run.links.map((l) => html`<a href="${l.href}">${l.label}</a>`)}</td></tr>`;
  })}</tbody></table>`;
}

function comparisons(index: StudyIndex): SafeHtml {
  if (index.comparisons.length === 0) return html`<p class="note">None yet: a scenario is compared once it has completed runs in two states.</p>`;
  return html`${index.comparisons.map((comparison) => {
    if (comparison.error) return html`<h3>${comparison.scenario}</h3><p class="fail" data-comparison="${comparison.scenario}">could not be compared: ${comparison.error}</p>`;
    return html`<div data-comparison="${comparison.scenario}"><h3>${comparison.scenario} <span class="links">${comparison.links.map((l) => html`<a href="${l.href}">${l.label}</a>`)}</span></h3>${comparison.untrustworthy.length > 0 ? html`<div class="banner untrustworthy" data-untrustworthy><strong>This comparison cannot be trusted.</strong>${untrustworthyRuns(comparison)}.</div>` : ''}${comparison.verdicts.map(
      (v) => html`<p class="note">${v.label} vs ${v.versus}: ${formatVerdictCounts(v.counts)}.</p>
${
  v.headlines.length === 0
    ? ''
    : html`<table class="headlines"><thead><tr><th>headline</th><th class="num">${v.versus}</th><th class="num">${v.label}</th><th class="num">change</th><th>verdict</th></tr></thead><tbody>${v.headlines.map(
        (h) => html`<tr data-headline="${h.id}"><td>${h.title}</td><td class="num">${h.baseline}</td><td class="num">${h.value}</td><td class="num">${h.change}</td><td>${verdictBadge(h.verdict)}${h.interval ? html` <span class="subtitle nw">${h.interval}</span>` : ''}</td></tr>`,
      )}</tbody></table>`
}`,
    )}</div>`;
  })}`;
}
