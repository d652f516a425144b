import { deadlineSignal } from '@jlt/core';

/**
 * What the live outputs do with one request: send it, and on a network error, a timeout, 429 or
 * 5xx try again with exponential backoff (honouring `Retry-After`), never on another 4xx, until
 * `attempts` are spent or `deadline` passes. Never throws.
 */
export interface SendResult {
  ok: boolean;
  /** Why the last attempt failed, for the output's one failure message; no credentials in it. */
  reason?: string;
  /** False when the destination refused the data itself (a 4xx other than 429): retrying cannot help. */
  retryable?: boolean;
  attempts: number;
}

export interface RetryPolicy {
  attempts: number;
  /** First backoff; doubled per retry, capped at `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Per attempt. */
  timeoutMs: number;
}

export async function sendWithRetry(
  send: (signal: AbortSignal) => Promise<Response>,
  policy: RetryPolicy,
  options: { deadline: number; signal: AbortSignal; now?: () => number },
): Promise<SendResult> {
  const now = options.now ?? Date.now;
  let reason = 'not sent';
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (options.signal.aborted) return { ok: false, reason: `${reason}; gave up at stop`, retryable: true, attempts: attempt - 1 };
    const left = options.deadline - now();
    if (left <= 0) return { ok: false, reason: `${reason}; out of time`, retryable: true, attempts: attempt - 1 };
    let retryAfterMs: number | undefined;
    const attemptSignal = deadlineSignal(Math.min(policy.timeoutMs, left), options.signal);
    try {
      const response = await send(attemptSignal.signal);
      if (response.ok) {
        await response.body?.cancel().catch(() => undefined);
        return { ok: true, attempts: attempt };
      }
      const body = (await response.text().catch(() => '')).trim().slice(0, 200);
      reason = `HTTP ${response.status}${body === '' ? '' : `: ${body}`}`;
      if (response.status !== 429 && response.status < 500) return { ok: false, reason, retryable: false, attempts: attempt };
      retryAfterMs = retryAfter(response.headers.get('retry-after'), now());
    } catch (error) {
      reason = attemptSignal.timedOut ? `no answer within ${Math.round(Math.min(policy.timeoutMs, left))} ms` : describeFailure(error);
    } finally {
      attemptSignal.dispose();
    }
    if (attempt === policy.attempts) break;
    const backoff = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
    const wait = Math.min(Math.max(backoff, retryAfterMs ?? 0), Math.max(0, options.deadline - now()));
    await sleep(wait, options.signal);
  }
  return { ok: false, reason, retryable: true, attempts: policy.attempts };
}

function retryAfter(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function describeFailure(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
