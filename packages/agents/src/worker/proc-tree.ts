import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Linux USER_HZ: the unit of utime/stime in /proc/<pid>/stat on every mainstream architecture. */
export const CLOCK_TICKS_PER_SECOND = 100;
export const PAGE_BYTES = 4096;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** The command name (`comm`); with the pid it tells a process from a later one that reused the pid. */
  comm: string;
  /** utime + stime, in clock ticks. */
  cpuTicks: number;
  rssPages: number;
}

/** Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are read after the last `)`. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  const fields = text.slice(close + 2).trim().split(' ');
  const ppid = Number(fields[1]);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  const rss = Number(fields[21]);
  if (![pid, ppid, utime, stime, rss].every(Number.isFinite)) return undefined;
  return { pid, ppid, comm: text.slice(open + 1, close), cpuTicks: utime + stime, rssPages: rss };
}

/** `root` and every process below it. */
export function processTree(root: number, all: readonly ProcStat[]): ProcStat[] {
  const children = new Map<number, ProcStat[]>();
  let rootStat: ProcStat | undefined;
  for (const p of all) {
    if (p.pid === root) rootStat = p;
    const list = children.get(p.ppid);
    if (list) list.push(p);
    else children.set(p.ppid, [p]);
  }
  if (rootStat === undefined) return [];
  const out: ProcStat[] = [];
  const stack = [rootStat];
  while (stack.length > 0) {
    const p = stack.pop() as ProcStat;
    out.push(p);
    for (const c of children.get(p.pid) ?? []) stack.push(c);
  }
  return out;
}

/** Every process's stat; processes that exit while being read are skipped. */
export async function readAllProcStats(procDir = '/proc'): Promise<ProcStat[]> {
  const names = await readdir(procDir);
  const stats = await Promise.all(
    names
      .filter((n) => /^\d+$/.test(n))
      .map((n) =>
        readFile(join(procDir, n, 'stat'), 'utf8').then(
          (text) => parseProcStat(text),
          () => undefined,
        ),
      ),
  );
  return stats.filter((s): s is ProcStat => s !== undefined);
}

/** `Pss:` of /proc/<pid>/smaps_rollup (kB there), in bytes; undefined when absent or unparsable. */
export function parseSmapsRollupPss(text: string): number | undefined {
  const match = /^Pss:\s+(\d+) kB$/m.exec(text);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * Memory of a process tree as the sum of each process's proportional set size (PSS): a page shared by
 * N processes counts 1/N in each, so the sum is what the tree holds, where summed RSS counts Chromium's
 * shared pages once per process (about 3× the PSS for an agent with its browsers). A process whose
 * smaps_rollup cannot be read (kernels before 4.14, a process that is not ours, one that just exited)
 * counts the RSS of its stat reading, so memory is never under-reported.
 */
export async function treeMemoryBytes(tree: readonly ProcStat[], procDir = '/proc'): Promise<number> {
  const sizes = await Promise.all(
    tree.map((p) =>
      readFile(join(procDir, String(p.pid), 'smaps_rollup'), 'utf8').then(
        (text) => parseSmapsRollupPss(text) ?? p.rssPages * PAGE_BYTES,
        () => p.rssPages * PAGE_BYTES,
      ),
    ),
  );
  return sizes.reduce((sum, bytes) => sum + bytes, 0);
}

/**
 * CPU cores used by the processes in `current` since the reading `previous`, over the elapsed time.
 * `previous` must hold every process of that reading, not only the tree's: a process that already
 * existed then but has joined the tree since (reparented, or missed by a racing read) counts only its
 * delta, never its lifetime ticks, which would show as more cores than the machine has. A process
 * started since counts all its ticks; one that exited counts nothing more.
 */
export function cpuCoresBetween(previous: readonly ProcStat[], current: readonly ProcStat[], elapsedMs: number): number {
  if (elapsedMs <= 0) return 0;
  const before = new Map(previous.map((p) => [p.pid, p.cpuTicks]));
  let ticks = 0;
  for (const p of current) ticks += Math.max(0, p.cpuTicks - (before.get(p.pid) ?? 0));
  return ticks / CLOCK_TICKS_PER_SECOND / (elapsedMs / 1000);
}
