/** A signal that aborts after a deadline or with its parent; `dispose()` releases its timer and listener. */
export interface DeadlineSignal {
  readonly signal: AbortSignal;
  /** True when the deadline (not the parent) aborted the signal. */
  readonly timedOut: boolean;
  dispose(): void;
}

/**
 * Like `AbortSignal.any([parent, AbortSignal.timeout(ms)])`, but safe on Node 20, where a composite
 * signal that only its own listeners reference can be garbage-collected before it fires, so a
 * listener-only consumer never sees the abort. Here the pending timer holds the controller, so the
 * signal lives until it fires or is disposed. The timeout reason is a `TimeoutError` DOMException,
 * as with `AbortSignal.timeout`.
 */
export function deadlineSignal(timeoutMs: number, parent?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onParentAbort = (): void => controller.abort(parent?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`deadline of ${timeoutMs} ms passed`, 'TimeoutError'));
  }, timeoutMs);
  if (parent?.aborted) onParentAbort();
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
