import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { descendants, freePort, jlt, jltBin, killTree, queryResults as query, repoRoot, waitFor } from './cli-harness.js';

/**
 * Distributed runs with real processes: a coordinator (`jlt run --wait-agents 2 --listen …`) and
 * agents (`jlt agent …`) started by the test so it knows which one to kill, or `jlt run --agents 2`.
 * Every bot is real Chromium against the testbed. Two conferences of one bot each, so each agent
 * runs one bot (spread placement) and the plan fits on one agent when one is lost.
 */

interface RunJson {
  status: string;
  reason?: string;
  startedAt?: string;
  endedAt?: string;
  agents: { id: string; name: string; bots: number; lost: boolean; clockOffsetMs?: number; clockUncertaintyMs?: number; clockRttMs?: number }[];
  bots: { id: string; conference: string; agent: string; state: string; reason?: string }[];
}

interface SummaryMetric {
  type: 'trend' | 'gauge' | 'rate' | 'counter';
  count?: number;
  passes?: number;
  fails?: number;
}

interface Proc {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

const TOKEN = 'distributed-test-token-7f3a9c2e51d0b4';
const processes: Proc[] = [];
let dir: string;
let tokenFile: string;

beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-distributed-'));
  tokenFile = join(dir, 'token');
  await writeFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
});

afterEach(() => {
  for (const proc of processes.splice(0)) killTree(proc.child.pid);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the built CLI; its process tree is killed after the test whatever happens. */
function startJlt(args: readonly string[]): Proc {
  const child = spawn(process.execPath, [jltBin, ...args], { cwd: repoRoot, env: { ...process.env, JLT_TARGET_URL: '' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc = { child, output: () => output, exited };
  processes.push(proc);
  return proc;
}

async function exitCode(proc: Proc, timeoutMs: number): Promise<number | null | 'hung'> {
  return Promise.race([proc.exited, new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), timeoutMs))]);
}

async function readJson<T>(file: string): Promise<T> {
  return JSON.parse(await readFile(file, 'utf8')) as T;
}

async function writeScenario(name: string, body: string): Promise<string> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    `name: ${name}
target: { kind: testbed, bridges: 1 }
media: { video: { width: 320, height: 180, fps: 10 }, audio: false }
${body}`,
  );
  return file;
}

/** Every sample the coordinator counted (the registry, in summary.json) is in the store. */
async function expectStoreHoldsEverySampleIngested(out: string): Promise<void> {
  const summary = await readJson<{ metrics: Record<string, SummaryMetric> }>(join(out, 'summary.json'));
  const stored = await query(out, 'select metric, count(*) as n, sum(value) as total from samples group by metric');
  const byMetric = new Map(stored.map((row) => [String(row.metric), { n: Number(row.n), total: Number(row.total) }]));
  expect(Object.keys(summary.metrics).length).toBeGreaterThan(0);
  for (const [metric, figures] of Object.entries(summary.metrics)) {
    const inStore = byMetric.get(metric);
    const counted = figures.type === 'rate' ? figures.passes! + figures.fails! : figures.count!;
    // A counter's count is the sum of its values; every other type counts samples.
    expect(figures.type === 'counter' ? inStore?.total : inStore?.n, `${metric} in the store`).toBe(counted);
  }
}

interface LossRun {
  out: string;
  code: number | null | 'hung';
  coordinatorOutput: string;
  run: RunJson;
  killedAtMs: number;
  victim: string;
  survivor: string;
}

/**
 * Coordinator waiting for two agents; `victim` connects first (so it is agent-1), then `survivor`.
 * Once both bots joined and the store holds 3 s of the victim's WebRTC samples, the victim's node
 * process gets SIGKILL.
 */
