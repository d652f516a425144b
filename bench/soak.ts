/**
 * Leak and soak check (issue 13; not in CI). For `--minutes`, waves of `--bots` browser bots join a
 * testbed conference, stay `--hold`, and leave: each wave is one whole `runScenario` (the library
 * call behind `jlt run`: results store, testbed thread, server collectors, coordinator, outputs) in
 * this long-lived process, served by one long-lived `jlt agent` child that reconnects after each run,
 * as an agent fleet serves run after run. Every `--interval` seconds, and once after each wave has
 * ended, both processes are read: RSS and heap (after a full GC), open file descriptors, listeners on
 * `process`, abort listeners on live AbortSignals, active handles (soak-probe.ts); for the agent also
 * its browser processes (count and PSS). Nothing may grow after the first wave (which loads modules
 * and fills caches): the bench prints each reading's slope per minute over the idle readings of waves
 * 2…N and over all periodic readings after wave 1, and flags what grows. With `--snapshots` it also
 * writes heap snapshots of both processes after wave 1 and after the last wave (each after that
 * wave's reading), to compare in Chrome DevTools' Memory tab: what a process keeps per run shows as
 * objects whose count grew by the number of waves in between.
 * Usage: see bench/README.md.
 */
import { readProbe, type ProbeReading } from './soak-probe.js';
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeHeapSnapshot } from 'node:v8';
import { SecretRedactor, createStreamLogger } from '../packages/core/dist/index.js';
import { StatusTerminal } from '../packages/reporters/dist/progress/status-terminal.js';
import { freeLoopbackPort } from '../packages/core/dist/test-support/index.js';
import { processTree, readAllProcStats, PAGE_BYTES } from '../packages/agents/dist/index.js';
import type { CliContext } from '../packages/cli/dist/context.js';
import { runScenario } from '../packages/cli/dist/run/run-scenario.js';
import { pssBytes } from './proc-tree-sampler.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    bots: { type: 'string', default: '3' },
    hold: { type: 'string', default: '30s' },
    interval: { type: 'string', default: '10' },
    video: { type: 'string', default: '320x180@15' },
    snapshots: { type: 'boolean', default: false },
  },
});
const MINUTES = Number(args.minutes);
const BOTS = Number(args.bots);
const INTERVAL_MS = Number(args.interval) * 1000;
const [width, height, fps] = (/^(\d+)x(\d+)@(\d+)$/.exec(args.video) ?? []).slice(1).map(Number);
if (!(MINUTES > 0 && BOTS > 0 && INTERVAL_MS > 0 && width && height && fps)) throw new Error('bad arguments; see bench/README.md');

if (typeof (globalThis as { gc?: unknown }).gc !== 'function') throw new Error('run with node --expose-gc: readings are taken after a full GC');

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const cliBin = join(repoRoot, 'packages/cli/dist/bin.js');
const probeModule = new URL('./soak-probe.js', import.meta.url).href;

interface Reading {
  /** Minutes since the bench started. */
  minute: number;
  wave: number;
  /** `idle`: read after a wave ended and its bots left; `periodic`: every --interval, whatever runs. */
  kind: 'idle' | 'periodic';
  coordinator: ProbeReading;
  agent: ProbeReading;
  browsers: number;
  browserPssBytes: number;
}

const dir = await mkdtemp(join(tmpdir(), 'jlt-soak-'));
const log = createWriteStream(join(dir, 'soak.log'));
const tokenFile = join(dir, 'token');
const scenarioFile = join(dir, 'soak.yaml');
const agentProbeFile = join(dir, 'agent-probe.jsonl');
await writeFile(tokenFile, 'soak-token-0123456789');
await writeFile(
  scenarioFile,
  [
    'name: soak',
    'target: { kind: testbed, bridges: 1 }',
    'conferences: 1',
    `participantsPerConference: ${BOTS}`,
    'rampUp: { every: 1s }',
    `duration: ${args.hold}`,
    `media: { video: { width: ${width}, height: ${height}, fps: ${fps} }, audio: true }`,
    'collect: { jvb: { interval: 2s } }',
    'outputs: [{ junit: {} }, { json: {} }]',
    '',
  ].join('\n'),
);
const port = await freeLoopbackPort();

const agent = spawn(
  process.execPath,
  ['--expose-gc', '--import', probeModule, cliBin, 'agent', '--coordinator', `ws://127.0.0.1:${port}`, '--token-file', tokenFile, '--max-bots', String(BOTS), '--name', 'soak-agent'],
  { cwd: repoRoot, env: { ...process.env, SOAK_PROBE_FILE: agentProbeFile }, stdio: ['ignore', 'pipe', 'pipe'] },
);
agent.stdout.pipe(log, { end: false });
agent.stderr.pipe(log, { end: false });
const agentExited = new Promise<void>((resolve) => agent.once('exit', () => resolve()));

