import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '@jlt/core/test-support';
import { ResultsDb } from '../src/store/results-db.js';

// The child runs the built store (dist), like the CLI does: build with `npx tsc -b packages/reporters`.
const child = join(import.meta.dirname, 'fixtures', 'store-writer-child.mjs');
const built = join(import.meta.dirname, '..', 'dist', 'index.js');

interface Progress {
  added: { count: number; at: number }[];
  durable: number[];
}

function startWriter(dir: string): { process: ChildProcess; progress: Progress; stderr: () => string } {
  const proc = spawn(process.execPath, [child, dir, '200'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const progress: Progress = { added: [], durable: [] };
  let pending = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      const [kind, a, b] = line.split(' ');
      if (kind === 'added') progress.added.push({ count: Number(a), at: Number(b) });
      if (kind === 'durable') progress.durable.push(Number(a));
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return { process: proc, progress, stderr: () => stderr };
}

interface Contents {
  n: number;
  distinct: number;
  max: number | null;
}
async function contents(dir: string): Promise<{ rows: Contents; snapshot: boolean }> {
  const db = await ResultsDb.open(dir);
  try {
    const [rows] = await db.rows<Contents>('SELECT count(*) AS n, count(DISTINCT value) AS distinct, max(value) AS max FROM samples');
    return { rows: rows!, snapshot: db.snapshotDir !== undefined };
  } finally {
    await db.close();
  }
}

describe('results store under SIGKILL', () => {
  let dir: string;
  let writer: ReturnType<typeof startWriter> | undefined;
  beforeAll(async () => {
    if (!existsSync(built)) throw new Error(`${built} is missing: run npx tsc -b packages/reporters first`);
    dir = await mkdtemp(join(tmpdir(), 'jlt-crash-'));
  });
  afterAll(async () => {
    if (writer && writer.process.exitCode === null && writer.process.signalCode === null) writer.process.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('is readable while written, and keeps everything up to ~1 s before the kill', async () => {
    writer = startWriter(dir);
    const { progress } = writer;
    await until(() => progress.durable.length >= 4, 30_000, `4 flushes (stderr: ${writer.stderr()})`);

    // Live read from another process: the writer holds the lock, so this is a snapshot copy.
    const durableBeforeRead = progress.durable.at(-1)!;
    const live = await contents(dir);
    expect(live.snapshot).toBe(true);
    expect(live.rows.n).toBeGreaterThanOrEqual(durableBeforeRead);
    expect(live.rows).toEqual({ n: live.rows.n, distinct: live.rows.n, max: live.rows.n - 1 });

    // Let it write another 30k samples (1.5 s at 20k samples/s), then kill it without warning: the
    // moment follows the child's writing, not its flushes, so the kill lands anywhere in a flush cycle.
    const addedBefore = progress.added.at(-1)?.count ?? 0;
    await until(() => (progress.added.at(-1)?.count ?? 0) >= addedBefore + 30_000, 30_000, '30k more samples');
    const exited = new Promise((r) => writer!.process.once('exit', r));
    const killedAt = Date.now();
    writer.process.kill('SIGKILL');
    await exited;

    const lastDurable = progress.durable.at(-1)!;
    const addedOneSecondBefore = progress.added.filter((a) => a.at <= killedAt - 1_000).at(-1)!;
    const after = await contents(dir);
    expect(after.snapshot).toBe(false);
    // Everything reported durable is there, as is everything added a second before the kill...
    expect(after.rows.n).toBeGreaterThanOrEqual(lastDurable);
    expect(after.rows.n).toBeGreaterThanOrEqual(addedOneSecondBefore.count);
    // ...as one gap-free prefix of the sequence the child wrote.
    expect(after.rows).toEqual({ n: after.rows.n, distinct: after.rows.n, max: after.rows.n - 1 });
    expect(addedOneSecondBefore.count).toBeGreaterThan(0);
  });
});