async function runWithLostAgent(policy: 'fail' | 'continue' | 'redistribute', survivorMaxBots: number): Promise<LossRun> {
  const file = await writeScenario(
    `loss-${policy}`,
    `conferences: 2
participantsPerConference: 1
rampUp: { every: 1s }
duration: 26s
placement: { onAgentLoss: ${policy} }
`,
  );
  const out = join(dir, `loss-${policy}`);
  const port = await freePort();
  const coordinator = startJlt(['run', file, '--results', out, '--wait-agents', '2', '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile]);
  const listening = waitFor(() => coordinator.output().includes(`waiting for 2 agent(s) at ws://127.0.0.1:${port}`), 20_000, 'the coordinator to listen');
  await listening.catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${coordinator.output()}`);
  });
  const url = `ws://127.0.0.1:${port}`;
  const victim = startJlt(['agent', '--coordinator', url, '--token-file', tokenFile, '--name', 'victim', '--max-bots', '1', '--once']);
  await waitFor(() => coordinator.output().includes('agent agent-1 "victim" connected'), 15_000, 'the victim to connect').catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${coordinator.output()}\nvictim:\n${victim.output()}`);
  });
  const survivor = startJlt(['agent', '--coordinator', url, '--token-file', tokenFile, '--name', 'survivor', '--max-bots', String(survivorMaxBots), '--once']);
  const outputs = (): string => `coordinator:\n${coordinator.output()}\nvictim:\n${victim.output()}\nsurvivor:\n${survivor.output()}`;
  await waitFor(() => coordinator.output().includes('bots joined 2/2'), 35_000, 'both bots to join').catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${outputs()}`);
  });
  const victimSampleSpanMs = async (): Promise<number> => {
    const rows = await query(out, "select coalesce(max(epoch_ms(time)) - min(epoch_ms(time)), 0) as span from samples where agent = 'agent-1' and metric = 'webrtc_rtt_ms'");
    return Number(rows[0]?.span ?? 0);
  };
  await waitFor(async () => (await victimSampleSpanMs()) >= 3_000, 20_000, "3 s of the victim's samples in the store").catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${outputs()}`);
  });
  const victimPid = victim.child.pid!;
  const browsers = descendants(victimPid);
  const killedAtMs = Date.now();
  victim.child.kill('SIGKILL');
  await victim.exited;
  const code = await exitCode(coordinator, 45_000);
  for (const pid of browsers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Chromium left with its pipe
    }
  }
  expect(code, outputs()).not.toBe('hung');
  const run = await readJson<RunJson>(join(out, 'run.json'));
  return { out, code, coordinatorOutput: coordinator.output(), run, killedAtMs, victim: 'agent-1', survivor: 'agent-2' };
}

describe('distributed runs', () => {
  it('jlt run --agents 2 spreads the bots over two agent processes and records each clock estimate', async () => {
    const file = await writeScenario(
      'two-local-agents',
      `conferences: 1
participantsPerConference: 2
placement: { keepConferencesTogether: false }
duration: 15s
thresholds:
  bot_join_success: ['rate>0.99']
