import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { until } from '@jlt/core/test-support';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const jltBin = join(repoRoot, 'packages/cli/dist/bin.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** Runs the built CLI from the repository root; bounded by a timeout so a hang fails the test. */
export function jlt(args: readonly string[], options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [jltBin, ...args],
      { cwd: repoRoot, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, JLT_TARGET_URL: '', ...options.env } },
      (error, stdout, stderr) => {
        const durationMs = Date.now() - started;
        if (error === null) resolve({ code: 0, stdout, stderr, durationMs });
        else if (typeof error.code === 'number') resolve({ code: error.code, stdout, stderr, durationMs });
        else reject(new Error(`jlt ${args.join(' ')} did not exit (signal ${String(error.signal)})\n${stderr}`, { cause: error }));
      },
    );
  });
}

/** Starts the built CLI without waiting, for tests that signal it or read its output as it goes. */
export type SpawnedJlt = ChildProcess & { output: () => string; streams: () => { stdout: string; stderr: string } };

export function spawnJlt(args: readonly string[], env: Record<string, string> = {}): SpawnedJlt {
  const child = spawn(process.execPath, [jltBin, ...args], { cwd: repoRoot, env: { ...process.env, JLT_TARGET_URL: '', ...env } });
  let output = '';
  const streams = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    streams.stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    streams.stderr += chunk.toString();
  });
  return Object.assign(child, { output: () => output, streams: () => streams });
}

/**
 * `until` at 100 ms: these conditions read files and process output of whole `jlt` runs. Given the
 * `jlt` child the condition depends on, the wait fails as soon as that child exits without the
 * condition holding, and a failed wait shows what the child printed.
 */
export function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string, child?: SpawnedJlt): Promise<void> {
  if (child === undefined) return until(condition, timeoutMs, what, 100);
  const withOutput = (): string => `${what}; jlt printed:\n${child.output()}`;
  return until(
    async () => {
      if (await condition()) return true;
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`jlt exited (${child.exitCode ?? child.signalCode}) before ${withOutput()}`);
      return false;
    },
    timeoutMs,
    withOutput,
    100,
  );
}

/** Rows of a SQL query against a run's results store, through `jlt query --format json`. */
export async function queryResults(resultsDir: string, sql: string): Promise<Record<string, unknown>[]> {
  const result = await jlt(['query', resultsDir, sql, '--format', 'json']);
  if (result.code !== 0) throw new Error(`jlt query failed (${result.code}): ${result.stderr}`);
  return JSON.parse(result.stdout) as Record<string, unknown>[];
}

/** A loopback port nothing listens on at the moment: bound, then released. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The pids below `root` (Playwright puts Chromium in its own process group, so a group kill misses it). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

export function killTree(pid: number | undefined): void {
  if (pid === undefined) return;
  for (const target of [pid, ...descendants(pid)]) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
