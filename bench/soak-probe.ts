/**
 * Leak probe for the soak benchmark, loaded first into each measured Node process (imported at the
 * top of the bench, `--import`ed into the agent). It tracks every AbortSignal made through
 * `new AbortController()`, `AbortSignal.timeout()` and `AbortSignal.any()` (weakly: a collected signal
 * drops out), so the abort listeners a long-lived process keeps can be counted; and it answers
 * SIGUSR2 by appending one JSON line of readings (after a full GC when `--expose-gc` is on) to the
 * file in SOAK_PROBE_FILE, where it writes a first line as soon as it is loaded. When the file
 * `<SOAK_PROBE_FILE>.snapshot` exists at a SIGUSR2, it names the heap snapshot to write first (and is
 * removed): snapshots of the same process after different waves show what it keeps per run.
 */
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { getEventListeners } from 'node:events';
import { getHeapSpaceStatistics, writeHeapSnapshot } from 'node:v8';

const signals = new Set<WeakRef<AbortSignal>>();
const track = <S extends AbortSignal>(signal: S): S => {
  signals.add(new WeakRef(signal));
  return signal;
};

const NativeController = globalThis.AbortController;
globalThis.AbortController = class TrackedAbortController extends NativeController {
  constructor() {
    super();
    track(this.signal);
  }
};
const nativeTimeout = AbortSignal.timeout.bind(AbortSignal);
const nativeAny = AbortSignal.any.bind(AbortSignal);
AbortSignal.timeout = (ms: number) => track(nativeTimeout(ms));
AbortSignal.any = (list: AbortSignal[]) => track(nativeAny(list));

export interface ProbeReading {
  at: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** V8 heap used by compiled code (grows while the JIT still optimises, not with retained data). */
  codeSpaceBytes: number;
  /** Memory of Buffers and ArrayBuffers, outside the V8 heap. */
  externalBytes: number;
  fds: number;
  /** Listeners on `process` (signals, exit, warnings …). */
  processListeners: number;
  /** Live AbortSignals made by this process's code, and the abort listeners on them. */
  liveSignals: number;
  abortListeners: number;
  /** Handles and requests keeping the event loop alive (timers, sockets, …), by type. */
  activeResources: Record<string, number>;
}

export function readProbe(): ProbeReading {
  (globalThis as { gc?: () => void }).gc?.();
  let liveSignals = 0;
  let abortListeners = 0;
  for (const ref of signals) {
    const signal = ref.deref();
    if (signal === undefined) {
      signals.delete(ref);
      continue;
    }
    liveSignals += 1;
    abortListeners += getEventListeners(signal, 'abort').length;
  }
  const activeResources: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) activeResources[type] = (activeResources[type] ?? 0) + 1;
  const memory = process.memoryUsage();
  return {
    at: Date.now(),
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    codeSpaceBytes: getHeapSpaceStatistics().find((space) => space.space_name === 'code_space')?.space_used_size ?? 0,
    externalBytes: memory.external,
    fds: readdirSync('/proc/self/fd').length,
    processListeners: process.eventNames().reduce((n, name) => n + process.listenerCount(name), 0),
    liveSignals,
    abortListeners,
    activeResources,
  };
}

const probeFile = process.env.SOAK_PROBE_FILE;
if (probeFile) {
  const snapshotRequest = `${probeFile}.snapshot`;
  const write = (): void => {
    if (existsSync(snapshotRequest)) {
      writeHeapSnapshot(readFileSync(snapshotRequest, 'utf8'));
      rmSync(snapshotRequest);
    }
    appendFileSync(probeFile, `${JSON.stringify(readProbe())}\n`);
  };
  process.on('SIGUSR2', write);
  // The first line says the handler is in place: SIGUSR2 before it would end the process.
  write();
}
