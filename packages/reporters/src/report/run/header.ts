import type { Insight } from '@jlt/core';
import { html, type SafeHtml } from '../page/html.js';
import { formatClock, formatDuration, formatOffset } from '../time-format.js';
import type { ReportContext } from './report-context.js';
import type { BotRow } from './bots.js';
import type { ThresholdRow } from './thresholds.js';

interface StatusLook {
  badge: string;
  tone: 'passed' | 'failed' | 'incomplete';
  words: string;
}

const STATUS: Record<string, StatusLook> = {
  passed: { badge: 'PASSED', tone: 'passed', words: 'completed, every threshold held' },
  'thresholds-failed': { badge: 'FAILED', tone: 'failed', words: 'completed, thresholds failed' },
  aborted: { badge: 'ABORTED', tone: 'failed', words: 'aborted by a threshold with abortOnFail' },
  interrupted: { badge: 'INTERRUPTED', tone: 'incomplete', words: 'interrupted (Ctrl-C or SIGTERM); what was collected is kept' },
  'agent-lost': { badge: 'AGENT LOST', tone: 'failed', words: 'ended because an agent was lost' },
  error: { badge: 'ERROR', tone: 'failed', words: 'ended with an error' },
  running: { badge: 'INCOMPLETE', tone: 'incomplete', words: 'did not finish: the run was killed, or is still going' },
};

export function statusLook(status: string): StatusLook {
  return STATUS[status] ?? { badge: status.toUpperCase(), tone: 'incomplete', words: status };
}

/** The top of the report: what ran, against what, how it ended, on which agents, and what to distrust. */
export function header(context: ReportContext, thresholds: readonly ThresholdRow[], bots: readonly BotRow[]): SafeHtml {
  const { facts, insights } = context;
  const { meta } = facts;
  const status = context.options.status ?? facts.status;
  const look = statusLook(status);
  const end = facts.endedAt ?? facts.dataTo;
  const start = facts.startedAt ?? facts.dataFrom;
  const untrustworthy = insights.filter((i) => i.severity === 'untrustworthy');
  const passed = thresholds.filter((t) => t.passed).length;
  const planned = meta.plan?.bots ?? bots.length;
  const joined = bots.filter((b) => b.joinedAt !== null).length;
  const plan = meta.plan;
  const planWords = plan
    ? (plan.description ?? `${plan.conferences} conference${plan.conferences === 1 ? '' : 's'}, ${plan.bots} bot${plan.bots === 1 ? '' : 's'} over ${formatDuration(plan.rampUpMs)}, then ${formatDuration(plan.holdMs)}`)
    : undefined;
  const target = meta.target;
  return html`<h1>${facts.scenario} <span class="verdict ${look.tone}" id="verdict">${look.badge}</span></h1>
<p class="subtitle">run <code>${facts.runId}</code>${start === undefined ? '' : html` · ${formatClock(start)}`}${start !== undefined && end !== undefined ? html` · ${formatDuration(end - start)}` : ''}</p>
${untrustworthy.length > 0 ? banner(context, untrustworthy) : ''}
${facts.finished || context.options.status ? '' : html`<div class="banner untrustworthy" id="incomplete-banner"><strong>This run did not finish.</strong>It was killed or is still running; this report shows what the store held up to ${end === undefined ? 'its last write' : formatClock(end)}. Thresholds are evaluated from the stored samples.</div>`}
<dl class="facts">
  <dt>Scenario</dt><dd>${facts.scenario}${meta.scenarioFile ? html` <span class="subtitle">(${meta.scenarioFile})</span>` : ''}</dd>
  <dt>Target</dt><dd>${target ? html`${target.kind}${target.url ? html` <code>${target.url}</code>` : ''}${target.bridges?.length ? html` · bridges ${target.bridges.map((b) => b.id).join(', ')}` : ''}` : 'not recorded'}</dd>
  <dt>Plan</dt><dd>${planWords ?? 'not recorded'}</dd>
  <dt>Verdict</dt><dd>${look.words}${meta.reason ? html` — ${meta.reason}` : ''}${meta.error ? html` — ${meta.error}` : ''}; ${thresholds.length === 0 ? 'no thresholds' : `${passed} of ${thresholds.length} thresholds passed`}${planned > 0 ? `; ${joined} of ${planned} bots joined` : ''}</dd>
  <dt>Time</dt><dd>${start === undefined ? 'no samples' : html`${formatClock(start)} to ${end === undefined ? '?' : formatClock(end)}`}${facts.startedAt === undefined && start !== undefined ? ' (from the first sample; the run recorded no start)' : ''}</dd>
  <dt>Data</dt><dd>${facts.samples.toLocaleString('en-US')} samples, ${facts.events.toLocaleString('en-US')} events${facts.malformedMeta.length > 0 ? html` · <span class="level-warn">unreadable run metadata: ${facts.malformedMeta.join(', ')}</span>` : ''}</dd>
  <dt>Agents</dt><dd>${agentsTable(context)}</dd>
  <dt>Tool</dt><dd>${meta.version ? html`jlt ${meta.version}` : 'jlt (version not recorded by the run)'}</dd>
</dl>
${insightList(
    insights.filter((i) => i.severity !== 'untrustworthy'),
    context.startMs,
    { id: 'insights', shownAbove: untrustworthy.length },
  )}`;
}

