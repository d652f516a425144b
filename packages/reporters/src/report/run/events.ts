import { readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { html, type SafeHtml } from '../page/html.js';
import { filterBar, type PageSection } from '../page/report-page.js';
import { formatClock, formatOffset } from '../time-format.js';
import type { ReportContext } from './report-context.js';

/** The report lists at most this many events; the store keeps every one. */
export const MAX_EVENTS = 5_000;
/** Failure screenshots are embedded up to this many bytes in total; later ones are named by path. */
export const MAX_SCREENSHOT_BYTES = 4_000_000;

interface EventRow {
  time: number;
  kind: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  tags: Record<string, string> | null;
  meta: Record<string, string | number | boolean | null> | null;
}

/** What a reader filters by; an event kind belongs to one group. */
const GROUPS = [
  { id: 'join', title: 'joins', kinds: ['bot.joined'] },
  { id: 'failure', title: 'failures', kinds: ['bot.join_failed', 'bot.gave_up', 'agent-prepare-failed', 'agent.refused_bots'] },
  { id: 'crash', title: 'crashes and restarts', kinds: ['bot.crashed', 'bot.restarted'] },
  { id: 'agent', title: 'agents', kinds: ['agent-lost', 'bot-lost', 'bots-redistributed', 'agent.saturated', 'agent.recovered', 'agent-stop-timeout', 'agent-message-rejected', 'conference-split-over-agents'] },
  { id: 'collector', title: 'collectors', kinds: ['collector-error', 'collector-recovered'] },
  { id: 'placement', title: 'placement', kinds: ['conference-split', 'placement-mismatch', 'placement-mismatch-resolved'] },
  { id: 'output', title: 'outputs', kinds: ['output-failed'] },
  { id: 'other', title: 'other', kinds: [] },
] as const;

function groupOf(kind: string): string {
  return GROUPS.find((g) => (g.kinds as readonly string[]).includes(kind))?.id ?? 'other';
}

/** Everything that happened once, in time order, filterable by group, level and text; failure screenshots inline. */
export async function eventsSection(context: ReportContext): Promise<PageSection> {
  const events = await context.reader.rows<EventRow>(
    `SELECT (epoch_us(time) / 1000.0)::DOUBLE AS time, kind, level, message, tags, meta FROM events ORDER BY time, kind LIMIT ${MAX_EVENTS + 1}`,
  );
  const truncated = events.length > MAX_EVENTS;
  const shown = events.slice(0, MAX_EVENTS);
  const failures = context.options.outputFailures ?? context.facts.meta.outputFailures ?? [];
  const end = context.facts.endedAt ?? context.facts.dataTo ?? context.startMs;
  const rows: EventRow[] = [
    ...shown,
    ...failures.map((f): EventRow => ({ time: end, kind: 'output-failed', level: 'error', message: `output "${f.output}" failed in ${f.phase}: ${f.message}`, tags: null, meta: { output: f.output } })),
  ];
  const screenshots = new ScreenshotBudget(context);
  const body: SafeHtml[] = [];
  for (const event of rows) body.push(await eventRow(context, event, screenshots));
  const present = new Set(rows.map((e) => groupOf(e.kind)));
  const levels = new Set(rows.map((e) => e.level));
  const bar = filterBar('events-table', [
    { attribute: 'group', title: 'show', options: GROUPS.filter((g) => present.has(g.id)).map((g) => ({ value: g.id, label: `${g.title} (${rows.filter((e) => groupOf(e.kind) === g.id).length})` })) },
    { attribute: 'level', title: 'level', options: (['error', 'warn', 'info'] as const).filter((l) => levels.has(l)).map((l) => ({ value: l, label: l })) },
  ]);
  return {
    id: 'events',
    title: 'Events',
    body:
      rows.length === 0
        ? html`<p class="note">No events were recorded.</p>`
        : html`${truncated ? html`<p class="note">The first ${MAX_EVENTS.toLocaleString('en-US')} of ${context.facts.events.toLocaleString('en-US')} events; <code>jlt query DIR "SELECT * FROM events"</code> lists them all.</p>` : ''}${bar}
<div class="scroll"><table id="events-table" data-sortable><thead><tr><th>time</th><th>level</th><th>kind</th><th>about</th><th>message</th></tr></thead><tbody>${body}</tbody></table></div>`,
  };
}

async function eventRow(context: ReportContext, event: EventRow, screenshots: ScreenshotBudget): Promise<SafeHtml> {
  const about = [event.meta?.bot, event.tags?.agent, event.tags?.bridge, event.tags?.conference, event.meta?.output].find((v) => typeof v === 'string' && v !== '' && v !== 'unknown');
  const screenshot = typeof event.meta?.screenshot === 'string' ? await screenshots.embed(event.meta.screenshot) : undefined;
  return html`<tr data-group="${groupOf(event.kind)}" data-level="${event.level}" data-kind="${event.kind}"><td data-sort="${event.time}" title="${formatClock(event.time)}">${formatOffset(context.startMs, event.time)}</td><td class="level-${event.level}">${event.level}</td><td><code>${event.kind}</code></td><td>${about ?? ''}</td><td>${event.message}${screenshot ?? ''}</td></tr>`;
}

/** Reads failure screenshots from the run's artifacts and embeds them while the budget lasts. */
class ScreenshotBudget {
  private left = MAX_SCREENSHOT_BYTES;

  constructor(private readonly context: ReportContext) {}

  async embed(path: string): Promise<SafeHtml> {
    const file = await this.locate(path);
    if (!file) return html`<div class="subtitle">screenshot ${basename(path)} is not in this results directory</div>`;
    if (file.size > this.left) return html`<div class="subtitle">screenshot <code>${file.path}</code> (not embedded: the report's screenshot budget is spent)</div>`;
    this.left -= file.size;
    const data = (await readFile(file.path)).toString('base64');
    return html`<details class="shot"><summary>screenshot</summary><img alt="page at the failure: ${basename(path)}" src="data:image/png;base64,${data}"></details>`;
  }

  /**
   * The file of that name under this results directory's artifacts/ (where agents write them).
   * Only the name of the recorded path is used and only PNGs are read: an event cannot make the
   * report embed any other file.
   */
  private async locate(path: string): Promise<{ path: string; size: number } | undefined> {
    const dir = this.context.options.resultsDir;
    const name = basename(path);
    if (!dir || extname(name).toLowerCase() !== '.png') return undefined;
    const candidates = [join(dir, 'artifacts', this.context.facts.runId, name), join(dir, 'artifacts', name)];
    for (const candidate of candidates) {
      const found = await stat(candidate).catch(() => undefined);
      if (found?.isFile()) return { path: candidate, size: found.size };
    }
    return undefined;
  }
}
