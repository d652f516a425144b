import { cpus } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { RunEvent, Sample } from '@jlt/core';
import type { Clock } from './bot.js';
import { cpuCoresBetween, processTree, readAllProcStats, treeMemoryBytes, type ProcStat } from './proc-tree.js';

export interface HealthMonitorOptions {
  tags: { scenario: string; agent: string };
  clock: Clock;
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  now(): number;
  intervalMs?: number;
  /**
   * How often `agent_memory_bytes` is read; default 10 s. PSS costs the kernel a page-table walk per
   * process: 63 ms of CPU for an agent with 3 pages in 16 processes, 6 % of a core if read every second.
   */
  memoryIntervalMs?: number;
  /** The process whose tree (agent + its Chromium processes) is measured. Default: this process. */
  rootPid?: number;
  cores?: number;
  /** Saturated when CPU exceeds this share of cores for `cpuSaturatedSamples` readings in a row. */
  cpuSaturatedShare?: number;
  cpuSaturatedSamples?: number;
  lagSaturatedMs?: number;
  procDir?: string;
}

export interface HealthReading {
  cpuCores: number;
  memoryBytes: number;
  eventLoopLagP99Ms: number;
}

export interface HealthMonitor {
  latest(): HealthReading | undefined;
  stop(): void;
}

/**
 * Every interval: `agent_cpu_cores` and `agent_event_loop_lag_ms` (p99 over the interval); every
 * `memoryIntervalMs`, `agent_memory_bytes` (PSS summed over the process tree: see `treeMemoryBytes`). Emits one `agent.saturated` warn event when saturation starts and one info event when it ends.
 */
export function startHealthMonitor(options: HealthMonitorOptions): HealthMonitor {
  const intervalMs = options.intervalMs ?? 1000;
  const rootPid = options.rootPid ?? process.pid;
  const cores = options.cores ?? cpus().length;
  const cpuShare = options.cpuSaturatedShare ?? 0.9;
  const cpuSamples = options.cpuSaturatedSamples ?? 3;
  const lagLimitMs = options.lagSaturatedMs ?? 200;
  const memoryIntervalMs = options.memoryIntervalMs ?? 10_000;
  let memoryReadAt = Number.NEGATIVE_INFINITY;
  let memoryBytes = 0;
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let previous: { monotonicMs: number; all: ProcStat[] } | undefined;
  let latest: HealthReading | undefined;
  let hotInARow = 0;
  let saturated = false;
  let busy = false;
  let stopped = false;

  const tags = { scenario: options.tags.scenario, agent: options.tags.agent };
  const tick = async (): Promise<void> => {
    const at = options.now();
    // The reading is spread over the async read; its midpoint on the monotonic clock is the best
    // estimate of when the ticks were taken, and wall-clock steps cannot distort the elapsed time.
    const readStartMs = performance.now();
    const all = await readAllProcStats(options.procDir);
    const monotonicMs = (readStartMs + performance.now()) / 2;
    const tree = processTree(rootPid, all);
    const readMemory = readStartMs - memoryReadAt >= memoryIntervalMs;
    if (readMemory) {
      memoryBytes = await treeMemoryBytes(tree, options.procDir);
      memoryReadAt = readStartMs;
    }
    const lagP99Ms = lag.percentile(99) / 1e6;
    lag.reset();
    if (stopped) return;
    const time = options.clock.toCoordinatorTime(at);
    const out: Sample[] = [{ metric: 'agent_event_loop_lag_ms', value: lagP99Ms, time, tags }];
    if (readMemory) out.unshift({ metric: 'agent_memory_bytes', value: memoryBytes, time, tags });
    if (previous !== undefined) {
      const cpuCores = cpuCoresBetween(previous.all, tree, monotonicMs - previous.monotonicMs);
      out.unshift({ metric: 'agent_cpu_cores', value: cpuCores, time, tags });
      latest = { cpuCores, memoryBytes, eventLoopLagP99Ms: lagP99Ms };
      hotInARow = cpuCores > cpuShare * cores ? hotInARow + 1 : 0;
      const nowSaturated = hotInARow >= cpuSamples || lagP99Ms > lagLimitMs;
      if (nowSaturated !== saturated) {
        saturated = nowSaturated;
        const detail = `CPU ${cpuCores.toFixed(2)} of ${cores} cores, event-loop lag p99 ${lagP99Ms.toFixed(0)} ms`;
        options.events([
          saturated
            ? { time, kind: 'agent.saturated', level: 'warn', message: `agent ${tags.agent} is saturated (${detail}): what its bots measure meanwhile describes the load generator as much as the target`, tags, meta: { cpuCores, lagP99Ms } }
            : { time, kind: 'agent.recovered', level: 'info', message: `agent ${tags.agent} is no longer saturated (${detail})`, tags, meta: { cpuCores, lagP99Ms } },
        ]);
      }
    }
    previous = { monotonicMs, all };
    options.samples(out);
  };
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    tick()
      .catch(() => undefined)
      .finally(() => {
        busy = false;
      });
  }, intervalMs);
  return {
    latest: () => latest,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      lag.disable();
    },
  };
}
