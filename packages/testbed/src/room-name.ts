/** Longest room name accepted, in characters after sanitising. */
export const MAX_ROOM_NAME_LENGTH = 64;

/**
 * Turns a raw room name (a URL path segment or a signalling field) into the form the testbed uses:
 * URI-decoded, lowercased like Jitsi's MUC room names, only `[a-z0-9._-]` kept, at most
 * {@link MAX_ROOM_NAME_LENGTH} characters. Returns undefined when nothing usable is left.
 */
export function sanitizeRoomName(raw: string): string | undefined {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
  const cleaned = decoded
    .toLowerCase()
    .replace(/[^a-z0-9._-]/g, '')
    .replace(/^\.+/, '')
    .slice(0, MAX_ROOM_NAME_LENGTH);
  return cleaned.length > 0 ? cleaned : undefined;
}
