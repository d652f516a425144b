import { setMaxListeners } from 'node:events';
import { createStreamLogger, type RunContext } from '@jlt/core';

/** The one place process state becomes a RunContext; SIGINT/SIGTERM abort `signal`. */
export function processContext(): RunContext & { dispose(): void } {
  const controller = new AbortController();
  // Every bot, timer and collector of a run listens on this one signal.
  setMaxListeners(0, controller.signal);
  const onSignal = (): void => {
    if (controller.signal.aborted) {
      process.stderr.write('\nsecond interrupt: exiting now\n');
      process.exit(130);
    }
    process.stderr.write('\ninterrupted: stopping cleanly (press Ctrl-C again to exit now)\n');
    controller.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    logger: createStreamLogger(process.stderr, process.env.JLT_LOG_LEVEL === 'debug' ? 'debug' : 'info'),
    signal: controller.signal,
    now: () => Date.now(),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
