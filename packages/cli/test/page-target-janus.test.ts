import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jlt, jltBin, queryResults } from './cli-harness.js';
import { JANUS_BIN, JANUS_DEMOS, serveStatic, startJanus, type Janus } from './janus-harness.js';

let dir: string;
let janus: Janus | undefined;
let demos: { url: string; close(): Promise<void> } | undefined;

beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first (${jltBin} is missing)`).toBe(true);
  expect(existsSync(JANUS_BIN) && existsSync(join(JANUS_DEMOS, 'videoroomtest.html')), 'Debian janus and janus-demos are missing: run scripts/bootstrap.sh --test').toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-janus-'));
  janus = await startJanus(dir, [1000]);
  demos = await serveStatic(JANUS_DEMOS);
});
afterAll(async () => {
  await demos?.close();
  await janus?.stop();
  if (process.env.JLT_KEEP_TEST_DIR === undefined) await rm(dir, { recursive: true, force: true });
});

interface RunJson {
  status: string;
  bots: { id: string; conference: string; state: string; reason?: string }[];
}

describe('a page target against a third-party WebRTC app: Janus VideoRoom', () => {
  it('joins the bot the app lets in, fails the one it refuses although its steps finished, and collects WebRTC samples', async () => {
    // Two conferences of one bot: conference 0 asks for room 1000, which Janus has; conference 1
    // for room 1001, which it refuses ("No such room"). Debian's settings.js points at Janus on port
    // 8088, leaves iceServers null and token, apisecret undeclared: the init script, which runs
    // before the demo's scripts, points it at this Janus and gives the others their fallbacks.
    const file = join(dir, 'janus.yaml');
    await writeFile(
      file,
      `name: janus-e2e
target:
  kind: page
  url: ${demos!.url}/videoroomtest.html?room=100{conferenceIndex}
  initScript: |
    Object.defineProperty(window, 'server', { get: () => '${janus!.apiUrl}', set() {} });
    for (const [name, fallback] of [['iceServers', []], ['token', null], ['apisecret', null]]) {
      let value;
      Object.defineProperty(window, name, { get: () => value ?? fallback, set: (v) => { value = v; }, configurable: true });
    }
  steps:
    - click: '#start'
    - fill: { selector: '#username', value: 'bot{index}' }
    - click: '#register'
  joinedWhen: { selector: '#videolocal video', state: attached }
conferences: 2
participantsPerConference: 1
media: { video: { width: 320, height: 180, fps: 15 }, audio: true }
rampUp: { every: 1s }
duration: 9s
join: { timeout: 7s, retries: 0 }
thresholds:
  bot_join_success: ['rate>0.9']
`,
    );
    const out = join(dir, 'run');
    const result = await jlt(['run', file, '--results', out], { timeoutMs: 120_000 });
    const context = `${result.stdout}\n${result.stderr}\n${(await janus!.log()).slice(-3000)}`;
    expect(result.code, context).toBe(99);
    expect(result.stderr, context).not.toMatch(/not a known bridge address/);

    const run = JSON.parse(await readFile(join(out, 'run.json'), 'utf8')) as RunJson;
    expect(run.status).toBe('thresholds-failed');
    const [joined, refused] = [...run.bots].sort((a, b) => a.conference.localeCompare(b.conference));
    expect(joined, JSON.stringify(run.bots)).toMatchObject({ state: 'left' });
    expect(refused?.state, context).toBe('failed');
    expect(refused?.reason).toMatch(/^not joined: joinedWhen \(selector "#videolocal video" attached\) did not hold before the join timeout/);

    const joins = await queryResults(out, `select json_extract_string(meta, '$.bot') as bot, value from samples where metric = 'bot_join_success' order by bot`);
    expect(joins.map((r) => [r.bot, Number(r.value)])).toEqual([
      [joined?.id, 1],
      [refused?.id, 0],
    ]);
    const webrtc = await queryResults(
      out,
      `select count(*) filter (where metric = 'webrtc_rtt_ms') as rtt, max(value) filter (where metric = 'webrtc_send_kbps') as send_kbps,
              count(distinct bridge) filter (where metric like 'webrtc_%') as bridges
         from samples where json_extract_string(meta, '$.bot') = '${joined?.id}'`,
    );
    expect(Number(webrtc[0]!.rtt), context).toBeGreaterThan(0);
    expect(Number(webrtc[0]!.send_kbps), context).toBeGreaterThan(50);
    expect(Number(webrtc[0]!.bridges)).toBe(1);
  });
});
