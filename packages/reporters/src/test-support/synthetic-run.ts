import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { METRICS } from '@jlt/core';
import { RESULTS_FORMAT_VERSION, SCHEMA_SQL, STORE_FILE } from '../store/schema.js';

/** The shape of a synthetic run: what a real run of that size writes, generated in SQL. */
export interface SyntheticRunShape {
  scenario: string;
  bridges: number;
  conferences: number;
  participants: number;
  agents: number;
  /** Collectors and agents run this long before the first bot joins. */
  leadMs: number;
  /** Bots join one after another, this far apart. */
  rampEveryMs: number;
  /** How long every bot stays after the last one joined. */
  holdMs: number;
  /** Client stats interval (10 client metrics per bot per collection). */
  statsIntervalMs: number;
  jvbIntervalMs: number;
  /** Prometheus pod CPU and memory every 15 s; jvb-1 keeps 150 MB after its conferences end. */
  prometheus: boolean;
  /** Server polls go on this long after the last bot left (the memory insight needs it). */
  tailMs: number;
  /** Every `failEvery`-th bot fails its first join attempt (with a screenshot); 0 for none. */
  failEvery: number;
  /** Conferences with index divisible by this are split over jvb-1 and jvb-2; 0 for none. */
  splitEvery: number;
  /** jvb-2 is not polled for this long from a third into the run (a collector gap); 0 for none. */
  collectorGapMs: number;
  /** agent-1's event loop lags 180 ms for this long from mid-run; 0 for none. */
  saturationMs: number;
  /** Write only what a killed run's store holds: no end status, agents or bots in run_meta. */
  killed: boolean;
  startMs: number;
}

export const SMALL_SYNTHETIC_RUN: SyntheticRunShape = {
  scenario: 'synthetic',
  bridges: 2,
  conferences: 3,
  participants: 4,
  agents: 2,
  leadMs: 10_000,
  rampEveryMs: 2_000,
  holdMs: 60_000,
  statsIntervalMs: 1_000,
  jvbIntervalMs: 2_000,
  prometheus: true,
  tailMs: 20_000,
  failEvery: 5,
  splitEvery: 2,
  collectorGapMs: 12_000,
  saturationMs: 15_000,
  killed: false,
  startMs: Date.UTC(2026, 0, 1, 12, 0, 0),
};

/** What real bots and bridges emit: every client metric per collection, every JVB gauge per poll. */
const CLIENT_METRICS = Object.keys(METRICS).filter((m) => m.startsWith('webrtc_'));
const JVB_METRICS = Object.keys(METRICS).filter((m) => m.startsWith('jvb_'));

/** A deterministic pseudo-random number in [0, 1) from SQL expressions. */
const noise = (...parts: string[]): string => `((hash(${parts.join(', ')}) % 1000000) / 1000000.0)`;

/**
 * Writes `results.duckdb` (and failure screenshots in artifacts/) of a synthetic run into `dir`:
 * per-bot client samples, agent health, bridge gauges, /debug and bot placement, events and run
 * metadata shaped like a real run's, with the situations the report and the insights must show (a
 * split conference, join failures, a collector gap, a saturated agent, a resolution drop in
 * conferences of 7 or more, retained bridge memory). Generated inside DuckDB, so 20M samples take
 * seconds, not the minutes ingest would. Returns the run id and how many samples were written.
 */
