/**
 * Coordinator ingest benchmark (DESIGN.md budget: 100k samples/s on one core, under 1 s from
 * receipt to durable). Synthetic agents — separate processes speaking the real protocol over real
 * WebSocket connections on loopback (hello, clock exchange, ready, then sample batches with credit:
 * at most DEFAULT_MAX_UNACKED_BATCHES unacknowledged, a new batch on every ack) — send samples as fast
 * as the coordinator accepts them. The coordinator is the real `Coordinator`, its sink the run's:
 * core's MetricRegistry and the DuckDB ResultsStore. Prints, for this process only (the agents run
 * elsewhere):
 *  1. baseline: the same batch messages through decodeMessage (JSON.parse + checks) + registry only;
 *  2. coordinator: samples per CPU-second of this process (all threads, DuckDB's included) and per
 *     wall second over the running phase, and the ratio to the baseline;
 *  3. receipt → durable: the store's flush latencies (age of a flush's oldest sample when committed).
 * Usage: see bench/README.md.
 */
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_MAX_UNACKED_BATCHES,
  MessageStamper,
  MetricRegistry,
  decodeMessage,
  encodeMessage,
  type AgentMessage,
  type Plan,
  type PlannedBot,
  type Sample,
} from '../packages/core/dist/index.js';
import { assignedTestScenario } from '../packages/core/dist/test-support/index.js';
import { Coordinator, connectChannel, listenForChannels } from '../packages/agents/dist/index.js';
import { ResultsStore, type FlushStats } from '../packages/reporters/dist/index.js';

const { values: args } = parseArgs({
  options: {
    role: { type: 'string', default: 'coordinator' },
    url: { type: 'string', default: '' },
    agents: { type: 'string', default: '2' },
    seconds: { type: 'string', default: '10' },
    batch: { type: 'string', default: '2000' },
  },
});
const TOKEN = 'bench-token';
const BATCH = Number(args.batch);
const METRIC_NAMES = ['webrtc_rtt_ms', 'webrtc_jitter_ms', 'webrtc_send_kbps', 'webrtc_recv_kbps', 'webrtc_packet_loss_ratio', 'webrtc_send_fps', 'webrtc_recv_fps', 'webrtc_recv_frame_height'];

/** One batch shaped like a 300-bot run's traffic from one agent: 8 client metrics, 4 tags, 2 meta keys. */
function batchOf(agent: string, t0: number): Sample[] {
  return Array.from({ length: BATCH }, (_, i) => {
    const bot = i % 75;
    return {
      metric: METRIC_NAMES[i % METRIC_NAMES.length]!,
      value: Math.random() * 1000,
      time: t0 + Math.random() * 1000,
      tags: { scenario: 'bench', agent, bridge: `jvb-${bot % 3}`, conference: `jlt-bench-${Math.floor(bot / 3)}` },
      meta: { bot: `${agent}-bot-${bot}`, endpoint: `ep${bot.toString(16).padStart(8, '0')}` },
    };
  });
}

/** A raw protocol client: everything an agent says, nothing it does (no share, no browsers). */
async function runAgent(url: string): Promise<void> {
  const channel = await connectChannel(url);
  const stamper = new MessageStamper<AgentMessage>(Date.now);
  const send = (body: Parameters<typeof stamper.stamp>[0]): Promise<void> => channel.send(encodeMessage(stamper.stamp(body)));
  let runId: string | undefined;
  let sending = false;
  let stopping = false;
  let inFlight = 0;
  let samples: Sample[] = [];
  const pump = async (): Promise<void> => {
    while (sending && inFlight < DEFAULT_MAX_UNACKED_BATCHES) {
      inFlight++;
      await send({ type: 'samples', runId: runId!, samples });
    }
  };
  const heartbeat = setInterval(() => void send({ type: 'heartbeat', activeBots: 1, ...(runId ? { runId } : {}) }).catch(() => {}), 1_000);
  channel.onClose(() => {
    clearInterval(heartbeat);
    process.exit(0);
  });
  channel.onMessage((text) => {
    const decoded = decodeMessage(text, { from: 'coordinator' });
    if (!decoded.ok) throw new Error(decoded.error.message);
    const message = decoded.message;
    switch (message.type) {
      case 'welcome':
        stamper.agentId = message.agentId;
        void send({ type: 'time-request', t0: Date.now() });
        return;
      case 'time-response':
        void send({ type: 'clock-report', offsetMs: 0, rttMs: 0, uncertaintyMs: 0 });
        return;
      case 'assign':
        runId = message.runId;
        samples = batchOf(stamper.agentId!, Date.now());
        void send({ type: 'ready', runId });
        return;
      case 'start':
        sending = true;
        void pump();
        return;
      case 'ack':
        inFlight = Math.max(0, inFlight - 1);
        if (stopping && inFlight === 0) void send({ type: 'done', runId: runId! });
        else void pump();
        return;
      case 'stop':
        sending = false;
        stopping = true;
        if (inFlight === 0) void send({ type: 'done', runId: runId! });
        return;
      case 'refused':
        throw new Error(`refused: ${message.reason}`);
      default:
        return;
    }
  });
  await send({ type: 'hello', token: TOKEN, name: `bench-agent-${process.pid}`, version: 'bench', capacity: { cores: 1, memoryBytes: 1e9, maxBots: 1 } });
}

interface Measure {
  samples: number;
  wallMs: number;
  cpuMs: number;
}

