import type { Disagreement, PlacementRow } from '../../insights/placement-disagreement.js';
import { groupBy } from '../../insights/group-by.js';
import { html } from '../page/html.js';
import type { PlacementConference, PlacementEndpoint, PlacementMapData, PlacementSpan } from '../page/page-model.js';
import { paletteColor } from '../page/palette.js';
import type { PageSection } from '../page/report-page.js';
import { formatDuration, formatOffset } from '../time-format.js';
import type { ReportContext } from './report-context.js';

interface Stretch {
  from: number;
  to: number;
}

/**
 * Debug stretches of one key (an endpoint, or a relay, on one bridge): runs of consecutive polls of
 * that bridge that listed it. A stretch ends at the bridge's first poll that did not list it, or one
 * poll interval after the last that did when the bridge was not polled again.
 */
function debugStretches(times: readonly number[], polls: readonly number[], interval: number): Stretch[] {
  const indexOf = new Map(polls.map((t, i) => [t, i]));
  const stretches: Stretch[] = [];
  let open: { from: number; last: number } | undefined;
  const close = (): void => {
    if (open) stretches.push({ from: polls[open.from]!, to: polls[open.last + 1] ?? polls[open.last]! + interval });
  };
  for (const time of times) {
    const index = indexOf.get(time)!;
    if (open && index <= open.last + 1) {
      open.last = Math.max(open.last, index);
      continue;
    }
    close();
    open = { from: index, last: index };
  }
  close();
  return stretches;
}

