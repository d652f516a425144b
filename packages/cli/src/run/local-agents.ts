import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@jlt/core';

export interface LocalAgents {
  processes: ChildProcess[];
  /** Waits for every agent process to exit (each serves one run), killing stragglers after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts one agent process on this machine (`jlt agent --once`) per entry of `maxBots`, each
 * connecting to `coordinatorUrl` and taking at most that many bots. The token travels in a private
 * temp file, never on a command line where `ps` would show it.
 */
export async function startLocalAgents(maxBots: readonly number[], coordinatorUrl: string, token: string, logger: Logger): Promise<LocalAgents> {
  const dir = await mkdtemp(join(tmpdir(), 'jlt-agents-'));
  const tokenFile = join(dir, 'token');
  await writeFile(tokenFile, token, { mode: 0o600 });
  const bin = fileURLToPath(new URL('../bin.js', import.meta.url));
  const processes = maxBots.map((bots, i) => {
    const args = [bin, 'agent', '--coordinator', coordinatorUrl, '--token-file', tokenFile, '--name', `local-${i + 1}`, '--max-bots', String(bots), '--once'];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('exit', (code, signal) => {
      if (code !== 0) logger.log('warn', `local agent ${i + 1} exited with ${signal ?? `code ${code}`}`);
    });
    return child;
  });
  return {
    processes,
    async stop(graceMs = 10_000) {
      await Promise.all(
        processes.map(
          (child) =>
            new Promise<void>((resolve) => {
              if (child.exitCode !== null || child.signalCode !== null) return resolve();
              const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
              child.once('exit', () => {
                clearTimeout(timer);
                resolve();
              });
            }),
        ),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