const controller = new AbortController();
const ctx: CliContext = {
  stdout: log,
  stderr: log,
  terminal: new StatusTerminal(log),
  color: false,
  verbose: false,
  redactor: new SecretRedactor(),
  env: { ...process.env, JLT_TARGET_URL: '' },
  cwd: repoRoot,
  logger: createStreamLogger(log, 'info'),
  signal: controller.signal,
  now: () => Date.now(),
};
process.once('SIGINT', () => controller.abort(new Error('interrupted')));

const started = Date.now();
const minutes = (): number => (Date.now() - started) / 60_000;
const readings: Reading[] = [];
let wave = 0;

function probeLines(): string[] {
  return existsSync(agentProbeFile) ? readFileSync(agentProbeFile, 'utf8').trim().split('\n').filter(Boolean) : [];
}

async function readAgent(timeoutMs = 10_000): Promise<ProbeReading> {
  const before = probeLines().length;
  agent.kill('SIGUSR2');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const lines = probeLines();
    if (lines.length > before) return JSON.parse(lines.at(-1)!) as ProbeReading;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the agent did not answer the probe within ${timeoutMs / 1000} s`);
}

/** Heap snapshots of both processes, queued behind the readings (writing one takes seconds). */
function snapshot(label: string): Promise<unknown> {
  sampling = sampling.then(async () => {
    writeHeapSnapshot(join(dir, `coordinator-${label}.heapsnapshot`));
    await writeFile(`${agentProbeFile}.snapshot`, join(dir, `agent-${label}.heapsnapshot`));
    await readAgent(120_000);
  });
  return sampling;
}

let sampling: Promise<unknown> = Promise.resolve();
/** Readings are taken one at a time: a periodic one and an idle one never interleave. */
function sample(kind: Reading['kind']): Promise<unknown> {
  sampling = sampling.then(async () => {
    const agentReading = await readAgent();
    const tree = processTree(agent.pid!, await readAllProcStats()).filter((p) => p.pid !== agent.pid);
    const pss = await Promise.all(tree.map((p) => pssBytes(p.pid)));
    readings.push({
      minute: minutes(),
      wave,
      kind,
      coordinator: readProbe(),
      agent: agentReading,
      browsers: tree.length,
      browserPssBytes: pss.reduce<number>((n, b, i) => n + (b ?? tree[i]!.rssPages * PAGE_BYTES), 0),
    });
  });
  return sampling;
}

const ready = Date.now() + 30_000;
while (probeLines().length === 0) {
  if (Date.now() > ready || agent.exitCode !== null) throw new Error(`the agent did not start; see ${join(dir, 'soak.log')}`);
  await new Promise((resolve) => setTimeout(resolve, 100));
}
const periodic = setInterval(() => void sample('periodic'), INTERVAL_MS);
const outcomes: string[] = [];
try {
  await sample('idle');
  while (minutes() < MINUTES && !controller.signal.aborted) {
    wave += 1;
    const out = join(dir, `wave-${wave}`);
    const outcome = await runScenario({ file: scenarioFile, resultsDir: out, outputs: [], report: false, waitAgents: 1, listen: { host: '127.0.0.1', port }, tokenFile }, ctx);
    const summary = JSON.parse(readFileSync(join(out, 'run.json'), 'utf8')) as { bots?: { state: string }[] };
    const joinedBots = (summary.bots ?? []).filter((b) => b.state === 'left').length;
    outcomes.push(`wave ${wave}: ${outcome.status}, ${joinedBots}/${BOTS} bots joined and left, at ${minutes().toFixed(1)} min`);
    process.stdout.write(`${outcomes.at(-1)}\n`);
    await rm(out, { recursive: true, force: true });
    // The agent closes its browsers after it sent `done`; give it the moment it needs.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    await sample('idle');
    if (args.snapshots && wave === 1) await snapshot('wave-1');
  }
  if (args.snapshots) await snapshot(`wave-${wave}`);
} finally {
  clearInterval(periodic);
  await sampling.catch(() => {});
  agent.kill('SIGTERM');
  await agentExited;
  log.end();
}

type Metric = { name: string; unit: string; scale: number; pick: (r: Reading) => number };
const MB = 1024 * 1024;
const total = (resources: Record<string, number>): number => Object.values(resources).reduce((n, c) => n + c, 0);
/** The probe's readings of one process. */
function processMetrics(name: string, of: (r: Reading) => ProbeReading): Metric[] {
  return [
    { name: `${name} RSS`, unit: 'MB', scale: MB, pick: (r) => of(r).rssBytes },
    { name: `${name} heap`, unit: 'MB', scale: MB, pick: (r) => of(r).heapUsedBytes },
    { name: `${name} heap: code`, unit: 'MB', scale: MB, pick: (r) => of(r).codeSpaceBytes },
    { name: `${name} external`, unit: 'MB', scale: MB, pick: (r) => of(r).externalBytes },
    { name: `${name} fds`, unit: 'fds', scale: 1, pick: (r) => of(r).fds },
    { name: `${name} process listeners`, unit: 'listeners', scale: 1, pick: (r) => of(r).processListeners },
    { name: `${name} abort listeners`, unit: 'listeners', scale: 1, pick: (r) => of(r).abortListeners },
    { name: `${name} active handles`, unit: 'handles', scale: 1, pick: (r) => total(of(r).activeResources) },
  ];
}
const METRICS: Metric[] = [
  ...processMetrics('coordinator', (r) => r.coordinator),
  ...processMetrics('agent', (r) => r.agent),
  { name: 'agent browser processes', unit: 'processes', scale: 1, pick: (r) => r.browsers },
  { name: 'agent browsers PSS', unit: 'MB', scale: MB, pick: (r) => r.browserPssBytes },
];

/** Least-squares slope of value against minutes, in the metric's unit per minute. */
function slope(points: readonly Reading[], metric: Metric): number {
  const xs = points.map((p) => p.minute);
  const ys = points.map((p) => metric.pick(p) / metric.scale);
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  const sxx = xs.reduce((a, x) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : xs.reduce((a, x, i) => a + (x - mx) * (ys[i]! - my), 0) / sxx;
}

/**
 * What counts as growth over the idle readings: memory more than 1 MB a minute (GC and allocator
 * noise stays under that), any count whose slope passes 0.2 a minute and whose last idle value is
 * above the first.
 */
function grows(idle: readonly Reading[], metric: Metric, perMinute: number): boolean {
  const first = metric.pick(idle[0]!) / metric.scale;
  const last = metric.pick(idle.at(-1)!) / metric.scale;
  return perMinute > (metric.unit === 'MB' ? 1 : 0.2) && last > first;
}

const idleAfterFirst = readings.filter((r) => r.kind === 'idle' && r.wave >= 2);
const periodicAfterFirst = readings.filter((r) => r.kind === 'periodic' && r.wave >= 2);
const fmt = (n: number): string => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));
process.stdout.write(`\n${outcomes.length} waves of ${BOTS} bots (${args.video}, hold ${args.hold}) in ${minutes().toFixed(1)} min; ${readings.length} readings\n`);
process.stdout.write(`idle readings after waves 2…${wave}: ${idleAfterFirst.length}; periodic readings after wave 1: ${periodicAfterFirst.length}\n\n`);
if (idleAfterFirst.length < 3) throw new Error('fewer than 3 idle readings after the first wave: run longer (--minutes) or hold shorter (--hold)');
process.stdout.write('| reading | after wave 1 (idle) | last idle | slope, idle readings | slope, all readings | |\n|---|---|---|---|---|---|\n');
let growing = 0;
for (const metric of METRICS) {
  const idleSlope = slope(idleAfterFirst, metric);
  const allSlope = slope(periodicAfterFirst, metric);
  const flagged = grows(idleAfterFirst, metric, idleSlope);
  if (flagged) growing += 1;
  const first = metric.pick(idleAfterFirst[0]!) / metric.scale;
  const last = metric.pick(idleAfterFirst.at(-1)!) / metric.scale;
  process.stdout.write(
    `| ${metric.name} | ${fmt(first)} ${metric.unit} | ${fmt(last)} ${metric.unit} | ${fmt(idleSlope)} ${metric.unit}/min | ${fmt(allSlope)} ${metric.unit}/min | ${flagged ? 'GROWS' : 'flat'} |\n`,
  );
}
const lastIdle = idleAfterFirst.at(-1)!;
process.stdout.write(`\nactive handles at the last idle reading: coordinator ${JSON.stringify(lastIdle.coordinator.activeResources)}, agent ${JSON.stringify(lastIdle.agent.activeResources)}\n`);
process.stdout.write(`readings and logs: ${dir}\n`);
await writeFile(join(dir, 'readings.json'), JSON.stringify(readings, null, 1));
process.exitCode = growing > 0 ? 1 : 0;
