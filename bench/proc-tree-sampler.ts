/**
 * Reads a process tree's CPU time and memory from /proc (Linux), for benchmarks that measure other
 * processes. CPU is utime + stime of each process; memory is RSS (from `stat`) and PSS (from
 * `smaps_rollup`: shared pages divided among the processes mapping them, so summing PSS over many
 * Chromium processes does not count the shared binary once per process as summing RSS does).
 */
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { CLOCK_TICKS_PER_SECOND, PAGE_BYTES, processTree, readAllProcStats, type ProcStat } from '../packages/agents/dist/index.js';

export interface TreeSample {
  /** performance.now() when the reading began. */
  at: number;
  rootPid: number;
  procs: ProcStat[];
  /** Each process's kind (see `processKind`), by pid. */
  kinds: ReadonlyMap<number, ProcessKind>;
}

/** What a process of a bench's tree is: the root (Node) or a Chromium process by its `--type`. */
export type ProcessKind = 'node' | 'browser' | 'renderer' | 'network' | 'audio' | 'gpu' | 'other';

/** A Chromium process's kind from its command line (`--type=renderer`, `--utility-sub-type=network.mojom.NetworkService`, ...). */
export function processKind(cmdline: string): ProcessKind {
  const type = /--type=([\w-]+)/.exec(cmdline)?.[1];
  if (type === undefined) return 'browser';
  if (type === 'renderer') return 'renderer';
  if (type === 'gpu-process') return 'gpu';
  if (type === 'utility') {
    if (cmdline.includes('network.mojom.NetworkService')) return 'network';
    if (cmdline.includes('audio.mojom.AudioService')) return 'audio';
  }
  return 'other';
}

/** Kinds by pid, read once per pid (a command line does not change). */
const kindCache = new Map<number, ProcessKind>();

async function kindOf(pid: number, rootPid: number): Promise<ProcessKind> {
  if (pid === rootPid) return 'node';
  let kind = kindCache.get(pid);
  if (kind === undefined) {
    kind = processKind((await readText(`/proc/${pid}/cmdline`))?.replaceAll('\0', ' ') ?? '');
    kindCache.set(pid, kind);
  }
  return kind;
}

