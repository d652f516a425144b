import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResultsDb } from '../../store/results-db.js';
import { openCraftedStore } from '../../test-support/crafted-store.js';
import { SMALL_SYNTHETIC_RUN, writeSyntheticRun } from '../../test-support/synthetic-run.js';
import { parsePageData } from '../page/client/decode.js';
import type { PageModel } from '../page/page-model.js';
import { buildRunReport } from './build-run-report.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'jlt-report-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The report of a synthetic run, and the page data it embeds. */
async function report(killed: boolean): Promise<{ page: string; model: PageModel; columns: Map<string, Float32Array> }> {
  const dir = join(root, killed ? 'killed' : 'finished');
  await writeSyntheticRun(dir, { ...SMALL_SYNTHETIC_RUN, participants: 8, killed });
  const db = await ResultsDb.open(dir);
  try {
    const page = await buildRunReport(db, { resultsDir: dir });
    const blob = gunzipSync(Buffer.from(/<script id="jlt-data" type="application\/octet-stream">([^<]*)<\/script>/.exec(page)![1]!, 'base64'));
    const { model, columns } = parsePageData(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
    return { page, model, columns };
  } finally {
    await db.close();
  }
}

const sectionOf = (page: string, id: string): string => {
  const start = page.indexOf(`<section id="${id}">`);
  expect(start, `section ${id}`).toBeGreaterThan(0);
  return page.slice(start, page.indexOf('</section>', start));
};

describe('buildRunReport on a synthetic finished run', () => {
  let built: Awaited<ReturnType<typeof report>>;
  beforeAll(async () => {
    built = await report(false);
  }, 60_000);

  it('has every section, in order, as one self-contained page that forbids network requests', () => {
    const ids = [...built.page.matchAll(/<section id="([a-z-]+)">/g)].map((m) => m[1]);
    expect(ids).toEqual(['thresholds', 'bridges', 'conferences', 'client-server', 'placement', 'agents', 'events', 'bots']);
    expect(built.page).toContain(`content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'"`);
    expect(built.page).not.toMatch(/<(script|link|img)[^>]+(src|href)="(?!data:)[^"#]/);
  });

  it('draws one row of charts per bridge, conference, client–server bridge and agent, every chart with data', () => {
    const titles = built.model.charts.map((c) => c.title);
    const count = (title: string): number => titles.filter((t) => t === title).length;
    expect(count('Stress')).toBe(2);
    expect(count('CPU (pod)')).toBe(2);
    expect(built.model.charts.filter((c) => c.yGroup === 'conference rtt')).toHaveLength(3);
    expect(count('RTT: bots and bridge')).toBe(2);
    expect(count('Event-loop lag (p99 per second)')).toBe(2);
    for (const chart of built.model.charts) {
      for (const series of chart.series) expect(built.columns.get(series.column)!.some((v) => !Number.isNaN(v)), `${chart.title} ${series.label}`).toBe(true);
    }
    expect(new Set(built.model.charts.filter((c) => c.title === 'Stress').map((c) => c.yGroup)).size).toBe(1);
  });

  it('computes the statistics on raw samples: the resolution drop shows as the median height per bucket', () => {
    const height = built.model.charts.find((c) => c.title === 'Received frame height')!;
    const median = built.columns.get(height.series.find((s) => s.label === 'median')!.column)!;
    const values = [...median].filter((v) => !Number.isNaN(v));
    expect(Math.max(...values)).toBe(720);
    expect(Math.min(...values)).toBe(360);
  });

  it('flags what the insights find: the banner for the saturated agent, the other findings listed', () => {
    expect(built.page).toContain('id="untrustworthy-banner"');
    expect(built.page).toContain('data-rule="saturated-agent"');
    for (const rule of ['collector-gap', 'server-memory-retained', 'resolution-drop', 'placement-disagreement', 'relay-cost']) expect(built.page).toContain(`data-rule="${rule}"`);
  });

  it('evaluates the thresholds on the stored samples when no summary is given', () => {
    const thresholds = sectionOf(built.page, 'thresholds');
    expect(thresholds).toContain('evaluated on the stored raw samples');
    expect(thresholds.match(/<tr data-passed="(true|false)">/g)).toHaveLength(4);
    expect(thresholds).toMatch(/webrtc_recv_fps\{bridge:jvb-1\}.*avg=\d/s);
  });

  it('maps every endpoint, marks the split conference, and lists the disagreement', () => {
    const map = Object.values(built.model.placementMaps)[0]!;
    expect(map.conferences.map((c) => c.name)).toEqual(['synthetic-001', 'synthetic-002', 'synthetic-003']);
    expect(map.conferences.map((c) => c.splits.length > 0)).toEqual([true, false, true]);
    expect(map.conferences[0]!.relays.map((r) => r.label)).toContain('jvb-1 ⇄ jvb-2');
    expect(map.conferences.flatMap((c) => c.endpoints)).toHaveLength(24);
    expect(map.conferences.flatMap((c) => c.endpoints).every((e) => e.debug.length > 0 && e.reported.length > 0 && e.bot !== undefined)).toBe(true);
    expect(sectionOf(built.page, 'placement')).toContain('<table id="placement-disagreements"');
  });

  it('lists events with their screenshots embedded, and every bot', () => {
    const events = sectionOf(built.page, 'events');
    expect(events.match(/data-group="failure"/g)).toHaveLength(4);
    expect(events.match(/<img alt="page at the failure[^"]*" src="data:image\/png;base64,iVBOR/g)).toHaveLength(4);
    expect(events).toContain('data-group="crash"');
    expect(events).toContain('data-group="collector"');
    const bots = sectionOf(built.page, 'bots');
    expect(bots.match(/<tr data-state="left">/g)).toHaveLength(24);
  });
});

describe('buildRunReport on a killed run', () => {
  it('says the run did not finish, and derives the bots from their samples', async () => {
    const built = await report(true);
    expect(built.page).toContain('<span class="verdict incomplete" id="verdict">INCOMPLETE</span>');
    expect(built.page).toContain('id="incomplete-banner"');
    expect(sectionOf(built.page, 'bots')).toContain('derived from the samples');
    expect(sectionOf(built.page, 'bots').match(/<tr data-state="joined">/g)).toHaveLength(24);
  }, 60_000);
});

describe('buildRunReport escapes what the run recorded', () => {
  it('renders markup in names and messages as text', async () => {
    const store = await openCraftedStore({
      meta: { scenario: '<b>bold</b>', startedAt: new Date(1e12).toISOString() },
      samples: [{ metric: 'webrtc_rtt_ms', value: 10, time: 1e12, tags: { conference: '<img src=x onerror=alert(1)>' }, meta: { bot: 'b' } }],
      events: [{ time: 1e12, kind: 'bot.crashed', level: 'error', message: '</script><script>alert(1)</script>' }],
    });
    try {
      const page = await buildRunReport(store.db);
      expect(page).toContain('&lt;b&gt;bold&lt;/b&gt;');
      expect(page).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(page).not.toContain('<img src=x');
    } finally {
      await store.dispose();
    }
  });
});
