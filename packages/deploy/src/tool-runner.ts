import { spawn } from 'node:child_process';

/** One program run: argv[0] is looked up on PATH; no shell is involved. */
export interface ToolInvocation {
  argv: readonly string[];
  /** Written to the program's stdin, then closed (a Secret for `kubectl apply -f -`). */
  stdin?: string;
  /** Added to jlt's own environment for this program only. */
  env?: Readonly<Record<string, string>>;
  cwd?: string;
}

export interface ToolResult {
  /** 127 when the program is not on PATH (as a shell reports it). */
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * How deploy runs helm, kubectl, ansible-vault and ansible-runner. The process implementation runs
 * them for real; tests put a fake in its place for what cannot run here (helm, a cluster) and
 * assert on the exact invocations. `onStdoutLine` sees stdout line by line as it arrives (the
 * ansible-runner job events); stdout is still returned whole.
 */
export interface ToolRunner {
  run(invocation: ToolInvocation, options: { signal: AbortSignal; onStdoutLine?: (line: string) => void }): Promise<ToolResult>;
}

export function processToolRunner(baseEnv: Readonly<Record<string, string | undefined>>): ToolRunner {
  return {
    run(invocation, { signal, onStdoutLine }) {
      return new Promise((resolve, reject) => {
        const [command, ...args] = invocation.argv;
        if (command === undefined) return reject(new Error('empty command line'));
        const child = spawn(command, args, {
          env: { ...baseEnv, ...invocation.env },
          cwd: invocation.cwd,
          stdio: ['pipe', 'pipe', 'pipe'],
          signal,
        });
        let stdout = '';
        let stderr = '';
        let pending = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          if (!onStdoutLine) return;
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) onStdoutLine(line);
        });
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
        child.stdin.on('error', () => undefined);
        child.stdin.end(invocation.stdin ?? '');
        child.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') resolve({ exitCode: 127, stdout: '', stderr: `${command}: command not found` });
          else reject(error);
        });
        child.on('close', (code, signalName) => {
          if (onStdoutLine && pending !== '') onStdoutLine(pending);
          resolve({ exitCode: code ?? (signalName ? 128 : 1), stdout, stderr });
        });
      });
    },
  };
}

/** A command line as a person would type it, quoting only what the shell would split or expand. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((arg) => (/^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}
