import { randomBytes } from 'node:crypto';

/** A conference id shaped like JVB's: 16 lowercase hex digits. */
export function newConferenceId(): string {
  return randomBytes(8).toString('hex');
}

/** An endpoint id shaped like Jitsi's MUC resource / JVB endpoint id: 8 lowercase hex digits. */
export function newEndpointId(): string {
  return randomBytes(4).toString('hex');
}

export const CONFERENCE_ID_PATTERN = /^[0-9a-f]{16}$/;
export const ENDPOINT_ID_PATTERN = /^[0-9a-f]{8}$/;
