import { setMaxListeners } from 'node:events';
import { SecretRedactor, createStreamLogger, type Logger, type RunContext } from '@jlt/core/essentials';
import { StatusTerminal } from '@jlt/reporters/terminal';

/** What commands get besides the RunContext: the terminal the live progress draws on. */
export interface CliContext extends RunContext {
  /** stderr, with the live progress block at its bottom when it is a terminal. */
  terminal: StatusTerminal;
  /** ANSI colours on stdout. */
  color: boolean;
  /** `--verbose`: debug logs, and stack traces of internal errors. */
  verbose: boolean;
  /**
   * Knows the secrets the command read (a token, a password) and hides them, and every URL
   * password: the logger and stderr pass through it, and a run passes its events through it.
   */
  redactor: SecretRedactor;
}

const SECOND_SIGNAL_MESSAGE = '\nsecond interrupt: exiting now\n';

/**
 * The one place process state becomes a context. SIGINT/SIGTERM abort `signal`; a second one
 * exits at once with 130. Installed before any command module loads, so an interrupt during
 * loading is seen too.
 */
export function processContext(options: { verbose: boolean }): CliContext & { dispose(): void } {
  const controller = new AbortController();
  // Every bot, timer and collector of a run listens on this one signal.
  setMaxListeners(0, controller.signal);
  const terminal = new StatusTerminal(process.stderr);
  const redactor = new SecretRedactor();
  const redact = (text: string): string => redactor.text(text);
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      process.stderr.write(SECOND_SIGNAL_MESSAGE);
      process.exit(130);
    }
    terminal.clearStatus();
    process.stderr.write(`\n${signal === 'SIGTERM' ? 'terminated' : 'interrupted'}: stopping cleanly, keeping what was collected (signal again to exit now)\n`);
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const level = options.verbose || process.env.JLT_LOG_LEVEL === 'debug' ? 'debug' : 'info';
  const streamLogger = createStreamLogger(terminal, level);
  const logger: Logger = { log: (lvl, message, fields) => streamLogger.log(lvl, redact(message), fields && (JSON.parse(redact(JSON.stringify(fields))) as Record<string, unknown>)) };
  return {
    stdout: process.stdout,
    stderr: { write: (chunk: string) => terminal.write(redact(chunk)) },
    env: process.env,
    cwd: process.cwd(),
    logger,
    signal: controller.signal,
    now: () => Date.now(),
    terminal,
    color: process.stdout.isTTY === true,
    verbose: options.verbose,
    redactor,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
