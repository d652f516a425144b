import { execFile, spawn, type ChildProcess } from 'node:child_process';
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
export function spawnJlt(args: readonly string[]): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, [jltBin, ...args], { cwd: repoRoot, env: { ...process.env, JLT_TARGET_URL: '' } });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

/** `until` at 100 ms: these conditions read files and process output of whole `jlt` runs. */
export function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  return until(condition, timeoutMs, what, 100);
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
