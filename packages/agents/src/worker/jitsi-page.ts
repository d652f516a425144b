/**
 * What the bot needs to know about a Jitsi Meet page (jitsi-ground-truth.md §5): the meeting URL with
 * hash config, the prejoin selectors and a self-contained read of `window.APP.conference`.
 */
export const PREJOIN = {
  nameInput: '#premeeting-name-input',
  joinButton: '[data-testid="prejoin.joinMeeting"]',
} as const;

/** `base/room#config.k=<json>&userInfo.displayName=<json>`: every value JSON-encoded, as Jitsi parses it. */
export function meetingUrl(baseUrl: string, room: string, options: { config?: Readonly<Record<string, unknown>>; displayName?: string }): string {
  const url = new URL(encodeURIComponent(room), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  const hash: string[] = [];
  for (const [key, value] of Object.entries(options.config ?? {})) {
    hash.push(`config.${key}=${encodeURIComponent(JSON.stringify(value))}`);
  }
  if (options.displayName !== undefined) hash.push(`userInfo.displayName=${encodeURIComponent(JSON.stringify(options.displayName))}`);
  url.hash = hash.join('&');
  return url.toString();
}

export interface ConferenceState {
  joined: boolean;
  userId?: string;
  /** `ip:port` of the bridge's selected remote candidate, when not peer-to-peer. */
  bridgeAddress?: string;
  participants?: number;
}

/** Runs in the page (self-contained). Never throws: a page without `APP.conference` is not joined. */
export function readConferenceState(): ConferenceState {
  type Conference = {
    isJoined?: () => unknown;
    getMyUserId?: () => unknown;
    listMembers?: () => unknown;
    getStats?: () => { transport?: Array<{ ip?: unknown; p2p?: unknown }> } | undefined;
  };
  const conference = (window as unknown as { APP?: { conference?: Conference } }).APP?.conference;
  if (conference === undefined) return { joined: false };
  const state: ConferenceState = { joined: false };
  try {
    state.joined = conference.isJoined?.() === true;
    const id = conference.getMyUserId?.();
    if (typeof id === 'string') state.userId = id;
    const members = conference.listMembers?.();
    if (Array.isArray(members)) state.participants = members.length + 1;
    const transport = conference.getStats?.()?.transport?.[0];
    if (transport !== undefined && transport.p2p !== true && typeof transport.ip === 'string') state.bridgeAddress = transport.ip;
  } catch {
    return state;
  }
  return state;
}
