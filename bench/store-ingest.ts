/**
 * Results-store ingest benchmark (DESIGN.md budget: 100k samples/s on one core, under 1 s from
 * `addSamples` to durable). Prints, for the same generated samples in one process:
 *  1. baseline: raw JSONL append (JSON.stringify + appendFile in 250 ms-sized batches);
 *  2. store, unpaced: every sample through ResultsStore as fast as it takes them, then close();
 *  3. store, paced at --rate samples/s for --seconds: the flush latency a live run sees.
 * Throughput is samples per CPU-second of this process (all threads, DuckDB's included), so it is
 * the one-core figure even on a busy machine; wall-clock rates are printed beside it. Baseline and
 * store alternate for --rounds rounds and the best round of each counts, so a burst of load from
 * other processes during one phase does not decide the ratio.
 * Usage: see bench/README.md.
 */
import { appendFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ResultsStore, type FlushStats } from '../packages/reporters/dist/index.js';
import { measure, type Measure } from './measure.js';

type Sample = Parameters<ResultsStore['addSamples']>[0][number];

const { values: args } = parseArgs({
  options: {
    samples: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '100000' },
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
  },
});
const total = Number(args.samples);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const rounds = Number(args.rounds);

const METRIC_NAMES = ['webrtc_rtt_ms', 'webrtc_jitter_ms', 'webrtc_send_kbps', 'webrtc_recv_kbps', 'webrtc_packet_loss_ratio', 'webrtc_send_fps', 'webrtc_recv_fps', 'webrtc_recv_frame_height'];

/** What a 300-bot run sends: per bot per second one sample per metric, tags and per-bot meta. */
function generate(count: number, t0: number): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const bot = i % 300;
    return {
      metric: METRIC_NAMES[i % METRIC_NAMES.length]!,
      value: Math.random() * 1000,
      time: t0 + Math.floor(i / 2400) * 1000 + Math.random(),
      tags: { scenario: '100x3', agent: `agent-${bot % 4}`, bridge: `jvb-${bot % 3}`, conference: `jlt-100x3-${Math.floor(bot / 3)}` },
      meta: { bot: `bot-${bot}`, endpoint: `ep${bot.toString(16).padStart(8, '0')}` },
    };
  });
}


const perSecond = (count: number, ms: number): number => Math.round(count / (ms / 1000));
const BATCH = 1_000;

async function baselineJsonl(dir: string, samples: Sample[]): Promise<Measure> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, 'samples.jsonl');
  const perFlush = Math.max(1, Math.round(rate / 4));
  return measure(async () => {
    for (let offset = 0; offset < samples.length; offset += perFlush) {
      const lines = samples.slice(offset, offset + perFlush).map((s) => JSON.stringify(s));
      await appendFile(file, `${lines.join('\n')}\n`);
    }
  });
}

/** As fast as the store takes them, in flush-sized batches (what the 250 ms timer sees at `rate`). */
async function storeUnpaced(dir: string, samples: Sample[]): Promise<{ measure: Measure; stats: FlushStats }> {
  const perFlush = Math.max(1, Math.round(rate / 4));
  let stats: FlushStats | undefined;
  const result = await measure(async () => {
    const store = await ResultsStore.create(dir, { runId: 'bench' });
    for (let offset = 0; offset < samples.length; offset += perFlush) {
      for (let batch = offset; batch < Math.min(offset + perFlush, samples.length); batch += BATCH) {
        store.addSamples(samples.slice(batch, Math.min(batch + BATCH, offset + perFlush)));
      }
      await store.flush();
    }
    await store.close();
    stats = store.flushStats;
  });
  return { measure: result, stats: stats! };
}

async function storePaced(dir: string, samples: Sample[]): Promise<{ stats: FlushStats; latencies: number[]; measure: Measure }> {
  const latencies: number[] = [];
  let stats: FlushStats | undefined;
  const result = await measure(async () => {
    const store = await ResultsStore.create(dir, { runId: 'bench-paced' }, { onFlush: (s) => latencies.push(s.lastLatencyMs) });
    const started = performance.now();
    let sent = 0;
    while (sent < samples.length) {
      const due = Math.min(samples.length, Math.floor(((performance.now() - started) / 1000) * rate));
      if (due > sent) {
        store.addSamples(samples.slice(sent, due));
        sent = due;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await store.close();
    stats = store.flushStats;
  });
  return { stats: stats!, latencies, measure: result };
}

function percentile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}

const root = await mkdtemp(join(tmpdir(), 'jlt-bench-store-'));
try {
  const samples = generate(total, Date.now());
  const paced = generate(rate * seconds, Date.now());

  let base: Measure | undefined;
  let store: { measure: Measure; stats: FlushStats } | undefined;
  for (let round = 0; round < rounds; round++) {
    const b = await baselineJsonl(join(root, `base-${round}`), samples);
    if (!base || b.cpuMs < base.cpuMs) base = b;
    const st = await storeUnpaced(join(root, `store-${round}`), samples);
    if (!store || st.measure.cpuMs < store.measure.cpuMs) store = st;
  }
  const live = await storePaced(join(root, 'paced'), paced);

  const baseCpuRate = perSecond(total, base!.cpuMs);
  const storeCpuRate = perSecond(total, store!.measure.cpuMs);
  const flushCpuMs = store!.measure.cpuMs / store!.stats.flushes;
  const lines = [
    `samples: ${total} (300 bots, ${METRIC_NAMES.length} metrics, 4 tag columns, 2 meta keys)`,
    `baseline JSONL append: ${baseCpuRate} samples/CPU-s (${perSecond(total, base!.wallMs)} samples/s wall), best of ${rounds}`,
    `store (DuckDB appender): ${storeCpuRate} samples/CPU-s (${perSecond(total, store!.measure.wallMs)} samples/s wall, incl. final checkpoint), ${store!.stats.flushes} flushes, best of ${rounds}`,
    `ratio store/baseline (CPU): ${(storeCpuRate / baseCpuRate).toFixed(2)}`,
    `store CPU per ${Math.round(rate / 4)}-sample flush: ${flushCpuMs.toFixed(0)} ms, so on a free core addSamples -> durable <= 250 + ${flushCpuMs.toFixed(0)} ms at ${rate} samples/s`,
    `paced at ${rate} samples/s for ${seconds} s: ${live.stats.durableSamples} durable, CPU ${((live.measure.cpuMs / live.measure.wallMs) * 100).toFixed(0)}% of one core`,
    `  addSamples -> durable latency: p50 ${percentile(live.latencies, 0.5).toFixed(0)} ms, p99 ${percentile(live.latencies, 0.99).toFixed(0)} ms, max ${live.stats.maxLatencyMs.toFixed(0)} ms; flush duration last ${live.stats.lastFlushMs.toFixed(0)} ms`,
    `budget (>= 100000 samples/CPU-s, max latency <= 1000 ms): ${storeCpuRate >= 100_000 && live.stats.maxLatencyMs <= 1_000 ? 'met' : 'NOT met'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
} finally {
  await rm(root, { recursive: true, force: true });
}