/** Stretches during which at least two of `perBridge`'s bridges were active at once. */
function overlaps(perBridge: ReadonlyMap<string, readonly Stretch[]>): { from: number; to: number; bridges: string[] }[] {
  const edges = [...perBridge].flatMap(([bridge, stretches]) => stretches.flatMap((s) => [{ t: s.from, d: 1, bridge }, { t: s.to, d: -1, bridge }]));
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  const active = new Map<string, number>();
  const found: { from: number; to: number; bridges: string[] }[] = [];
  let open: { from: number; to: number; bridges: Set<string> } | undefined;
  for (const edge of edges) {
    active.set(edge.bridge, (active.get(edge.bridge) ?? 0) + edge.d);
    const live = [...active].filter(([, n]) => n > 0).map(([b]) => b);
    if (live.length >= 2) {
      if (!open) open = { from: edge.t, to: edge.t, bridges: new Set() };
      for (const b of live) open.bridges.add(b);
    } else if (open) {
      found.push({ from: open.from, to: edge.t, bridges: [...open.bridges].sort() });
      open = undefined;
    }
  }
  return found;
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The placement map's data: per conference and endpoint, where `/debug` and the bot put it over time. */
export async function placementMapData(
  context: ReportContext,
  rows: readonly PlacementRow[],
  disagreements: readonly Disagreement[],
  botsOfEndpoints: ReadonlyMap<string, string>,
): Promise<PlacementMapData> {
  const endOfRun = context.facts.endedAt ?? context.facts.dataTo ?? 0;
  const lastSeen = new Map(
    (
      await context.reader.rows<{ bot: string; last: number }>(
        `SELECT json_extract_string(meta, '$.bot') AS bot, (epoch_us(max(last)) / 1000.0)::DOUBLE AS last
         FROM (SELECT meta::VARCHAR AS meta, max(time) AS last FROM samples WHERE metric = 'webrtc_rtt_ms' AND meta IS NOT NULL GROUP BY 1)
         GROUP BY 1`,
      )
    ).map((r) => [r.bot, r.last]),
  );
  const endpointOfBot = new Map([...botsOfEndpoints].map(([endpoint, bot]) => [bot, endpoint]));
  /** A bot reported under its bot id before it knew its endpoint id: those records belong to the endpoint's row. */
  const endpointKey = (endpoint: string): string => endpointOfBot.get(endpoint) ?? endpoint;

  const debug = rows.filter((r) => r.source === 'debug');
  const pollsOf = new Map([...groupBy(debug, (r) => r.bridge)].map(([bridge, records]) => [bridge, [...new Set(records.map((r) => r.time))].sort((a, b) => a - b)]));
  const intervalOf = new Map([...pollsOf].map(([bridge, polls]) => [bridge, median(polls.slice(1).map((t, i) => t - polls[i]!))]));

  const conferences = new Map<string, { endpoints: Map<string, PlacementEndpoint>; relays: Map<string, number[]>; bridges: Map<string, Stretch[]> }>();
  const conferenceOf = (name: string) => {
    let c = conferences.get(name);
    if (!c) conferences.set(name, (c = { endpoints: new Map(), relays: new Map(), bridges: new Map() }));
    return c;
  };
  const endpointOf = (conference: string, id: string): PlacementEndpoint => {
    const c = conferenceOf(conference);
    let e = c.endpoints.get(id);
    if (!e) {
      const bot = botsOfEndpoints.get(id);
      c.endpoints.set(id, (e = { id, ...(bot ? { bot } : {}), debug: [], reported: [], disagreements: [] }));
    }
    return e;
  };

  for (const [key, records] of groupBy(debug, (r) => `${r.conference}\u0000${r.bridge}\u0000${r.endpoint}`)) {
    const [conference, bridge, endpoint] = key.split('\u0000') as [string, string, string];
    const stretches = debugStretches(records.map((r) => r.time), pollsOf.get(bridge)!, intervalOf.get(bridge)!);
    endpointOf(conference, endpoint).debug.push(...stretches.map((s): PlacementSpan => ({ bridge, ...s })));
    const perBridge = conferenceOf(conference).bridges;
    perBridge.set(bridge, [...(perBridge.get(bridge) ?? []), ...stretches]);
    for (const record of records) {
      if (!record.relays?.length) continue;
      const label = [bridge, ...record.relays].sort().join(' ⇄ ');
      const relay = conferenceOf(conference).relays;
      relay.set(`${bridge}\u0000${label}`, [...(relay.get(`${bridge}\u0000${label}`) ?? []), record.time]);
    }
  }
  for (const [key, records] of groupBy(
    rows.filter((r) => r.source === 'bot'),
    (r) => `${r.conference}\u0000${endpointKey(r.endpoint)}`,
  )) {
    const [conference, endpoint] = key.split('\u0000') as [string, string];
    const bot = botsOfEndpoints.get(endpoint);
    const end = (bot === undefined ? undefined : lastSeen.get(bot)) ?? endOfRun;
    const sorted = [...records].sort((a, b) => a.time - b.time);
    endpointOf(conference, endpoint).reported.push(...sorted.map((r, i) => ({ bridge: r.bridge, from: r.time, to: Math.max(r.time, sorted[i + 1]?.time ?? end) })));
  }
  for (const d of disagreements) endpointOf(d.conference, d.endpoint).disagreements.push({ from: d.from, to: Math.max(d.to, d.from + 1000) });

  const bridges = [...new Set([...context.facts.bridges, ...rows.map((r) => r.bridge)])].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const result: PlacementConference[] = [...conferences]
    .sort(([a], [b]) => a.localeCompare(b, undefined, { numeric: true }))
    .map(([name, c]) => ({
      name,
      splits: overlaps(c.bridges),
      relays: [...c.relays].flatMap(([key, times]) => {
        const [bridge, label] = key.split('\u0000') as [string, string];
        return debugStretches(times, pollsOf.get(bridge)!, intervalOf.get(bridge)!).map((s) => ({ ...s, label }));
      }),
      endpoints: [...c.endpoints.values()].sort((a, b) => (a.bot ?? a.id).localeCompare(b.bot ?? b.id, undefined, { numeric: true })),
    }));
  return { bridges, conferences: result };
}

export function placementSection(context: ReportContext, data: PlacementMapData, disagreements: readonly Disagreement[], botsOfEndpoints: ReadonlyMap<string, string>): PageSection {
  const summary = context.facts.meta.placement;
  const split = data.conferences.filter((c) => c.splits.length > 0);
  const legend = html`<div class="legend">${data.bridges.map((b, i) => html`<span><span class="swatch" style="background:${paletteColor(i)}"></span>${b}</span>`)}<span>upper bar: the bridge's <code>/debug</code> · lower, lighter bar: what the bot reported</span><span><span class="swatch" style="background:#ffd8a0"></span>split across bridges</span><span><span class="swatch" style="background:#7a5af8"></span>relaying</span><span><span class="swatch" style="border:1.5px solid #c62828"></span>sources disagree</span></div>`;
  const facts = html`<p class="note">${data.conferences.length} conference${data.conferences.length === 1 ? '' : 's'}; ${split.length === 0 ? 'none was split across bridges' : html`split across bridges: ${split.map((c) => html`<strong>${c.name}</strong> (${[...new Set(c.splits.flatMap((s) => s.bridges))].join(', ')}) `)}`}${summary?.maxSimultaneousSplit === undefined ? '' : html` · at most ${summary.maxSimultaneousSplit} split at once`}${summary?.unknownBridgeAddresses?.length ? html` · bots reported unknown bridge addresses ${summary.unknownBridgeAddresses.join(', ')}` : ''}.</p>`;
  const table =
    disagreements.length === 0
      ? html`<p class="note" id="placement-disagreements">The bots and <code>/debug</code> agreed about every endpoint (no disagreement lasting 5 s or more).</p>`
      : html`<h3>Disagreements between the bots and /debug</h3><table id="placement-disagreements" data-sortable><thead><tr><th>from</th><th class="num">for</th><th>conference</th><th>endpoint</th><th>bot</th><th>bot says</th><th>/debug says</th></tr></thead><tbody>${disagreements.map(
          (d) =>
            html`<tr><td data-sort="${d.from}">${formatOffset(context.startMs, d.from)}</td><td class="num" data-sort="${d.to - d.from}">${formatDuration(d.to - d.from)}</td><td>${d.conference}</td><td><code>${d.endpoint}</code></td><td>${botsOfEndpoints.get(d.endpoint) ?? '–'}</td><td>${d.botBridge}</td><td>${d.debugBridge}</td></tr>`,
        )}</tbody></table>`;
  const body =
    data.conferences.length === 0
      ? html`<p class="note">No placement was recorded: the bridges' <code>/debug</code> was not polled (no <code>collect.jvb</code>) and no bot reported its bridge.</p>`
      : html`${facts}${legend}<div class="scroll">${context.page.placementMap(data)}</div>${table}`;
  return { id: 'placement', title: 'Placement', body };
}

