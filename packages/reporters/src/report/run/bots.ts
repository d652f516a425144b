import { html } from '../page/html.js';
import type { PageSection } from '../page/report-page.js';
import { formatOffset } from '../time-format.js';
import type { ReportContext } from './report-context.js';

export interface BotRow {
  bot: string;
  conference: string | null;
  agent: string | null;
  bridge: string | null;
  /** The final state from the run metadata; derived from the samples when the run did not write it. */
  state: string;
  reason: string | null;
  joinedAt: number | null;
  joinMs: number | null;
  failedAttempts: number;
  fps: number | null;
  height: number | null;
}

interface StatsRow {
  bot: string;
  conference: string | null;
  agent: string | null;
  bridge: string | null;
  joinedAt: number | null;
  joinMs: number | null;
  failedAttempts: number;
  fps: number | null;
  height: number | null;
}

/** Every bot: the run metadata's record merged with what its samples show. */
export async function loadBots(context: ReportContext): Promise<BotRow[]> {
  // Grouped by the meta text first (one or two per bot), so JSON is read per group, not per sample.
  const stats = await context.reader.rows<StatsRow>(
    `SELECT json_extract_string(meta, '$.bot') AS bot, any_value(conference) AS conference, any_value(agent) AS agent,
            arg_max(bridge, bridgeAt) AS bridge, (epoch_us(min(joinedAt)) / 1000.0)::DOUBLE AS joinedAt, max(joinMs)::DOUBLE AS joinMs,
            sum(failed)::DOUBLE AS failedAttempts, (sum(fpsSum) / sum(fpsN))::DOUBLE AS fps, (sum(heightSum) / sum(heightN))::DOUBLE AS height
     FROM (SELECT meta::VARCHAR AS meta, any_value(conference) AS conference, any_value(agent) AS agent,
                  arg_max(bridge, time) FILTER (WHERE bridge IS NOT NULL AND bridge <> 'unknown') AS bridge,
                  max(time) FILTER (WHERE bridge IS NOT NULL AND bridge <> 'unknown') AS bridgeAt,
                  min(time) FILTER (WHERE metric = 'bot_join_success' AND value = 1) AS joinedAt,
                  max(value) FILTER (WHERE metric = 'bot_join_time_ms') AS joinMs,
                  count(*) FILTER (WHERE metric = 'bot_join_success' AND value = 0) AS failed,
                  sum(value) FILTER (WHERE metric = 'webrtc_recv_fps') AS fpsSum, count(*) FILTER (WHERE metric = 'webrtc_recv_fps') AS fpsN,
                  sum(value) FILTER (WHERE metric = 'webrtc_recv_frame_height' AND value > 0) AS heightSum,
                  count(*) FILTER (WHERE metric = 'webrtc_recv_frame_height' AND value > 0) AS heightN
           FROM samples
           WHERE metric IN ('bot_join_success', 'bot_join_time_ms', 'webrtc_recv_fps', 'webrtc_recv_frame_height') AND meta IS NOT NULL
           GROUP BY 1)
     GROUP BY 1 HAVING bot IS NOT NULL`,
  );
  const byBot = new Map(stats.map((s) => [s.bot, s]));
  const recorded = context.facts.meta.bots ?? [];
  const ids = [...new Set([...recorded.map((b) => b.id), ...stats.map((s) => s.bot)])].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const metaOf = new Map(recorded.map((b) => [b.id, b]));
  return ids.map((id) => {
    const m = metaOf.get(id);
    const s = byBot.get(id);
    const derived = s?.joinedAt != null ? 'joined' : (s?.failedAttempts ?? 0) > 0 ? 'failed' : 'not started';
    return {
      bot: id,
      conference: m?.conference ?? s?.conference ?? null,
      agent: m?.agent ?? s?.agent ?? null,
      bridge: m?.bridge ?? s?.bridge ?? null,
      state: m?.state ?? derived,
      reason: m?.reason ?? null,
      joinedAt: s?.joinedAt ?? null,
      joinMs: s?.joinMs ?? null,
      failedAttempts: s?.failedAttempts ?? 0,
      fps: s?.fps ?? null,
      height: s?.height ?? null,
    };
  });
}

export function botsSection(context: ReportContext, bots: readonly BotRow[]): PageSection {
  const num = (value: number | null, digits: number): string => (value === null ? '–' : value.toFixed(digits));
  const sortKey = (value: number | null): string => (value === null ? '' : String(value));
  const body =
    bots.length === 0
      ? html`<p class="note">No bots were recorded.</p>`
      : html`${context.facts.meta.bots ? '' : html`<p class="note">The run did not record its bots' final states; they are derived from the samples.</p>`}
<div class="scroll"><table id="bots-table" data-sortable><thead><tr><th>bot</th><th>conference</th><th>agent</th><th>bridge</th><th>state</th><th class="num">joined at</th><th class="num">join took</th><th class="num">failed attempts</th><th class="num">mean receive fps</th><th class="num">mean received height</th></tr></thead><tbody>${bots.map(
          (b) =>
            html`<tr data-state="${b.state}"><td>${b.bot}</td><td>${b.conference ?? '–'}</td><td>${b.agent ?? '–'}</td><td>${b.bridge ?? '–'}</td><td${b.state === 'failed' || b.state === 'lost' ? html` class="fail"` : ''} title="${b.reason ?? ''}">${b.state}</td><td class="num" data-sort="${sortKey(b.joinedAt)}">${b.joinedAt === null ? '–' : formatOffset(context.startMs, b.joinedAt)}</td><td class="num" data-sort="${sortKey(b.joinMs)}">${b.joinMs === null ? '–' : `${(b.joinMs / 1000).toFixed(2)} s`}</td><td class="num">${b.failedAttempts}</td><td class="num" data-sort="${sortKey(b.fps)}">${num(b.fps, 1)}</td><td class="num" data-sort="${sortKey(b.height)}">${b.height === null ? '–' : `${Math.round(b.height)} px`}</td></tr>`,
        )}</tbody></table></div>`;
  return { id: 'bots', title: 'Bots', body };
}
