/** Jitsi-safe room name: lower-case `[a-z0-9-]`, no leading, trailing or repeated dashes. */
export function sanitizeRoomName(raw: string): string {
  const name = raw
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-|-$/g, '');
  return name === '' ? 'jlt' : name;
}

/** 1-based, zero-padded to the width of `count` and at least two digits: 1 of 10 → `01`. */
export function ordinal(index: number, count: number): string {
  return String(index + 1).padStart(Math.max(2, String(count).length), '0');
}
