import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jlt, jltBin, queryResults as query } from './cli-harness.js';

let dir: string;
beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-lite-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface BotRow {
  bot: string;
  mode: string;
  samples: number;
  fps: number;
  height: number;
  passedAfterFirst: number | null;
  plisAfterJoin: number | null;
}

describe('lite receivers on the headless shell (jlt run against the testbed)', () => {
  it('testbed-lite: a lite receiver counts frames and resolution without decoding them, the full probe in the same conference decodes, and both ask for keyframes alike', async () => {
    const out = join(dir, 'lite');
    const summaryFile = join(dir, 'lite-summary.json');
    const result = await jlt(['run', 'scenarios/testbed-lite.yaml', '--results', out, '--summary-export', summaryFile], { timeoutMs: 150_000 });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const summary = JSON.parse(await readFile(summaryFile, 'utf8')) as { bots: unknown; thresholds: { key: string; passed: boolean }[] };
    expect(summary.bots).toEqual({ planned: 3, joined: 3, failed: 0 });
    expect(summary.thresholds.filter((t) => !t.passed)).toEqual([]);

    const browsers = await query(out, `select kind, json_extract_string(meta, '$.used') as used from events where kind like 'agent.browser%'`);
    expect(browsers).toEqual([{ kind: 'agent.browser', used: 'headless-shell' }]);

    // Per bot, over its receive samples: the first sample of a lite bot may include frames from before
    // the first keyframe (passed to a decoder that discards them), and a bot's first seconds its join.
    const rows = (await query(
      out,
      `with s as (
         select json_extract_string(meta, '$.bot') as bot, json_extract_string(tags, '$.mode') as mode, metric, value,
                row_number() over (partition by json_extract_string(meta, '$.bot'), metric order by time) as n
           from samples where metric like 'webrtc_%')
       select bot, any_value(mode) as mode,
              count(*) filter (where metric = 'webrtc_recv_fps') as samples,
              avg(value) filter (where metric = 'webrtc_recv_fps') as fps,
              max(value) filter (where metric = 'webrtc_recv_frame_height') as height,
              max(value) filter (where metric = 'webrtc_lite_frames_passed_ratio' and n > 1) as passedAfterFirst,
              avg(value) filter (where metric = 'webrtc_recv_plis_per_min' and n > 3) as plisAfterJoin
         from s group by bot order by bot`,
    )) as unknown as BotRow[];
    expect(rows.map((r) => [r.bot, r.mode])).toEqual([
      ['c01-p01', 'full'],
      ['c01-p02', 'lite'],
      ['c01-p03', 'full'],
    ]);
    const [, lite, probe] = rows as [BotRow, BotRow, BotRow];
    for (const receiver of [lite, probe]) {
      expect(receiver.samples, `${receiver.bot} reported no receive samples`).toBeGreaterThanOrEqual(5);
      expect(Number(receiver.fps), `${receiver.bot} receives the 15 fps sender`).toBeGreaterThan(10);
      expect(Number(receiver.height), `${receiver.bot} reports a frame height`).toBeGreaterThan(0);
      // A receiver that withheld frames from its decoder would ask for a keyframe every ~400 ms (150/min).
      expect(Number(receiver.plisAfterJoin), `${receiver.bot} keyframe requests per minute after joining`).toBeLessThan(6);
    }
    // The sender's 320x180 capture goes out as Jitsi's simulcast, of which Chromium sends only the
    // lowest stream (80x45) at that size: the lite bot reads from its keyframes what the probe decodes.
    expect(Number(lite.height), 'the lite bot parses the height the full probe decodes').toBe(Number(probe.height));
    expect(Number(lite.passedAfterFirst), 'every frame after the first keyframe is a placeholder').toBe(0);
    expect(probe.passedAfterFirst, 'full bots have no transform').toBeNull();
  });
});
