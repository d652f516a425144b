/**
 * Durations in scenario files: Go/k6-style strings (`500ms`, `2s`, `5m`, `1h30m`, `1.5s`) or a plain
 * number of milliseconds. Everything downstream works in integer milliseconds.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
type Unit = keyof typeof UNIT_MS;

const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
const PART_PATTERN = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Throws a RangeError whose message says what is accepted; callers turn it into a located issue. */
export function parseDuration(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) {
      throw new RangeError(`must be a non-negative number of milliseconds (got ${input})`);
    }
    return checkedMs(input, input);
  }
  const text = input.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return checkedMs(Number(text), input);
  if (!DURATION_PATTERN.test(text)) {
    throw new RangeError(
      `must be a duration such as 500ms, 2s, 5m or 1h30m, or a number of milliseconds (got ${JSON.stringify(input)})`,
    );
  }
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART_PATTERN)) {
    total += Number(amount) * UNIT_MS[unit as Unit];
  }
  return checkedMs(total, input);
}

/** Digits past what a double holds make Infinity or lose whole milliseconds; neither is a duration. */
function checkedMs(ms: number, input: string | number): number {
  const rounded = Math.round(ms);
  if (!Number.isSafeInteger(rounded)) {
    throw new RangeError(`must be at most ${Number.MAX_SAFE_INTEGER} ms (got ${JSON.stringify(input.toString().slice(0, 40))})`);
  }
  return rounded;
}

/** The shortest exact form: `0s`, `500ms`, `2s`, `1.5s`, `5m`, `1h30m`, `1m0.25s`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot format duration ${ms}`);
  const rounded = Math.round(ms);
  if (rounded === 0) return '0s';
  if (rounded < 1_000) return `${rounded}ms`;
  const hours = Math.floor(rounded / UNIT_MS.h);
  const minutes = Math.floor((rounded % UNIT_MS.h) / UNIT_MS.m);
  const seconds = (rounded % UNIT_MS.m) / UNIT_MS.s;
  return [hours ? `${hours}h` : '', minutes ? `${minutes}m` : '', seconds ? `${seconds}s` : ''].join('');
}
