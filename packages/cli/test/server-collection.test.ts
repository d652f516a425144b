import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jltBin, queryResults, spawnJlt, waitFor } from './cli-harness.js';
import { startPrometheus, type RunningPrometheus } from './prometheus-harness.js';

/*
 * Server-side collection through a whole `jlt run`: an Octo testbed (2 bridges, split strategy), the
 * bridges' REST surfaces polled by the coordinator, and Debian's Prometheus scraping the bridges'
 * /metrics (found through file_sd once the run has started its testbed) and queried back by the run.
 */

interface RunJson {
  status: string;
  target: { bridges: { id: string; restUrl: string }[] };
  placement: { conferences: number; splitConferences: number; mismatches: number };
}

interface DebugState {
  conferences: Record<string, { endpoints: Record<string, { stats_id: string; bitrate_controller: { bitrate_allocator: { allocationSettings: { last_n: number; video_constraints: Record<string, string> } } } }> }>;
}

let dir: string;
let prometheus: RunningPrometheus;
beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-server-'));
  prometheus = await startPrometheus((promDir) => [
    '  - job_name: testbed',
    '    file_sd_configs:',
    `      - files: ['${join(promDir, 'targets.json')}']`,
    '        refresh_interval: 1s',
  ]);
  await writeFile(join(prometheus.dir, 'targets.json'), '[]');
});
afterAll(async () => {
  await prometheus?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('jlt run collects the server side', () => {
  it('stores jvb_* and Prometheus series for both bridges, and placement that matches /debug with a split conference', async () => {
    const file = join(dir, 'octo.yaml');
    await writeFile(
      file,
      `name: octo-collect
target: { kind: testbed, bridges: 2, octo: true, strategy: split }
conferences: 2
participantsPerConference: 2
rampUp: { every: 1s }
duration: 15s
media: { video: { width: 320, height: 180, fps: 10 }, audio: false }
# The second participant of each conference looks through a larger window with a last-N of 1, as
# Jitsi URL config per bot; the bridges' /debug must show both in its receiver constraints.
bots:
  overrides:
    - { participants: [1], viewport: { width: 1280, height: 720 }, tileView: false, lastN: 1 }
collect:
  jvb: { interval: 2s }
  prometheus:
    url: ${prometheus.url}
    interval: 2s
    queries:
      pod_cpu_cores: 'rate(process_cpu_seconds_total{job="testbed"}[5s])'
      pod_memory_bytes: 'process_resident_memory_bytes{job="testbed"}'
`,
    );
    const out = join(dir, 'octo');
    const child = spawnJlt(['run', file, '--results', out]);
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

    const runJson = join(out, 'run.json');
    let bridges: RunJson['target']['bridges'] = [];
    await waitFor(
      async () => {
        if (!existsSync(runJson)) return false;
        bridges = ((JSON.parse(await readFile(runJson, 'utf8')) as Partial<RunJson>).target?.bridges ?? []);
        return bridges.length === 2;
      },
      60_000,
      'the run to start its testbed',
    );
    await writeFile(join(prometheus.dir, 'targets.json'), JSON.stringify([{ targets: bridges.map((b) => new URL(b.restUrl).host) }]));

    // Per bot (stats_id is the bot id): its last-N and the height it asks for its one remote, on stage
    // in a room of two: 360p in the default 640x360 window, 720p in the 1280x720 one.
    const asked = new Map<string, string>();
    await waitFor(
      async () => {
        for (const bridge of bridges) {
          const debug = (await (await fetch(`${bridge.restUrl}/debug?full=true`)).json()) as DebugState;
          for (const conference of Object.values(debug.conferences)) {
            for (const endpoint of Object.values(conference.endpoints)) {
              const settings = endpoint.bitrate_controller.bitrate_allocator.allocationSettings;
              // JVB prints each constraint as its Kotlin toString, which the testbed writes as JSON.
              const heights = Object.values(settings.video_constraints).map((c) => (JSON.parse(c) as { maxHeight: number }).maxHeight);
              if (heights.length > 0) asked.set(endpoint.stats_id, `lastN ${settings.last_n}, ${heights.join('/')}p`);
            }
          }
        }
        return asked.size === 4;
      },
      40_000,
      'every bot to send its receiver constraints',
      child,
    );
    expect(Object.fromEntries([...asked].sort())).toEqual({ 'c01-p01': 'lastN -1, 360p', 'c01-p02': 'lastN 1, 720p', 'c02-p01': 'lastN -1, 360p', 'c02-p02': 'lastN 1, 720p' });

    const code = await Promise.race([exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 150_000))]);
    expect(code, child.output()).toBe(0);

    const run = JSON.parse(await readFile(runJson, 'utf8')) as RunJson;
    expect(run.status).toBe('passed');
    expect(run.placement.conferences).toBe(2);
    expect(run.placement.splitConferences).toBeGreaterThanOrEqual(1);
    expect(run.placement.mismatches).toBe(0);

    const bridgesOf = async (metric: string): Promise<string[]> =>
      (await queryResults(out, `select distinct bridge from samples where metric = '${metric}' order by bridge`)).map((r) => String(r.bridge));
    for (const metric of ['jvb_local_endpoints', 'jvb_download_kbps', 'jvb_relay_send_bps', 'pod_memory_bytes', 'pod_cpu_cores']) {
      expect(await bridgesOf(metric), metric).toEqual(['jvb-1', 'jvb-2']);
    }

    // Every endpoint the bridges list in /debug is where the bots say they are, and vice versa.
    const placement = async (source: string): Promise<string[]> =>
      (
        await queryResults(
          out,
          `select distinct conference || '@' || bridge as at, count(distinct endpoint) as n from placement where source = '${source}' group by all order by all`,
        )
      ).map((r) => `${String(r.at)}×${String(r.n)}`);
    const fromDebug = await placement('debug');
    expect(fromDebug.length).toBeGreaterThanOrEqual(3);
    expect(await placement('bot')).toEqual(fromDebug);
    // Bots report their Jitsi endpoint id, so the match holds per endpoint, not only per conference.
    const endpointsAt = async (source: string): Promise<string[]> =>
      (await queryResults(out, `select distinct endpoint || '@' || bridge as place from placement where source = '${source}' order by place`)).map((r) => String(r.place));
    expect(await endpointsAt('bot')).toEqual(await endpointsAt('debug'));

    const p95 = await queryResults(
      out,
      "select bridge, quantile_cont(value, 0.95) as p95 from samples where metric = 'webrtc_rtt_ms' group by bridge order by bridge",
    );
    expect(p95.map((r) => r.bridge)).toEqual(['jvb-1', 'jvb-2']);
  });
});
