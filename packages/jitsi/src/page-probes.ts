/*
 * Functions that run inside a Jitsi Meet page, e.g. `await page.evaluate(probeConferenceState)`.
 * Each is self-contained: no imports, no references to module scope, no helpers outside its body,
 * because Playwright sends only the function's source text to the page. Types are erased at build.
 *
 * They read the globals jitsi-meet exposes "for torture" (`conference.js`): `APP.conference` with
 * `isJoined()`, `getMyUserId()` (= the JVB endpoint id), `getConnectionState()`, `listMembers()`,
 * `membersCount`, `getStats()` (lib-jitsi-meet `ConnectionQuality` stats: `transport[].ip` is the
 * selected remote `IP:port`, i.e. the bridge for a non-p2p transport) and `_room` (the
 * lib-jitsi-meet `JitsiConference`: `properties['bridge-count']`, `jvbJingleSession._bridgeSessionId`),
 * plus `JitsiMeetJS.version`. These have held from 2019 builds through stable-10590 and stable-11146
 * (jitsi-meet and lib-jitsi-meet HEAD of 2026-08); `_room` and `_bridgeSessionId` are private and read
 * defensively. Every read is guarded: a missing or throwing API yields an absent field, never an
 * exception, and a page without `APP` yields `{ joined: false }`.
 */

/** What a bot knows about its conference, read from the page. */
export interface ConferenceState {
  /** `APP.conference.isJoined()`; false when APP is absent (page not loaded, not Jitsi). */
  joined: boolean;
  /** MUC resource = JVB endpoint id; matches keys under `conferences.<id>.endpoints` of one JVB's `/debug`. */
  userId?: string;
  /** Host part of the bridge's selected remote ICE address (without port or brackets). */
  bridgeIp?: string;
  /** The bridge's selected remote ICE address as lib-jitsi-meet reports it: `IP:port`. */
  bridgeAddress?: string;
  /** Transport type of that candidate pair: `udp` or `tcp`. */
  bridgeTransport?: string;
  /** Participants in the conference including this one (`listMembers().length + 1`, else `membersCount`). */
  participants?: number;
  /** JVB ICE connection state, `connected` when media flows through the bridge. */
  connectionState?: string;
  /** Number of bridges the conference spans (Jicofo's `bridge-count` property; >1 with Octo). */
  bridgeCount?: number;
  /** Jicofo's id of this conference's session on the bridge: equal ids ⇒ same bridge within one conference. */
  bridgeSessionId?: string;
  /** lib-jitsi-meet version string (`JitsiMeetJS.version`). */
  libVersion?: string;
}

export function probeConferenceState(): ConferenceState {
  interface TransportLike {
    ip?: unknown;
    type?: unknown;
    p2p?: unknown;
  }
  interface ConferenceLike {
    isJoined?: () => unknown;
    getMyUserId?: () => unknown;
    getConnectionState?: () => unknown;
    listMembers?: () => unknown;
    membersCount?: unknown;
    getStats?: () => { transport?: unknown } | undefined;
    _room?: { properties?: Record<string, unknown>; jvbJingleSession?: { _bridgeSessionId?: unknown } };
  }
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  const page = globalThis as unknown as { APP?: { conference?: ConferenceLike }; JitsiMeetJS?: { version?: unknown } };
  const conference = attempt(() => page.APP?.conference);
  if (!conference || typeof conference.isJoined !== 'function') return { joined: false };

  const state: ConferenceState = { joined: attempt(() => conference.isJoined?.()) === true };
  const libVersion = attempt(() => page.JitsiMeetJS?.version);
  if (typeof libVersion === 'string') state.libVersion = libVersion;
  if (!state.joined) return state;

  const userId = attempt(() => conference.getMyUserId?.());
  if (typeof userId === 'string' && userId !== '') state.userId = userId;

  const connectionState = attempt(() => conference.getConnectionState?.());
  if (typeof connectionState === 'string') state.connectionState = connectionState;

  const members = attempt(() => conference.listMembers?.());
  if (Array.isArray(members)) state.participants = members.length + 1;
  else if (typeof conference.membersCount === 'number') state.participants = conference.membersCount;

  const transports = attempt(() => conference.getStats?.()?.transport);
  if (Array.isArray(transports)) {
    const bridge = (transports as TransportLike[]).find((t) => t !== null && typeof t === 'object' && t.p2p !== true);
    if (bridge && typeof bridge.ip === 'string' && bridge.ip !== '') {
      const address = bridge.ip;
      state.bridgeAddress = address;
      // lib-jitsi-meet writes `${address}:${port}`, so the port is always after the last colon.
      const close = address.indexOf(']');
      if (address.startsWith('[') && close !== -1) state.bridgeIp = address.slice(1, close);
      else if (address.includes(':')) state.bridgeIp = address.slice(0, address.lastIndexOf(':'));
      else state.bridgeIp = address;
      if (typeof bridge.type === 'string') state.bridgeTransport = bridge.type;
    }
  }

  const bridgeCount = Number(attempt(() => conference._room?.properties?.['bridge-count']));
  if (Number.isInteger(bridgeCount) && bridgeCount > 0) state.bridgeCount = bridgeCount;

  const sessionId = attempt(() => conference._room?.jvbJingleSession?._bridgeSessionId);
  if (typeof sessionId === 'string' && sessionId !== '') state.bridgeSessionId = sessionId;

  return state;
}