function banner(context: ReportContext, untrustworthy: readonly Insight[]): SafeHtml {
  return html`<div class="banner untrustworthy" id="untrustworthy-banner"><strong>These numbers are not trustworthy.</strong>${untrustworthy.map((i) => html`<div data-rule="${i.rule}">${i.message}</div>`)}<div>Run fewer bots per agent (or more agents) and measure again${context.facts.agents.length > 0 ? '; the Agents section shows when and how hard' : ''}.</div></div>`;
}

function agentsTable(context: ReportContext): SafeHtml {
  const agents = context.facts.meta.agents;
  if (!agents || agents.length === 0) {
    return context.facts.agents.length === 0 ? html`none recorded` : html`${context.facts.agents.join(', ')} <span class="subtitle">(details are written when a run ends)</span>`;
  }
  const ms = (v: number | undefined): string => (v === undefined ? '–' : `${v.toFixed(1)} ms`);
  return html`<table id="agents-table"><thead><tr><th>agent</th><th>host</th><th>address</th><th class="num">bots</th><th class="num">cores</th><th class="num">clock offset</th><th class="num">± uncertainty</th><th class="num">sync RTT</th><th>state</th></tr></thead><tbody>${agents.map(
    (a) =>
      html`<tr><td>${a.id}</td><td>${a.name ?? '–'}</td><td>${a.address ?? '–'}</td><td class="num">${a.bots ?? '–'}</td><td class="num">${a.cores ?? '–'}</td><td class="num">${a.clockOffsetMs === undefined ? '–' : `${a.clockOffsetMs >= 0 ? '+' : ''}${a.clockOffsetMs.toFixed(1)} ms`}</td><td class="num">${ms(a.clockUncertaintyMs)}</td><td class="num">${ms(a.clockRttMs)}</td><td>${a.lost ? html`<span class="fail">lost</span>` : 'ok'}</td></tr>`,
  )}</tbody></table>`;
}

const SHOWN_PER_RULE = 3;

const SEVERITY_LABEL: Record<Insight['severity'], string> = { untrustworthy: 'untrustworthy', warning: 'warning', info: 'note' };

/**
 * A list of insights with their rule and time since `startMs`, a rule that fires often folded after
 * a few; `shownAbove` insights were already shown (the banner's), which changes the wording.
 */
export function insightList(insights: readonly Insight[], startMs: number, options: { id: string; shownAbove?: number; heading?: boolean }): SafeHtml {
  const { id, shownAbove = 0, heading = true } = options;
  if (insights.length === 0) {
    return html`<p class="note" id="${id}">${shownAbove > 0 ? 'No other insights' : 'Insights: none of the rules found anything'} (the rules are listed in the README, “Insights”).</p>`;
  }
  const item = (i: Insight): SafeHtml =>
    html`<li class="${i.severity}" data-rule="${i.rule}"><strong>${SEVERITY_LABEL[i.severity]}</strong> ${i.message}<span class="rule">${i.rule}${i.time === undefined ? '' : html` · ${formatOffset(startMs, i.time)}`}</span></li>`;
  // A rule that fires for many conferences or bridges shows a few; the rest fold away.
  const groups = [...new Set(insights.map((i) => i.rule))].map((rule) => insights.filter((i) => i.rule === rule));
  return html`${heading ? html`<h3>${shownAbove > 0 ? 'Other insights' : 'Insights'}</h3>` : ''}<ul class="insights" id="${id}">${groups.map((group) =>
    group.length <= SHOWN_PER_RULE
      ? group.map(item)
      : html`${group.slice(0, SHOWN_PER_RULE).map(item)}<li class="more"><details><summary>${group.length - SHOWN_PER_RULE} more ${group[0]!.rule}</summary><ul class="insights">${group.slice(SHOWN_PER_RULE).map(item)}</ul></details></li>`,
  )}</ul>`;
}