`,
    );
    const out = join(dir, 'two-local-agents');
    const result = await jlt(['run', file, '--agents', '2', '--results', out], { timeoutMs: 90_000 });
    expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
    const run = await readJson<RunJson>(join(out, 'run.json'));
    expect(run.status).toBe('passed');
    expect(run.agents.map((a) => a.name).sort()).toEqual(['local-1', 'local-2']);
    expect(run.agents.map((a) => a.bots)).toEqual([1, 1]);
    expect(new Set(run.bots.map((b) => b.agent))).toEqual(new Set(run.agents.map((a) => a.id)));
    for (const agent of run.agents) {
      expect(agent.lost).toBe(false);
      // Same machine, same clock: the estimate is within its own bound of 0, and the bound is small.
      expect(typeof agent.clockOffsetMs).toBe('number');
      expect(agent.clockUncertaintyMs).toBeGreaterThanOrEqual(0);
      expect(agent.clockUncertaintyMs).toBeLessThan(50);
      expect(Math.abs(agent.clockOffsetMs!)).toBeLessThanOrEqual(agent.clockUncertaintyMs! + 1);
      expect(agent.clockRttMs).toBeGreaterThanOrEqual(0);
    }
    const joins = await query(out, "select agent, sum(value) as joined from samples where metric = 'bot_join_success' group by agent order by agent");
    expect(joins).toEqual(run.agents.map((a) => ({ agent: a.id, joined: 1 })).sort((a, b) => a.agent.localeCompare(b.agent)));
    await expectStoreHoldsEverySampleIngested(out);
  });

  it('refuses an agent with a wrong token: the agent exits 4 with the reason, the coordinator names it and never logs a token', async () => {
    const file = await writeScenario('wrong-token', 'conferences: 1\nparticipantsPerConference: 1\nduration: 5s\n');
    const port = await freePort();
    const coordinator = startJlt(['run', file, '--results', join(dir, 'wrong-token'), '--wait-agents', '1', '--listen', `127.0.0.1:${port}`, '--token-file', tokenFile]);
    await waitFor(() => coordinator.output().includes('waiting for 1 agent(s)'), 30_000, 'the coordinator to listen');
    const wrongTokenFile = join(dir, 'wrong-token-file');
    const wrongToken = 'not-the-token-0c8e1d4b';
    await writeFile(wrongTokenFile, wrongToken, { mode: 0o600 });
    const agent = await jlt(['agent', '--coordinator', `ws://127.0.0.1:${port}`, '--token-file', wrongTokenFile, '--name', 'intruder', '--once'], {
      timeoutMs: 30_000,
    });
    expect(agent.code, agent.stderr).toBe(4);
    expect(agent.stderr).toContain('the coordinator refused this agent: wrong token');
    await waitFor(() => /refused agent "intruder" from 127\.0\.0\.1:\d+: wrong token/.test(coordinator.output()), 10_000, 'the refusal in the coordinator log');
    coordinator.child.kill('SIGINT');
    expect(await exitCode(coordinator, 30_000)).toBe(130);
    for (const output of [coordinator.output(), agent.stdout, agent.stderr]) {
      expect(output).not.toContain(wrongToken);
      expect(output).not.toContain(TOKEN);
    }
  });

  it('onAgentLoss fail: a SIGKILLed agent ends the run with exit 4 and every sample received before is kept', async () => {
    const loss = await runWithLostAgent('fail', 1);
    expect(loss.code, loss.coordinatorOutput).toBe(4);
    expect(loss.coordinatorOutput).toMatch(/agent agent-1 lost: connection closed/);
    expect(loss.run.status).toBe('agent-lost');
    expect(loss.run.reason).toMatch(/^agent agent-1 lost/);
    expect(loss.run.agents.find((a) => a.id === loss.victim)?.lost).toBe(true);
    const victimSamples = await query(
      loss.out,
      `select count(*) as n, max(epoch_ms(time)) as last from samples where agent = '${loss.victim}'`,
    );
    expect(Number(victimSamples[0]!.n)).toBeGreaterThan(0);
    expect(Number(victimSamples[0]!.last)).toBeLessThanOrEqual(loss.killedAtMs + 1_000);
    await expectStoreHoldsEverySampleIngested(loss.out);
  });

  it('onAgentLoss continue: the run completes, the lost bot is marked lost, the survivor keeps reporting to the end', async () => {
    const loss = await runWithLostAgent('continue', 1);
    expect(loss.code, loss.coordinatorOutput).toBe(0);
    expect(loss.run.status).toBe('passed');
    expect(loss.run.agents.find((a) => a.id === loss.victim)?.lost).toBe(true);
    expect(loss.run.agents.find((a) => a.id === loss.survivor)?.lost).toBe(false);
    const victimBots = loss.run.bots.filter((b) => b.agent === loss.victim);
    expect(victimBots).toHaveLength(1);
    expect(victimBots.map((b) => b.state)).toEqual(['lost']);
    expect(loss.run.bots.filter((b) => b.agent === loss.survivor).map((b) => b.state)).toEqual(['left']);

    // The survivor's health samples come every second; none may be missing from its first to its
    // last, and the last must be from the end of the run, well after the kill.
    const times = (
      await query(loss.out, `select epoch_ms(time) as t from samples where agent = '${loss.survivor}' and metric = 'agent_event_loop_lag_ms' order by t`)
    ).map((row) => Number(row.t));
    const endedAt = Date.parse(loss.run.endedAt!);
    expect(times.at(-1)!).toBeGreaterThan(loss.killedAtMs + 8_000);
    expect(endedAt - times.at(-1)!).toBeLessThan(5_000);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.max(...gaps), `gaps between the survivor's samples: ${gaps.join(', ')}`).toBeLessThan(2_500);
    const afterKill = times.filter((t) => t > loss.killedAtMs).length;
    expect(afterKill).toBeGreaterThanOrEqual(Math.floor((times.at(-1)! - loss.killedAtMs) / 1_000) - 1);
    await expectStoreHoldsEverySampleIngested(loss.out);
  });

  it('onAgentLoss redistribute: the lost bot starts on the survivor, which has room for it', async () => {
    const loss = await runWithLostAgent('redistribute', 2);
    expect(loss.code, loss.coordinatorOutput).toBe(0);
    expect(loss.run.bots.map((b) => b.agent)).toEqual([loss.survivor, loss.survivor]);
    expect(loss.run.bots.every((b) => b.state === 'left'), JSON.stringify(loss.run.bots)).toBe(true);
    const joins = await query(
      loss.out,
      `select json_extract_string(meta, '$.bot') as bot, agent, value, epoch_ms(time) as t
         from samples where metric = 'bot_join_success' order by t`,
    );
    // The victim's bot joined there first, then again on the survivor after the kill.
    const onVictim = joins.filter((row) => row.agent === loss.victim);
    expect(onVictim, JSON.stringify(joins)).toHaveLength(1);
    const moved = String(onVictim[0]!.bot);
    const rejoin = joins.filter((row) => row.bot === moved && row.agent === loss.survivor);
    expect(rejoin, JSON.stringify(joins)).toHaveLength(1);
    expect(Number(rejoin[0]!.value)).toBe(1);
    expect(Number(rejoin[0]!.t)).toBeGreaterThan(loss.killedAtMs);
    const events = await query(loss.out, "select count(*) as n from events where kind = 'bots-redistributed'");
    expect(Number(events[0]!.n)).toBe(1);
  });
});
