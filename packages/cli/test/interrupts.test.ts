import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { jltBin, killTree, queryResults, repoRoot } from './cli-harness.js';

/*
 * SIGINT/SIGTERM at every phase of `jlt run`, each detected from the CLI's own output the moment it
 * is printed (not by sleeping): the run stops within 10 s with exit 130, and what it collected is
 * in a store `jlt query` reads. One bot, a 3 s hold: each run is as small as a run gets.
 */

interface Interrupted {
  code: number | null;
  /** From the signal to the exit. */
  stopMs: number;
  output: string;
}

interface RunJson {
  status: string;
  interruptedWhile?: string;
  bots?: { state: string }[];
}

let dir: string;
let tokenFile: string;
let scenario: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  expect(existsSync(jltBin), `build the CLI first: npx tsc -b packages/cli (${jltBin} is missing)`).toBe(true);
  dir = await mkdtemp(join(tmpdir(), 'jlt-interrupts-'));
  tokenFile = join(dir, 'token');
  await writeFile(tokenFile, 'interrupt-test-token-51c2e9\n', { mode: 0o600 });
  scenario = join(dir, 'tiny.yaml');
  await writeFile(
    scenario,
    `name: tiny
target: { kind: testbed }
conferences: 1
participantsPerConference: 1
duration: 3s
media: { video: { width: 320, height: 180, fps: 10 }, audio: false }
outputs: [{ junit: {} }]
`,
  );
  // A report that takes 20 s and ignores the interrupt: the run must still exit in time.
  await writeFile(
    join(dir, 'slow-report.mjs'),
    `export default { name: 'slow-report', create: () => ({ name: 'slow-report', start: async () => {}, addSamples() {}, addEvents() {},
      onRunEnd: () => new Promise((resolve) => setTimeout(resolve, 20000)), stop: async () => {} }) };\n`,
  );
});

