import type { Plan } from './plan.js';

/** `10 conferences × 3 participants, 30 bots over 58 s, then 300 s` (+ senders when not all send). */
export function describePlan(plan: Plan): string {
  const conferences = plan.conferences.length;
  const sizes = new Set(plan.conferences.map((c) => c.participants));
  const [size] = sizes;
  const shape =
    sizes.size === 1 && size !== undefined
      ? `${plural(conferences, 'conference')} × ${plural(size, 'participant')}`
      : `${plural(conferences, 'conference')} of ${[...sizes].join('/')} participants`;
  const start = plan.rampUpMs > 0 ? `over ${formatSeconds(plan.rampUpMs)}` : 'at once';
  const senders = plan.bots.filter((b) => b.role === 'sender').length;
  const roles = senders === plan.bots.length ? '' : ` (${senders} send, ${plan.bots.length - senders} receive only)`;
  return `${shape}, ${plural(plan.bots.length, 'bot')} ${start}, then ${formatSeconds(plan.holdMs)}${roles}`;
}

/** `1 bot`, `3 bots`: a count with its noun, plural by adding s. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Whole seconds as `58 s`; otherwise up to three decimals, `1.5 s`, `0.25 s`. */
export function formatSeconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(3))} s`;
}
