import { JltError, RUN_PHASE_LABELS, type RunPhase } from '@jlt/core';

/** How long the end of a run (reports, stopping outputs) may go on after an interrupt. */
export const INTERRUPT_GRACE_MS = 5_000;

export function interrupted(phase: RunPhase, resultsDir?: string): JltError {
  return new JltError('INTERRUPTED', `interrupted while ${RUN_PHASE_LABELS[phase]}`, {
    hint: resultsDir === undefined ? 'nothing was collected yet' : `what was collected so far is in ${resultsDir}`,
  });
}

/** Throws the interrupt as soon as it happened, between two steps. */
export function throwIfInterrupted(signal: AbortSignal, phase: RunPhase, resultsDir?: string): void {
  if (signal.aborted) throw interrupted(phase, resultsDir);
}

/**
 * `work`, or the interrupt as soon as `signal` aborts, whichever comes first. The work itself goes
 * on; whatever it starts must already be registered for cleanup (or be released when it settles).
 */
export function untilInterrupted<T>(work: Promise<T>, signal: AbortSignal, phase: RunPhase, resultsDir?: string): Promise<T> {
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(interrupted(phase, resultsDir));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => {
      work.catch(() => {});
      reject(interrupted(phase, resultsDir));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    void work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Waits for `work`, but no longer than `graceMs` after `signal` aborted. Never rejects. */
export async function settleWithin(work: Promise<unknown>, signal: AbortSignal, graceMs = INTERRUPT_GRACE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => {
    timer = setTimeout(() => release(), graceMs);
  };
  let release: () => void = () => {};
  const grace = new Promise<void>((resolve) => (release = resolve));
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([work.then(() => undefined, () => undefined), grace]);
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}
