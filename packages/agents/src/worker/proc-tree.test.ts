import { describe, expect, it } from 'vitest';
import { until } from '@jlt/core/test-support';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { cpuCoresBetween, PAGE_BYTES, parseProcStat, parseSmapsRollupPss, processTree, readAllProcStats, treeMemoryBytes, type ProcStat } from './proc-tree.js';

const statLine = (pid: number, comm: string, ppid: number, utime: number, stime: number, rss: number): string =>
  `${pid} (${comm}) S ${ppid} 1 1 0 -1 4194560 100 0 0 0 ${utime} ${stime} 0 0 20 0 1 0 100 1000000 ${rss} 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0`;

describe('parseProcStat', () => {
  it.each([
    [statLine(42, 'node', 1, 150, 50, 1000), { pid: 42, ppid: 1, comm: 'node', cpuTicks: 200, rssPages: 1000 }],
    [statLine(7, 'chromium (renderer) x', 42, 3, 4, 9), { pid: 7, ppid: 42, comm: 'chromium (renderer) x', cpuTicks: 7, rssPages: 9 }],
    ['garbage', undefined],
  ])('%s', (text, expected) => {
    expect(parseProcStat(text)).toEqual(expected);
  });
  it('reads this process from /proc', async () => {
    const all = await readAllProcStats();
    const me = all.find((p) => p.pid === process.pid);
    expect(me?.ppid).toBe(process.ppid);
    expect(me?.rssPages).toBeGreaterThan(0);
  });
});

describe('processTree', () => {
  const p = (pid: number, ppid: number): ProcStat => ({ pid, ppid, comm: 'p', cpuTicks: 0, rssPages: 0 });
  const all = [p(1, 0), p(10, 1), p(11, 10), p(12, 11), p(13, 10), p(20, 1), p(21, 20)];
  it.each([
    [10, [10, 11, 12, 13]],
    [20, [20, 21]],
    [12, [12]],
    [99, []],
  ])('tree of %i', (root, pids) => {
    expect(processTree(root, all).map((x) => x.pid).sort((a, b) => a - b)).toEqual(pids);
  });
});

describe('cpuCoresBetween', () => {
  const s = (pid: number, cpuTicks: number): ProcStat => ({ pid, ppid: 0, comm: 'p', cpuTicks, rssPages: 0 });
  it.each([
    { name: 'one busy core for 1 s', prev: [s(1, 100)], cur: [s(1, 200)], ms: 1000, cores: 1 },
    { name: 'two processes, half a second', prev: [s(1, 0), s(2, 0)], cur: [s(1, 25), s(2, 25)], ms: 500, cores: 1 },
    { name: 'a new process counts all its ticks', prev: [s(1, 0)], cur: [s(1, 10), s(3, 40)], ms: 1000, cores: 0.5 },
    { name: 'an exited process counts nothing', prev: [s(1, 0), s(2, 500)], cur: [s(1, 20)], ms: 1000, cores: 0.2 },
    { name: 'a process that existed before but joined the tree since counts only its delta', prev: [s(1, 0), s(4, 9_000)], cur: [s(1, 10), s(4, 9_030)], ms: 1000, cores: 0.4 },
    { name: 'no time elapsed', prev: [s(1, 0)], cur: [s(1, 20)], ms: 0, cores: 0 },
  ])('$name', ({ prev, cur, ms, cores }) => {
    expect(cpuCoresBetween(prev, cur, ms)).toBeCloseTo(cores, 9);
  });
});

describe('treeMemoryBytes', () => {
  const rollup = (pssKb: number): string => `5614d6cc4000-7ffe5011f000 ---p 00000000 00:00 0   [rollup]\nRss:  9000 kB\nPss:  ${pssKb} kB\nPss_Dirty:  1 kB\n`;

  it('reads Pss, not Pss_Dirty or Rss, from smaps_rollup', () => {
    expect(parseSmapsRollupPss(rollup(206))).toBe(206 * 1024);
    expect(parseSmapsRollupPss('Rss: 5 kB\n')).toBeUndefined();
  });

  it('sums PSS and counts RSS for a process whose smaps_rollup is missing', async () => {
    const procDir = await mkdtemp(join(tmpdir(), 'jlt-proc-'));
    try {
      await mkdir(join(procDir, '10'));
      await writeFile(join(procDir, '10', 'smaps_rollup'), rollup(1000));
      await mkdir(join(procDir, '11'));
      const tree = [10, 11].map((pid): ProcStat => ({ pid, ppid: 1, comm: 'p', cpuTicks: 0, rssPages: 5 }));
      expect(await treeMemoryBytes(tree, procDir)).toBe(1000 * 1024 + 5 * PAGE_BYTES);
    } finally {
      await rm(procDir, { recursive: true, force: true });
    }
  });

  it('counts pages a parent shares with its children once in all, not once per process', async () => {
    // Forked children share the interpreter's pages with this process: summed RSS counts them per process.
    const children = [1, 2, 3].map(() => spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' }));
    try {
      await until(async () => processTree(process.pid, await readAllProcStats()).length >= 4, 5_000, 'three children in /proc');
      const tree = processTree(process.pid, await readAllProcStats());
      const rss = tree.reduce((sum, p) => sum + p.rssPages * PAGE_BYTES, 0);
      const pss = await treeMemoryBytes(tree);
      expect(pss).toBeGreaterThan(0);
      expect(pss).toBeLessThan(rss);
    } finally {
      for (const child of children) child.kill();
    }
  });
});
