import { spawn as spawnProcess } from 'node:child_process';

export interface CommandResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ExitStatus {
  exitCode: number | null;
  signal: string | null;
}

/** A long-running child such as `kubectl port-forward`. */
export interface RunningCommand {
  /** Receives output as it arrives, in chunks (not necessarily whole lines). */
  onOutput(listener: (text: string, stream: 'stdout' | 'stderr') => void): void;
  /** Settles when the process ended; rejects with `CommandNotFoundError` when it could not start. */
  readonly exited: Promise<ExitStatus>;
  /** Asks the process to end (SIGTERM); `exited` settles when it has. */
  kill(): void;
}

/** Runs external commands; injected so tests replay recorded output instead of touching a cluster. */
export interface CommandRunner {
  /** Runs to completion. Rejects with `CommandNotFoundError` when the program is missing; a non-zero exit resolves. */
  run(command: string, args: readonly string[], options: { signal: AbortSignal }): Promise<CommandResult>;
  spawn(command: string, args: readonly string[]): RunningCommand;
}

export class CommandNotFoundError extends Error {
  override readonly name = 'CommandNotFoundError';
  constructor(readonly command: string) {
    super(`${command}: command not found`);
  }
}

function startError(command: string, error: NodeJS.ErrnoException): Error {
  return error.code === 'ENOENT' ? new CommandNotFoundError(command) : error;
}

/** Output kept from one command; `kubectl get pods -o json` of a large namespace stays far below it. */
const MAX_OUTPUT_CHARS = 64 * 1024 * 1024;

/** The real runner: node:child_process, no shell, output decoded as UTF-8. */
export function createProcessRunner(): CommandRunner {
  return {
    run(command, args, { signal }) {
      return new Promise((resolve, reject) => {
        const child = spawnProcess(command, args, { signal, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          if (stdout.length < MAX_OUTPUT_CHARS) stdout += chunk;
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          if (stderr.length < MAX_OUTPUT_CHARS) stderr += chunk;
        });
        child.on('error', (error) => reject(startError(command, error)));
        child.on('close', (code) => resolve({ stdout, stderr, exitCode: code ?? -1 }));
      });
    },
    spawn(command, args) {
      const child = spawnProcess(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const listeners: ((text: string, stream: 'stdout' | 'stderr') => void)[] = [];
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => listeners.forEach((l) => l(chunk, 'stdout')));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => listeners.forEach((l) => l(chunk, 'stderr')));
      const exited = new Promise<ExitStatus>((resolve, reject) => {
        child.on('error', (error) => reject(startError(command, error)));
        child.on('close', (exitCode, signal) => resolve({ exitCode, signal }));
      });
      return {
        onOutput: (listener) => void listeners.push(listener),
        exited,
        kill: () => void child.kill('SIGTERM'),
      };
    },
  };
}
