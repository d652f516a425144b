/**
 * Polls `condition` every `intervalMs` until it holds; throws naming `what` once `timeoutMs` has
 * passed (a function is called then, so the message can show what was seen). The project's tests
 * wait on conditions with this, never with a bare sleep.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string | (() => string) = 'the condition', intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
