/**
 * Polls `condition` every `intervalMs` until it holds; throws naming `what` once `timeoutMs` has
 * passed. The project's tests wait on conditions with this, never with a bare sleep.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what = 'the condition', intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
