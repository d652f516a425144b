import { isJltError } from '@jlt/core';
import { sanitizeRoomName as jitsiSanitizeRoomName } from '@jlt/jitsi';

/** Longest room name accepted, in characters after sanitising. */
export const MAX_ROOM_NAME_LENGTH = 64;

/**
 * Turns a raw room name (a URL path segment or a signalling field) into the form the testbed uses:
 * URI-decoded, then @jlt/jitsi's `sanitizeRoomName` (so a name a bot built is kept unchanged), at
 * most {@link MAX_ROOM_NAME_LENGTH} characters. Returns undefined when nothing usable is left.
 */
export function sanitizeRoomName(raw: string): string | undefined {
  let decoded = raw;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    decoded = raw;
  }
  try {
    return jitsiSanitizeRoomName(decoded).slice(0, MAX_ROOM_NAME_LENGTH);
  } catch (error) {
    if (isJltError(error)) return undefined;
    throw error;
  }
}