export async function writeSyntheticRun(dir: string, shape: SyntheticRunShape): Promise<{ runId: string; samples: number }> {
  await mkdir(dir, { recursive: true });
  const instance = await DuckDBInstance.create(join(dir, STORE_FILE));
  const db = await instance.connect();
  try {
    const runId = `synthetic-${shape.scenario}`;
    await db.run(SCHEMA_SQL);
    await db.run(`INSERT INTO format_version VALUES (${RESULTS_FORMAT_VERSION})`);
    await createBots(db, shape);
    await insertClientSamples(db, shape);
    await insertAgentSamples(db, shape);
    await insertServerSamples(db, shape);
    await insertPlacement(db, shape);
    const screenshots = await insertEvents(db, shape, dir, runId);
    await insertRunMeta(db, shape, runId);
    const count = await db.runAndReadAll('SELECT count(*)::DOUBLE FROM samples');
    await db.run('CHECKPOINT');
    for (const name of screenshots) await writeFile(join(dir, 'artifacts', runId, name), tinyPng(160, 90));
    return { runId, samples: count.getRowsJS()[0]![0] as number };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

function us(ms: number): number {
  return Math.round(ms * 1000);
}

function runEndMs(shape: SyntheticRunShape): number {
  return firstJoinMs(shape) + shape.conferences * shape.participants * shape.rampEveryMs + shape.holdMs;
}

function firstJoinMs(shape: SyntheticRunShape): number {
  return shape.startMs + shape.leadMs;
}

async function createBots(db: DuckDBConnection, s: SyntheticRunShape): Promise<void> {
  const bots = s.conferences * s.participants;
  const split = s.splitEvery > 0 ? `conf % ${s.splitEvery} = 0 AND ${s.bridges} >= 2` : 'false';
  await db.run(`
    CREATE TEMP TABLE bots AS
    SELECT n, conf, part,
           printf('c%03d-p%02d', conf + 1, part + 1) AS bot,
           printf('${s.scenario}-%03d', conf + 1) AS conference,
           'agent-' || (conf % ${s.agents} + 1) AS agent,
           printf('%08x', hash(n, 'endpoint') % 4294967296) AS endpoint,
           ${split} AS split,
           CASE WHEN ${split} THEN 'jvb-' || (part % 2 + 1) ELSE 'jvb-' || (conf % ${s.bridges} + 1) END AS bridge,
           ${us(firstJoinMs(s))} + n * ${us(s.rampEveryMs)} AS join_us,
           ${us(runEndMs(s))} AS leave_us,
           ${us(firstJoinMs(s))} + (conf * ${s.participants} + 6) * ${us(s.rampEveryMs)} AS crowded_us
    FROM (SELECT range AS n, range // ${s.participants} AS conf, range % ${s.participants} AS part FROM range(${bots}))`);
}

async function insertClientSamples(db: DuckDBConnection, s: SyntheticRunShape): Promise<void> {
  const collections = Math.ceil((runEndMs(s) - s.startMs) / s.statsIntervalMs);
  const metrics = CLIENT_METRICS.map((m) => `('${m}')`).join(', ');
  const crowded = s.participants >= 7 ? 'c.us > b.crowded_us' : 'false';
  await db.run(`
    INSERT INTO samples
    SELECT make_timestamp(c.us), m.metric,
           CASE m.metric
             WHEN 'webrtc_rtt_ms' THEN 18 + 14 * ${noise('b.n', 'c.k')} + CASE WHEN b.split THEN 12 ELSE 0 END
             WHEN 'webrtc_jitter_ms' THEN 4 + 8 * ${noise('b.n', 'c.k', "'j'")}
             WHEN 'webrtc_send_kbps' THEN 700 + 250 * ${noise('b.n', 'c.k', "'s'")}
             WHEN 'webrtc_recv_kbps' THEN (${s.participants} - 1) * CASE WHEN ${crowded} THEN 220 ELSE 600 END * (0.9 + 0.2 * ${noise('b.n', 'c.k', "'r'")})
             WHEN 'webrtc_packet_loss_ratio' THEN CASE WHEN ${noise('b.n', 'c.k', "'l'")} < 0.03 THEN 0.05 * ${noise('b.n', 'c.k', "'L'")} ELSE 0 END
             WHEN 'webrtc_send_fps' THEN 29 + ${noise('b.n', 'c.k', "'f'")}
             WHEN 'webrtc_recv_fps' THEN CASE WHEN ${crowded} THEN 14 ELSE 27 END + 3 * ${noise('b.n', 'c.k', "'F'")}
             WHEN 'webrtc_recv_frame_height' THEN CASE WHEN ${crowded} THEN 360 ELSE 720 END
             ELSE 1
           END,
           '${s.scenario}', b.agent, b.bridge, b.conference,
           '{"scenario":"${s.scenario}","agent":"' || b.agent || '","conference":"' || b.conference || '","bridge":"' || b.bridge || '"'
             || CASE m.metric WHEN 'webrtc_quality_limitation' THEN ',"reason":"' || CASE WHEN ${crowded} THEN 'bandwidth' ELSE 'none' END || '"'
                              WHEN 'webrtc_ice_candidate_type' THEN ',"candidate":"host"' ELSE '' END || '}',
           '{"bot":"' || b.bot || '","endpoint":"' || b.endpoint || '"}'
    FROM bots b
    JOIN (SELECT range AS k, ${us(s.startMs)} + range * ${us(s.statsIntervalMs)} AS us FROM range(${collections})) c ON c.us >= b.join_us + 1000000 AND c.us < b.leave_us
    CROSS JOIN (VALUES ${metrics}) m(metric)`);
  const failed = s.failEvery > 0 ? `n % ${s.failEvery} = ${s.failEvery - 1}` : 'false';
  await db.run(`
    INSERT INTO samples
    SELECT make_timestamp(join_us - (CASE WHEN j.metric = 'failed' THEN 3000000 ELSE 0 END)),
           CASE j.metric WHEN 'time' THEN 'bot_join_time_ms' ELSE 'bot_join_success' END,
           CASE j.metric WHEN 'time' THEN 2500 + 1500 * ${noise('n', "'join'")} WHEN 'ok' THEN 1 ELSE 0 END,
           '${s.scenario}', agent, 'unknown', conference,
           '{"scenario":"${s.scenario}","agent":"' || agent || '","conference":"' || conference || '","bridge":"unknown"}',
           '{"bot":"' || bot || '","endpoint":"' || endpoint || '"}'
    FROM bots CROSS JOIN (VALUES ('time'), ('ok'), ('failed')) j(metric)
    WHERE j.metric <> 'failed' OR ${failed}`);
}

async function insertAgentSamples(db: DuckDBConnection, s: SyntheticRunShape): Promise<void> {
  const seconds = Math.ceil((runEndMs(s) - s.startMs) / 1000);
  const mid = us(s.startMs + (runEndMs(s) - s.startMs) / 2);
  await db.run(`
    INSERT INTO samples
    SELECT make_timestamp(t.us), m.metric,
           CASE m.metric
             WHEN 'agent_cpu_cores' THEN 0.3 + 0.04 * a.active + 0.1 * ${noise('a.agent', 't.us')}
             WHEN 'agent_memory_bytes' THEN 400e6 + 90e6 * a.active
             ELSE CASE WHEN a.agent = 'agent-1' AND t.us >= ${mid} AND t.us < ${mid + us(s.saturationMs)} THEN 180 ELSE 12 + 10 * ${noise('a.agent', 't.us', "'lag'")} END
           END,
           '${s.scenario}', a.agent, NULL, NULL, '{"scenario":"${s.scenario}","agent":"' || a.agent || '"}', NULL
    FROM (SELECT ${us(s.startMs)} + range * 1000000 AS us FROM range(${seconds})) t
    CROSS JOIN LATERAL (SELECT agent, count(*) FILTER (WHERE join_us <= t.us AND t.us < leave_us) AS active FROM bots GROUP BY agent) a
    CROSS JOIN (VALUES ('agent_cpu_cores'), ('agent_memory_bytes'), ('agent_event_loop_lag_ms')) m(metric)`);
}

async function insertServerSamples(db: DuckDBConnection, s: SyntheticRunShape): Promise<void> {
  const end = runEndMs(s) + s.tailMs;
  const gapFrom = us(s.startMs + (runEndMs(s) - s.startMs) / 3);
  const gap = s.collectorGapMs > 0 ? `NOT (p.bridge = 'jvb-2' AND p.us >= ${gapFrom} AND p.us < ${gapFrom + us(s.collectorGapMs)})` : 'true';
  await db.run(`
    CREATE TEMP TABLE polls AS
    SELECT p.us, p.bridge,
           count(b.n) AS endpoints, count(DISTINCT b.conference) AS conferences, count(b.n) FILTER (WHERE b.split) AS relayed
    FROM (SELECT ${us(s.startMs)} + t.range * ${us(s.jvbIntervalMs)} AS us, 'jvb-' || (r.range + 1) AS bridge
          FROM range(${Math.ceil((end - s.startMs) / s.jvbIntervalMs)}) t, range(${s.bridges}) r) p
    LEFT JOIN bots b ON b.bridge = p.bridge AND b.join_us <= p.us AND p.us < b.leave_us
    WHERE ${gap}
    GROUP BY ALL`);
  const metrics = JVB_METRICS.map((m) => `('${m}')`).join(', ');
  await db.run(`
    INSERT INTO samples
    SELECT make_timestamp(p.us), m.metric,
           CASE m.metric
             WHEN 'jvb_stress' THEN 0.015 * p.endpoints
             WHEN 'jvb_download_kbps' THEN 820 * p.endpoints
             WHEN 'jvb_upload_kbps' THEN 820 * p.endpoints * (${s.participants} - 1) * 0.6
             WHEN 'jvb_rtt_ms' THEN CASE WHEN p.endpoints = 0 THEN 0 ELSE 15 + 10 * ${noise('p.bridge', 'p.us')} END
             WHEN 'jvb_local_endpoints' THEN p.endpoints
             WHEN 'jvb_conferences' THEN p.conferences
             WHEN 'jvb_relay_send_bps' THEN 600000 * p.relayed
             WHEN 'jvb_relay_recv_bps' THEN 580000 * p.relayed
             WHEN 'jvb_packet_rate_download' THEN 95 * p.endpoints
             ELSE 95 * p.endpoints * (${s.participants} - 1) * 0.6
           END,
           '${s.scenario}', NULL, p.bridge, NULL, '{"scenario":"${s.scenario}","bridge":"' || p.bridge || '"}', NULL
    FROM polls p CROSS JOIN (VALUES ${metrics}) m(metric)`);
  if (!s.prometheus) return;
  const lastLeave = us(runEndMs(s));
  await db.run(`
    INSERT INTO samples
    SELECT make_timestamp(p.us), m.metric,
           CASE m.metric
             WHEN 'pod_cpu_cores' THEN 0.15 + 0.06 * p.endpoints
             ELSE 650e6 + 25e6 * p.endpoints + CASE WHEN p.bridge = 'jvb-1' AND p.us >= ${lastLeave} THEN 150e6 ELSE 0 END
           END,
           '${s.scenario}', NULL, p.bridge, NULL, '{"scenario":"${s.scenario}","bridge":"' || p.bridge || '"}', NULL
    FROM polls p CROSS JOIN (VALUES ('pod_cpu_cores'), ('pod_memory_bytes')) m(metric)
    WHERE (p.us - ${us(s.startMs)}) % 15000000 < ${us(s.jvbIntervalMs)}`);
}

async function insertPlacement(db: DuckDBConnection, s: SyntheticRunShape): Promise<void> {
  await db.run(`
    INSERT INTO placement
    SELECT make_timestamp(p.us), b.bridge, b.conference, b.endpoint, 'debug',
           CASE WHEN b.split THEN '["' || CASE b.bridge WHEN 'jvb-1' THEN 'jvb-2' ELSE 'jvb-1' END || '"]' ELSE '[]' END
    FROM polls p JOIN bots b ON b.bridge = p.bridge AND b.join_us + 1000000 <= p.us AND p.us < b.leave_us`);
  // The last bot believes it is on another bridge than /debug lists it: a disagreement to find.
  await db.run(`
    INSERT INTO placement
    SELECT make_timestamp(join_us + 500000),
           CASE WHEN n = (SELECT max(n) FROM bots) AND ${s.bridges} >= 2 THEN CASE bridge WHEN 'jvb-1' THEN 'jvb-2' ELSE 'jvb-1' END ELSE bridge END,
           conference, endpoint, 'bot', NULL
    FROM bots`);
}

async function insertEvents(db: DuckDBConnection, s: SyntheticRunShape, dir: string, runId: string): Promise<string[]> {
  const artifacts = join(dir, 'artifacts', runId);
  const failed = s.failEvery > 0 ? `n % ${s.failEvery} = ${s.failEvery - 1}` : 'false';
  await db.run(`
    INSERT INTO events
    SELECT make_timestamp(join_us), 'bot.joined', 'info', bot || ' joined ' || conference || ' in 2800 ms',
           '{"scenario":"${s.scenario}","agent":"' || agent || '","conference":"' || conference || '","bridge":"unknown"}',
           '{"bot":"' || bot || '","attempt":' || CASE WHEN ${failed} THEN 2 ELSE 1 END || ',"joinTimeMs":2800}'
    FROM bots`);
  await db.run(`
    INSERT INTO events
    SELECT make_timestamp(join_us - 3000000), 'bot.join_failed', 'warn',
           bot || ' failed to join ' || conference || ' (attempt 1/3): prejoin button did not appear within 30000 ms',
           '{"scenario":"${s.scenario}","agent":"' || agent || '","conference":"' || conference || '"}',
           '{"bot":"' || bot || '","attempt":1,"reason":"timeout","screenshot":"${artifacts.replaceAll('\\', '/')}/' || bot || '-join-1.png"}'
    FROM bots WHERE ${failed}`);
  await db.run(`
    INSERT INTO events
    SELECT make_timestamp(min(join_us) FILTER (WHERE part = 1) + 1500000), 'conference-split', 'info',
           'conference ' || conference || ' is split across bridges jvb-1, jvb-2', '{"conference":"' || conference || '"}', '{"bridges":"jvb-1,jvb-2"}'
    FROM bots WHERE split GROUP BY conference`);
  const mid = us(s.startMs + (runEndMs(s) - s.startMs) / 2);
  const gapFrom = us(s.startMs + (runEndMs(s) - s.startMs) / 3);
  const extra: string[] = [];
  if (s.saturationMs > 0) {
    extra.push(
      `(make_timestamp(${mid + 2_000_000}), 'agent.saturated', 'warn', 'agent agent-1 is saturated (CPU 0.90 of 2 cores, event-loop lag p99 180 ms): what its bots measure meanwhile describes the load generator as much as the target', '{"agent":"agent-1"}', '{"cpuCores":0.9,"lagP99Ms":180}')`,
      `(make_timestamp(${mid + us(s.saturationMs)}), 'agent.recovered', 'info', 'agent agent-1 is no longer saturated (CPU 0.80 of 2 cores, event-loop lag p99 20 ms)', '{"agent":"agent-1"}', '{"cpuCores":0.8,"lagP99Ms":20}')`,
    );
  }
  if (s.collectorGapMs > 0 && s.bridges >= 2) {
    extra.push(
      `(make_timestamp(${gapFrom + 1_000_000}), 'collector-error', 'warn', 'jvb-2: GET /colibri/stats timed out after 2000 ms', '{"bridge":"jvb-2"}', '{"bridge":"jvb-2"}')`,
      `(make_timestamp(${gapFrom + us(s.collectorGapMs)}), 'collector-recovered', 'info', 'jvb-2: answering again after 6 failed polls', '{"bridge":"jvb-2"}', '{"bridge":"jvb-2","failedPolls":6}')`,
    );
  }
  extra.push(
    `(make_timestamp(${mid}), 'bot.crashed', 'error', 'c001-p01 crashed: Target page, context or browser has been closed', '{"agent":"agent-1","conference":"${s.scenario}-001"}', '{"bot":"c001-p01"}')`,
    `(make_timestamp(${mid + 4_000_000}), 'bot.restarted', 'warn', 'c001-p01 restarted after a crash (1/2)', '{"agent":"agent-1","conference":"${s.scenario}-001"}', '{"bot":"c001-p01","restart":1}')`,
  );
  await db.run(`INSERT INTO events VALUES ${extra.join(', ')}`);
  const names = (await db.runAndReadAll(`SELECT bot || '-join-1.png' FROM bots WHERE ${failed} ORDER BY n`)).getRowsJS().map((r) => r[0] as string);
  if (names.length > 0) await mkdir(artifacts, { recursive: true });
  return names;
}

async function insertRunMeta(db: DuckDBConnection, s: SyntheticRunShape, runId: string): Promise<void> {
  const bots = (await db.runAndReadAll('SELECT bot, conference, agent, bridge FROM bots ORDER BY n')).getRowsJS() as string[][];
  const meta: Record<string, unknown> = {
    runId,
    scenario: s.scenario,
    scenarioFile: `scenarios/${s.scenario}.yaml`,
    createdAt: new Date(s.startMs - 5_000).toISOString(),
    plan: { bots: bots.length, conferences: s.conferences, rampUpMs: (bots.length - 1) * s.rampEveryMs, holdMs: s.holdMs },
    thresholds: ['bot_join_success: rate>0.99', 'webrtc_rtt_ms: p(95)<150', 'webrtc_recv_fps{bridge:jvb-1}: avg>20', 'jvb_stress: max<0.8'],
    status: 'running',
    target: { kind: 'testbed', url: 'http://127.0.0.1:40000/', bridges: Array.from({ length: s.bridges }, (_, i) => ({ id: `jvb-${i + 1}`, restUrl: `http://127.0.0.1:4100${i}`, mediaAddress: `127.0.0.${i + 1}` })) },
    startedAt: new Date(s.startMs).toISOString(),
  };
  if (!s.killed) {
    Object.assign(meta, {
      status: 'thresholds-failed',
      endedAt: new Date(runEndMs(s) + s.tailMs).toISOString(),
      agents: Array.from({ length: s.agents }, (_, i) => ({ id: `agent-${i + 1}`, name: `host-${i + 1}`, address: `10.0.0.${i + 1}`, bots: bots.filter((b) => b[2] === `agent-${i + 1}`).length, lost: false, cores: 8, clockOffsetMs: i * 1.7, clockUncertaintyMs: 0.4, clockRttMs: 0.8 })),
      bots: bots.map(([id, conference, agent, bridge]) => ({ id, conference, agent, state: 'left', bridge })),
    });
  }
  for (const [key, value] of Object.entries(meta)) await db.run('INSERT INTO run_meta VALUES ($1, $2::JSON)', [key, JSON.stringify(value)]);
}

/** A valid PNG of one colour, as a failure screenshot stand-in. */
function tinyPng(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer): number => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff]! ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(8 + data.length + 4);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, Buffer.from([0xdd, 0x44, 0x33]))]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}