/** Summed PSS of a tree at one moment: the root process and everything below it. */
export interface PssSample {
  rootBytes: number;
  childBytes: number;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function pssBytes(pid: number): Promise<number | undefined> {
  const text = await readText(`/proc/${pid}/smaps_rollup`);
  const match = text === undefined ? null : /^Pss:\s+(\d+) kB/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/** CPU ticks and RSS of the tree: cheap (one `stat` per process on the machine), taken every second. */
export async function sampleTree(rootPid: number): Promise<TreeSample> {
  const at = performance.now();
  const procs = processTree(rootPid, await readAllProcStats());
  const kinds = new Map<number, ProcessKind>();
  for (const p of procs) kinds.set(p.pid, await kindOf(p.pid, rootPid));
  return { at, rootPid, procs, kinds };
}

/**
 * PSS of the processes of a tree sample. `smaps_rollup` walks each process's page tables, which on a
 * loaded machine takes seconds for a few dozen Chromium processes, so this is read less often and
 * apart from the CPU samples.
 */
export async function samplePss(tree: TreeSample): Promise<PssSample> {
  const pss = await Promise.all(tree.procs.map((p) => pssBytes(p.pid)));
  const sum = (root: boolean): number => tree.procs.reduce((n, p, i) => n + ((p.pid === tree.rootPid) === root ? (pss[i] ?? 0) : 0), 0);
  return { rootBytes: sum(true), childBytes: sum(false) };
}

export interface TreeUsage {
  seconds: number;
  /** Mean cores over the window: the root process alone, and everything below it. */
  rootCores: number;
  childCores: number;
  /** Means over the samples of the summed PSS (PSS samples) and RSS (CPU samples). */
  rootPssBytes: number;
  childPssBytes: number;
  rootRssBytes: number;
  childRssBytes: number;
  /** Cores of the whole tree in each interval between consecutive samples. */
  intervalCores: number[];
  /** Mean cores over the window by process kind (they sum to rootCores + childCores). */
  coresByKind: Partial<Record<ProcessKind, number>>;
  /** Process count of the tree in the last sample. */
  processes: number;
  pssSamples: number;
}

/**
 * CPU between two samples: per-process tick deltas; a process first seen in `current` counts all its
 * ticks (it started within the interval), one that exited counts nothing more.
 */
function ticksBetween(previous: TreeSample, current: TreeSample, counts: (p: ProcStat) => boolean): number {
  const before = new Map(previous.procs.map((p) => [p.pid, p.cpuTicks]));
  let ticks = 0;
  for (const p of current.procs) {
    if (!counts(p)) continue;
    ticks += Math.max(0, p.cpuTicks - (before.get(p.pid) ?? 0));
  }
  return ticks;
}

export function summarize(samples: readonly TreeSample[], pss: readonly PssSample[]): TreeUsage {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (first === undefined || last === undefined || samples.length < 2 || pss.length === 0) throw new Error('summarize needs at least two CPU samples and one PSS sample');
  const seconds = (last.at - first.at) / 1000;
  let rootTicks = 0;
  let childTicks = 0;
  const intervalCores: number[] = [];
  const kindTicks = new Map<ProcessKind, number>();
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1] as TreeSample;
    const cur = samples[i] as TreeSample;
    const r = ticksBetween(prev, cur, (p) => p.pid === cur.rootPid);
    const c = ticksBetween(prev, cur, (p) => p.pid !== cur.rootPid);
    for (const kind of new Set(cur.kinds.values())) {
      kindTicks.set(kind, (kindTicks.get(kind) ?? 0) + ticksBetween(prev, cur, (p) => cur.kinds.get(p.pid) === kind));
    }
    rootTicks += r;
    childTicks += c;
    intervalCores.push((r + c) / CLOCK_TICKS_PER_SECOND / ((cur.at - prev.at) / 1000));
  }
  const mean = <T>(list: readonly T[], pick: (s: T) => number): number => list.reduce((sum, s) => sum + pick(s), 0) / list.length;
  const rss = (s: TreeSample, root: boolean): number => s.procs.filter((p) => (p.pid === s.rootPid) === root).reduce((n, p) => n + p.rssPages * PAGE_BYTES, 0);
  return {
    seconds,
    rootCores: rootTicks / CLOCK_TICKS_PER_SECOND / seconds,
    childCores: childTicks / CLOCK_TICKS_PER_SECOND / seconds,
    rootPssBytes: mean(pss, (p) => p.rootBytes),
    childPssBytes: mean(pss, (p) => p.childBytes),
    rootRssBytes: mean(samples, (s) => rss(s, true)),
    childRssBytes: mean(samples, (s) => rss(s, false)),
    intervalCores,
    coresByKind: Object.fromEntries([...kindTicks].map(([kind, ticks]) => [kind, ticks / CLOCK_TICKS_PER_SECOND / seconds])),
    processes: last.procs.length,
    pssSamples: pss.length,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Ends a bench's driver child: asks it to stop, kills it after `graceMs`, then kills by pid any
 * process of its last sampled tree still running under the same name (browsers it left behind).
 */
export async function reapTree(child: ChildProcess, lastTree: readonly ProcStat[], graceMs: number): Promise<void> {
  const exited = child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r()));
  if (child.connected) child.send({ type: 'stop' });
  if ((await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) === false) {
    child.kill('SIGKILL');
    await Promise.race([exited, sleep(5_000)]);
  }
  await sleep(500);
  const alive = new Map((await readAllProcStats()).map((p) => [p.pid, p.comm]));
  for (const p of lastTree) {
    if (p.pid !== child.pid && alive.get(p.pid) === p.comm) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // Exited between the read and the kill.
      }
    }
  }
}
