/**
 * Process state handed to library code. Library code never reads `process.env`, writes to
 * `console` or calls `process.exit`; it takes these from here, which makes a whole run testable
 * in-process with captured streams, a fake clock and an abort signal.
 */
export interface Writable {
  write(chunk: string): unknown;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, message: string, fields?: Record<string, unknown>): void;
}

export interface RunContext {
  stdout: Writable;
  stderr: Writable;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  logger: Logger;
  /** Aborted on SIGINT/SIGTERM (or by a test); long-running work must stop promptly and clean up. */
  signal: AbortSignal;
  /** Wall-clock milliseconds since the epoch; injected so tests can control time. */
  now(): number;
}

/** A logger that writes `level message key=value` lines to a stream, dropping levels below `min`. */
export function createStreamLogger(stream: Writable, min: LogLevel = 'info'): Logger {
  const order: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };
  return {
    log(level, message, fields) {
      if (order[level] < order[min]) return;
      const extra = fields
        ? Object.entries(fields)
            .map(([k, v]) => ` ${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
            .join('')
        : '';
      stream.write(`${level === 'info' ? '' : `${level}: `}${message}${extra}\n`);
    },
  };
}