afterEach(() => {
  for (const child of children.splice(0)) killTree(child.pid);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/**
 * Starts `jlt run`, sends `signal` the moment its output matches `marker` (and `then.signal` when it
 * matches `then.marker` after that), and waits for the exit.
 */
function interruptAt(args: readonly string[], marker: RegExp, signal: NodeJS.Signals, then?: { marker: RegExp; signal: NodeJS.Signals }): Promise<Interrupted> {
  const child = spawn(process.execPath, [jltBin, 'run', ...args], { cwd: repoRoot, env: { ...process.env, JLT_TARGET_URL: '' } });
  children.push(child);
  let output = '';
  let signalledAt: number | undefined;
  let secondSent = false;
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
    if (signalledAt === undefined && marker.test(output)) {
      signalledAt = Date.now();
      child.kill(signal);
    } else if (signalledAt !== undefined && then !== undefined && !secondSent && then.marker.test(output)) {
      secondSent = true;
      child.kill(then.signal);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no exit within 120 s; output:\n${output}`)), 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (signalledAt === undefined) reject(new Error(`exited (${code}) before printing ${marker}; output:\n${output}`));
      else resolve({ code, stopMs: Date.now() - signalledAt, output });
    });
  });
}

async function runJson(results: string): Promise<RunJson> {
  return JSON.parse(await readFile(join(results, 'run.json'), 'utf8')) as RunJson;
}

const figures: string[] = [];
afterAll(() => {
  // The figures for the record: which phase each signal landed in and how long the stop took.
  console.log(`interrupts:\n${figures.join('\n')}`);
});

describe('jlt run stops on a signal at any phase', () => {
  it('while loading: exit 130 before anything is collected', async () => {
    const results = join(dir, 'loading');
    const run = await interruptAt([scenario, '--results', results], /^loading /m, 'SIGTERM');
    figures.push(`loading: exit ${run.code} after ${run.stopMs} ms`);
    expect(run.code, run.output).toBe(130);
    expect(run.stopMs).toBeLessThan(10_000);
    expect(run.output).toContain('\ninterrupted while loading the scenario\nhint: nothing was collected yet\n');
    expect(await readdir(results)).toEqual([]);
  });

  it.each([
    // The store is created in milliseconds, so that signal may land in one of the next phases.
    { phase: 'results', marker: /results in /, landsIn: ['results', 'outputs', 'target'], signal: 'SIGINT' as const, remote: false },
    { phase: 'target', marker: /^starting the target…$/m, landsIn: ['target'], signal: 'SIGTERM' as const, remote: false },
    { phase: 'agents', marker: /^waiting for agents…$/m, landsIn: ['agents'], signal: 'SIGINT' as const, remote: true },
    { phase: 'preparing', marker: /^preparing /m, landsIn: ['preparing'], signal: 'SIGTERM' as const, remote: false },
    // Joining is what the progress calls `running` while bots still join.
    { phase: 'joining', marker: /^joining /m, landsIn: ['running'], signal: 'SIGINT' as const, remote: false },
    { phase: 'running', marker: /^running \d+s\/\d+s · agents 1 · bots joined 1\/1/m, landsIn: ['running'], signal: 'SIGTERM' as const, remote: false },
  ])('while $phase: exit 130 within 10 s, the store readable', async ({ phase, marker, landsIn, signal, remote }) => {
    const results = join(dir, phase);
    const run = await interruptAt([scenario, '--results', results, ...(remote ? ['--wait-agents', '1', '--token-file', tokenFile] : [])], marker, signal);
    const meta = await runJson(results);
    figures.push(`${phase}: exit ${run.code} after ${run.stopMs} ms, landed in ${meta.interruptedWhile}`);
    expect(run.code, run.output).toBe(130);
    expect(run.stopMs, run.output).toBeLessThan(10_000);
    expect(meta.status).toBe('interrupted');
    expect(landsIn).toContain(meta.interruptedWhile);
    // `jlt query` opening the store is the readability check; the phases so far are in it.
    const phases = await queryResults(results, "select count(*) as n from events where kind = 'run-phase'");
    if (phase !== 'results') expect(Number(phases[0]!.n)).toBeGreaterThanOrEqual(1);
    if (phase === 'running') {
      // A bot that had joined left the conference cleanly, and its join is in the store.
      expect(meta.bots?.map((b) => b.state)).toEqual(['left']);
      const joins = await queryResults(results, "select count(*) as n from samples where metric = 'bot_join_success'");
      expect(Number(joins[0]!.n)).toBe(1);
    }
  });

  it('while writing reports: exit 130 within 10 s even if a report ignores the interrupt, the run itself recorded', async () => {
    const results = join(dir, 'reports');
    const run = await interruptAt([scenario, '--results', results, '--out', join(dir, 'slow-report.mjs')], /^writing reports…$/m, 'SIGINT');
    const meta = await runJson(results);
    figures.push(`reports: exit ${run.code} after ${run.stopMs} ms, landed in ${meta.interruptedWhile}`);
    expect(run.code, run.output).toBe(130);
    expect(run.stopMs).toBeLessThan(10_000);
    expect(meta).toMatchObject({ status: 'passed', interruptedWhile: 'reports' });
    const joined = await queryResults(results, "select count(*) as n from samples where metric = 'bot_join_success' and value = 1");
    expect(Number(joined[0]!.n)).toBe(1);
  });

  it('exits at once on a second signal, leaving a store that still opens', async () => {
    const results = join(dir, 'twice');
    const run = await interruptAt([scenario, '--results', results], /^running \d+s\/\d+s · agents 1 · bots joined 1\/1/m, 'SIGINT', {
      marker: /interrupted: stopping cleanly/,
      signal: 'SIGINT',
    });
    figures.push(`second signal: exit ${run.code} after ${run.stopMs} ms`);
    expect(run.code, run.output).toBe(130);
    expect(run.output).toContain('second interrupt: exiting now');
    expect(run.stopMs).toBeLessThan(2_000);
    const samples = await queryResults(results, 'select count(*) as n from samples');
    expect(Number(samples[0]!.n)).toBeGreaterThan(0);
  });
});