/** decodeMessage + registry over the same batches: what ingest costs without sockets and the store. */
function baseline(totalSamples: number): Measure {
  const stamper = new MessageStamper<AgentMessage>(Date.now, 'agent-1');
  const texts = Array.from({ length: 4 }, () => encodeMessage(stamper.stamp({ type: 'samples', runId: 'bench', samples: batchOf('agent-1', Date.now()) })));
  const registry = new MetricRegistry();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let samples = 0;
  for (let i = 0; samples < totalSamples; i++) {
    const decoded = decodeMessage(texts[i % texts.length]!, { from: 'agent' });
    if (!decoded.ok || decoded.message.type !== 'samples') throw new Error('baseline batch did not decode');
    for (const sample of decoded.message.samples) registry.add(sample);
    samples += decoded.message.samples.length;
  }
  const used = process.cpuUsage(cpu);
  return { samples, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

function plan(agents: number, totalMs: number): Plan {
  const bots: PlannedBot[] = Array.from({ length: agents }, (_, i) => ({
    id: `c${i}-p0`,
    index: i,
    conference: `room-${i}`,
    conferenceIndex: i,
    participantIndex: 0,
    role: 'sender',
    mode: 'full',
    startOffsetMs: 0,
  }));
  return { scenario: 'bench', executor: 'conference-grid', conferences: [], bots, rampUpMs: 0, holdMs: totalMs, totalMs };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

async function runCoordinator(): Promise<void> {
  const agents = Number(args.agents);
  const seconds = Number(args.seconds);
  const root = await mkdtemp(join(tmpdir(), 'jlt-bench-coordinator-'));
  const children: ReturnType<typeof fork>[] = [];
  try {
    const latencies: number[] = [];
    const store = await ResultsStore.create(root, { runId: 'bench-coordinator' }, { onFlush: (s) => latencies.push(s.lastLatencyMs) });
    const registry = new MetricRegistry();
    let received = 0;
    let window: { cpu: NodeJS.CpuUsage; wall: number } | undefined;
    const abort = new AbortController();
    const coordinator = new Coordinator({
      runId: 'bench-coordinator',
      token: TOKEN,
      scenarioName: 'bench',
      scenario: assignedTestScenario('bench'),
      plan: plan(agents, seconds * 1000),
      shard: { placement: 'spread', keepConferencesTogether: true },
      onAgentLoss: 'fail',
      expectedAgents: agents,
      sink: {
        samples(samples) {
          window ??= { cpu: process.cpuUsage(), wall: performance.now() };
          for (const sample of samples) registry.add(sample);
          store.addSamples(samples);
          received += samples.length;
        },
        events(events) {
          store.addEvents(events);
        },
        backlogAgeMs: () => store.pendingAgeMs(),
      },
      logger: { log: (level, message) => level !== 'info' && level !== 'debug' && process.stderr.write(`${level}: ${message}\n`) },
      signal: abort.signal,
      agentWaitTimeoutMs: 15_000,
      readyTimeoutMs: 10_000,
      startDelayMs: 200,
    });
    const server = await listenForChannels({ host: '127.0.0.1', port: 0, onChannel: (channel) => coordinator.addChannel(channel) });
    const self = fileURLToPath(import.meta.url);
    for (let i = 0; i < agents; i++) children.push(fork(self, ['--role', 'agent', '--url', server.url, '--batch', String(BATCH)], { stdio: 'inherit' }));

    const result = await coordinator.run();
    const used = process.cpuUsage(window?.cpu);
    const wallMs = performance.now() - (window?.wall ?? performance.now());
    const live: Measure = { samples: received, wallMs, cpuMs: (used.user + used.system) / 1000 };
    await server.close();
    await store.close();
    const stats: FlushStats = store.flushStats;
    const base = baseline(Math.min(received, 1_000_000));

    const rate = (m: Measure, by: 'cpuMs' | 'wallMs'): number => Math.round(m.samples / (m[by] / 1000));
    const liveCpuRate = rate(live, 'cpuMs');
    const baseCpuRate = rate(base, 'cpuMs');
    const lines = [
      `run: ${result.status}, ${agents} agents over WebSocket on loopback, batches of ${BATCH} samples, ${DEFAULT_MAX_UNACKED_BATCHES} unacked batches per agent, ${seconds} s`,
      `baseline decodeMessage + registry: ${baseCpuRate} samples/CPU-s (${rate(base, 'wallMs')} samples/s wall) over ${base.samples} samples`,
      `coordinator (WebSocket + decode + registry + DuckDB store): ${liveCpuRate} samples/CPU-s, ${rate(live, 'wallMs')} samples/s wall, ${received} samples, CPU ${((live.cpuMs / live.wallMs) * 100).toFixed(0)}% of one core`,
      `ratio coordinator/baseline (CPU): ${(liveCpuRate / baseCpuRate).toFixed(2)}`,
      `receipt -> durable: p50 ${percentile(latencies, 0.5).toFixed(0)} ms, p99 ${percentile(latencies, 0.99).toFixed(0)} ms, max ${stats.maxLatencyMs.toFixed(0)} ms over ${stats.flushes} flushes; ${stats.durableSamples} durable of ${received} received`,
      `budget (>= 100000 samples/CPU-s, max receipt -> durable <= 1000 ms): ${liveCpuRate >= 100_000 && stats.maxLatencyMs <= 1_000 && stats.durableSamples === received ? 'met' : 'NOT met'}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    await rm(root, { recursive: true, force: true });
  }
}

if (args.role === 'agent') await runAgent(args.url);
else await runCoordinator();
