/** Polls `condition` every 10 ms until it holds; throws after `deadlineMs` (collector tests' waits). */
export async function until(condition: () => boolean, deadlineMs = 8_000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((r) => setTimeout(r, 10));
  }
}
