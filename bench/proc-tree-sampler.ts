/**
 * Reads a process tree's CPU time and memory from /proc (Linux), for benchmarks that measure other
 * processes. CPU is utime + stime of each process; memory is RSS (from `stat`) and PSS (from
 * `smaps_rollup`: shared pages divided among the processes mapping them, so summing PSS over many
 * Chromium processes does not count the shared binary once per process as summing RSS does).
 */
import { readdir, readFile } from 'node:fs/promises';

/** Linux USER_HZ: the unit of utime and stime in /proc/<pid>/stat on every mainstream architecture. */
export const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

export interface ProcEntry {
  pid: number;
  ppid: number;
  comm: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssBytes: number;
}

export interface TreeSample {
  /** performance.now() when the reading began. */
  at: number;
  rootPid: number;
  procs: ProcEntry[];
}

/** Summed PSS of a tree at one moment: the root process and everything below it. */
export interface PssSample {
  rootBytes: number;
  childBytes: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are read after the last `)`. */
export function parseStat(text: string): ProcEntry | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const fields = text.slice(close + 2).trim().split(' ');
  const entry = {
    pid: Number(text.slice(0, open).trim()),
    ppid: Number(fields[1]),
    comm: text.slice(open + 1, close),
    cpuTicks: Number(fields[11]) + Number(fields[12]),
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
  return [entry.pid, entry.ppid, entry.cpuTicks, entry.rssBytes].every(Number.isFinite) ? entry : undefined;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

export async function readAllProcs(): Promise<ProcEntry[]> {
  const names = (await readdir('/proc')).filter((n) => /^\d+$/.test(n));
  const texts = await Promise.all(names.map((n) => readText(`/proc/${n}/stat`)));
  return texts.flatMap((t) => {
    const entry = t === undefined ? undefined : parseStat(t);
    return entry === undefined ? [] : [entry];
  });
}

/** `root` and every process below it (empty when `root` is gone). */
export function treeOf(root: number, all: readonly ProcEntry[]): ProcEntry[] {
  const children = new Map<number, ProcEntry[]>();
  for (const p of all) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const rootEntry = all.find((p) => p.pid === root);
  if (rootEntry === undefined) return [];
  const out: ProcEntry[] = [];
  const stack = [rootEntry];
  while (stack.length > 0) {
    const p = stack.pop() as ProcEntry;
    out.push(p);
    stack.push(...(children.get(p.pid) ?? []));
  }
  return out;
}

export async function pssBytes(pid: number): Promise<number | undefined> {
  const text = await readText(`/proc/${pid}/smaps_rollup`);
  const match = text === undefined ? null : /^Pss:\s+(\d+) kB/m.exec(text);
  return match?.[1] === undefined ? undefined : Number(match[1]) * 1024;
}

/** CPU ticks and RSS of the tree: cheap (one `stat` per process on the machine), taken every second. */
export async function sampleTree(rootPid: number): Promise<TreeSample> {
  const at = performance.now();
  return { at, rootPid, procs: treeOf(rootPid, await readAllProcs()) };
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
  /** Process count of the tree in the last sample. */
  processes: number;
  pssSamples: number;
}

/**
 * CPU between two samples: per-process tick deltas; a process first seen in `current` counts all its
 * ticks (it started within the interval), one that exited counts nothing more.
 */
function ticksBetween(previous: TreeSample, current: TreeSample, isRoot: boolean): number {
  const before = new Map(previous.procs.map((p) => [p.pid, p.cpuTicks]));
  let ticks = 0;
  for (const p of current.procs) {
    if ((p.pid === current.rootPid) !== isRoot) continue;
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
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1] as TreeSample;
    const cur = samples[i] as TreeSample;
    const r = ticksBetween(prev, cur, true);
    const c = ticksBetween(prev, cur, false);
    rootTicks += r;
    childTicks += c;
    intervalCores.push((r + c) / CLOCK_TICKS_PER_SECOND / ((cur.at - prev.at) / 1000));
  }
  const mean = <T>(list: readonly T[], pick: (s: T) => number): number => list.reduce((sum, s) => sum + pick(s), 0) / list.length;
  const rss = (s: TreeSample, root: boolean): number => s.procs.filter((p) => (p.pid === s.rootPid) === root).reduce((n, p) => n + p.rssBytes, 0);
  return {
    seconds,
    rootCores: rootTicks / CLOCK_TICKS_PER_SECOND / seconds,
    childCores: childTicks / CLOCK_TICKS_PER_SECOND / seconds,
    rootPssBytes: mean(pss, (p) => p.rootBytes),
    childPssBytes: mean(pss, (p) => p.childBytes),
    rootRssBytes: mean(samples, (s) => rss(s, true)),
    childRssBytes: mean(samples, (s) => rss(s, false)),
    intervalCores,
    processes: last.procs.length,
    pssSamples: pss.length,
  };
}
