import { JltError, deadlineSignal, redactUrl, splitUrlCredentials } from '@jlt/core';

/**
 * Fails fast, with the target's own words, when a meeting URL cannot answer HTTP: a bot would
 * otherwise spend its whole join timeout on a dead host. Any HTTP status counts as reachable.
 * User info in the URL travels as a basic-auth header (fetch refuses it in the URL) and is never
 * printed.
 */
export async function assertReachable(url: string, signal: AbortSignal, timeoutMs = 5_000): Promise<void> {
  const deadline = deadlineSignal(timeoutMs, signal);
  const { target, authorization } = splitUrlCredentials(url);
  try {
    const response = await fetch(target, { method: 'GET', redirect: 'manual', signal: deadline.signal, ...(authorization ? { headers: { authorization } } : {}) });
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs / 1000} s` : (cause?.code ?? cause?.message ?? (error as Error).message);
    throw new JltError('TARGET_UNREACHABLE', `target ${redactUrl(url)} is unreachable: ${why}`, {
      hint: 'check the URL (--target-url, JLT_TARGET_URL or target.url) and that this machine can reach it',
      cause: error,
    });
  } finally {
    deadline.dispose();
  }
}
