import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium with fake camera and microphone, as the project's bots run it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--use-fake-ui-for-media-stream',
      '--use-fake-device-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
}

export interface JoinedParticipant {
  context: BrowserContext;
  page: Page;
  endpointId: string;
}

export interface JoinOptions {
  /** Extra hash-config entries, already `key=<JSON>` encoded. */
  hash?: string[];
  /** Click through the prejoin screen (default) or skip it with `config.prejoinConfig.enabled=false`. */
  prejoin?: boolean;
  /** Page size (Playwright's default: 1280x720). */
  viewport?: { width: number; height: number };
}

/** Opens the room in a fresh context, joins through the prejoin screen and waits until joined. */
export async function joinRoom(browser: Browser, baseUrl: string, room: string, name: string, options: JoinOptions = {}): Promise<JoinedParticipant> {
  return (await openRoom(browser, baseUrl, room, name, options)).join();
}

/**
 * Opens the room in a fresh context and stops at the prejoin screen (the browser work of a new page is
 * done); `join()` then clicks through it and waits until joined. With `prejoin: false` the page joins
 * by itself and `join()` only waits.
 */
export async function openRoom(
  browser: Browser,
  baseUrl: string,
  room: string,
  name: string,
  options: JoinOptions = {},
): Promise<{ page: Page; join(): Promise<JoinedParticipant> }> {
  const context = await browser.newContext(options.viewport ? { viewport: options.viewport } : {});
  const page = await context.newPage();
  const hash = ['config.resolution=180', `userInfo.displayName=${encodeURIComponent(JSON.stringify(name))}`, ...(options.hash ?? [])];
  if (options.prejoin === false) hash.push('config.prejoinConfig.enabled=false');
  await page.goto(`${baseUrl}/${room}#${hash.join('&')}`);
  if (options.prejoin !== false) await page.locator('#premeeting-name-input').fill(name);
  return {
    page,
    async join() {
      if (options.prejoin !== false) await page.locator('[data-testid="prejoin.joinMeeting"]').click();
      await page.waitForFunction(() => (window as unknown as AppWindow).APP.conference.isJoined(), undefined, { timeout: 20_000 });
      const endpointId = await page.evaluate(() => (window as unknown as AppWindow).APP.conference.getMyUserId());
      return { context, page, endpointId };
    },
  };
}

interface AppWindow {
  APP: {
    conference: {
      isJoined(): boolean;
      getMyUserId(): string;
      getStats(): ConferenceStats;
      getPeerConnection(): RTCPeerConnection;
      getBridgeId(): string;
      membersCount: number;
    };
  };
}

export interface ConferenceStats {
  bitrate: { upload: number; download: number };
  transport: { ip: string; localip: string; type: string }[];
}

/** framesDecoded per remote endpoint, read from the page's RTCPeerConnection stats. */
export function framesDecodedByEndpoint(page: Page): Promise<Record<string, number>> {
  return page.evaluate(async () => {
    const w = window as unknown as AppWindow & { APP: { conference: { getPeerConnection(): RTCPeerConnection } } };
    const pc = w.APP.conference.getPeerConnection();
    const report = await pc.getStats();
    const byMid = new Map<string, string>();
    for (const t of pc.getTransceivers()) {
      const el = t.mid === null ? null : document.querySelector(`[data-mid="${t.mid}"]`);
      const ep = el?.getAttribute('data-endpoint-id');
      if (t.mid !== null && ep) byMid.set(t.mid, ep);
    }
    const out: Record<string, number> = {};
    report.forEach((s: { type: string; kind?: string; mid?: string; framesDecoded?: number }) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video' || s.mid === undefined) return;
      const ep = byMid.get(s.mid);
      if (ep) out[ep] = (out[ep] ?? 0) + (s.framesDecoded ?? 0);
    });
    return out;
  });
}

/** Polls `check` until it returns true or `timeoutMs` passes; returns whether it succeeded. */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  return check();
}

/** Waits until every listed remote endpoint's decoded frame count rose by at least `minFrames`. */
export async function waitForVideoFrom(page: Page, endpointIds: readonly string[], minFrames: number, timeoutMs: number): Promise<Record<string, number>> {
  const start = await framesDecodedByEndpoint(page);
  let last = start;
  await waitFor(async () => {
    last = await framesDecodedByEndpoint(page);
    return endpointIds.every((id) => (last[id] ?? 0) - (start[id] ?? 0) >= minFrames);
  }, timeoutMs);
  return Object.fromEntries(endpointIds.map((id) => [id, (last[id] ?? 0) - (start[id] ?? 0)]));
}

export function conferenceStats(page: Page): Promise<ConferenceStats> {
  return page.evaluate(() => (window as unknown as AppWindow).APP.conference.getStats());
}

/** One simulcast encoding the page sends, from its outbound-rtp stats. */
export interface OutboundVideo {
  rid: string | undefined;
  frameHeight: number | undefined;
  bytesSent: number;
  active: boolean;
  qualityLimitationReason: string | undefined;
}

/** One remote video the page receives, by the endpoint it comes from. */
export interface InboundVideo {
  frameHeight: number | undefined;
  framesDecoded: number;
  bytesReceived: number;
  /** Chromium's freeze counters: a freeze is a gap between decoded frames above max(3x the mean, mean + 150 ms). */
  freezeCount: number;
  totalFreezesDuration: number;
}

export interface VideoStats {
  at: number;
  outbound: OutboundVideo[];
  inbound: Record<string, InboundVideo>;
}

/** The page's video send and receive stats from its RTCPeerConnection (any page with `window.pc` or the testbed's). */
export function videoStats(page: Page): Promise<VideoStats> {
  return page.evaluate(async () => {
    const w = window as unknown as { pc?: RTCPeerConnection; APP?: { conference: { getPeerConnection(): RTCPeerConnection } } };
    const pc = w.pc ?? w.APP?.conference.getPeerConnection();
    if (!pc) throw new Error('the page has no RTCPeerConnection');
    const report = await pc.getStats();
    const byMid = new Map<string, string>();
    for (const t of pc.getTransceivers()) {
      const ep = t.mid === null ? null : document.querySelector(`[data-mid="${t.mid}"]`)?.getAttribute('data-endpoint-id');
      if (t.mid !== null) byMid.set(t.mid, ep ?? t.mid);
    }
    const outbound: { rid: string | undefined; frameHeight: number | undefined; bytesSent: number; active: boolean; qualityLimitationReason: string | undefined }[] = [];
    const inbound: Record<string, { frameHeight: number | undefined; framesDecoded: number; bytesReceived: number; freezeCount: number; totalFreezesDuration: number }> = {};
    report.forEach((s: Record<string, unknown>) => {
      if (s.kind !== 'video') return;
      if (s.type === 'outbound-rtp') {
        outbound.push({
          rid: s.rid as string | undefined,
          frameHeight: s.frameHeight as number | undefined,
          bytesSent: (s.bytesSent as number | undefined) ?? 0,
          active: s.active !== false,
          qualityLimitationReason: s.qualityLimitationReason as string | undefined,
        });
      }
      if (s.type === 'inbound-rtp') {
        const key = byMid.get(s.mid as string) ?? String(s.ssrc);
        inbound[key] = {
          frameHeight: s.frameHeight as number | undefined,
          framesDecoded: (s.framesDecoded as number | undefined) ?? 0,
          bytesReceived: (s.bytesReceived as number | undefined) ?? 0,
          freezeCount: (s.freezeCount as number | undefined) ?? 0,
          totalFreezesDuration: (s.totalFreezesDuration as number | undefined) ?? 0,
        };
      }
    });
    outbound.sort((a, b) => (a.rid ?? '').localeCompare(b.rid ?? ''));
    return { at: performance.now() + performance.timeOrigin, outbound, inbound };
  });
}

/** kbps of `bytes` between two samples. */
export function kbpsBetween(before: { at: number; bytes: number }, after: { at: number; bytes: number }): number {
  const seconds = (after.at - before.at) / 1000;
  return seconds > 0 ? ((after.bytes - before.bytes) * 8) / 1000 / seconds : 0;
}

/**
 * Two Chromium pages connected directly on loopback (no bridge): the sender captures Chromium's fake
 * camera at 1280x720 like the testbed's senders, the receiver decodes it. The reference for what the
 * same sender reaches with Chromium's own congestion control on both ends.
 */
export async function loopbackReference(browser: Browser, baseUrl: string): Promise<{ sender: Page; receiver: Page; close(): Promise<void> }> {
  const contexts = [await browser.newContext(), await browser.newContext()];
  const [sender, receiver] = await Promise.all(contexts.map((c) => c.newPage())) as [Page, Page];
  for (const page of [sender, receiver]) await page.goto(`${baseUrl}/`);
  await sender.exposeFunction('relayCandidate', (c: RTCIceCandidateInit) => receiver.evaluate((c) => (window as unknown as { pc: RTCPeerConnection }).pc.addIceCandidate(c), c));
  await receiver.exposeFunction('relayCandidate', (c: RTCIceCandidateInit) => sender.evaluate((c) => (window as unknown as { pc: RTCPeerConnection }).pc.addIceCandidate(c), c));
  await receiver.evaluate(() => {
    const w = window as unknown as { pc: RTCPeerConnection; relayCandidate(c: RTCIceCandidateInit): void };
    w.pc = new RTCPeerConnection();
    w.pc.onicecandidate = (e) => e.candidate && w.relayCandidate(e.candidate.toJSON());
  });
  const offer = await sender.evaluate(async () => {
    const w = window as unknown as { pc: RTCPeerConnection; relayCandidate(c: RTCIceCandidateInit): void };
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } } });
    w.pc = new RTCPeerConnection();
    w.pc.onicecandidate = (e) => e.candidate && w.relayCandidate(e.candidate.toJSON());
    for (const track of stream.getTracks()) w.pc.addTrack(track, stream);
    await w.pc.setLocalDescription(await w.pc.createOffer());
    return w.pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
  });
  const answer = await receiver.evaluate(async (offer) => {
    const w = window as unknown as { pc: RTCPeerConnection };
    await w.pc.setRemoteDescription(offer);
    await w.pc.setLocalDescription(await w.pc.createAnswer());
    return w.pc.localDescription?.toJSON() as RTCSessionDescriptionInit;
  }, offer);
  await sender.evaluate((answer) => (window as unknown as { pc: RTCPeerConnection }).pc.setRemoteDescription(answer), answer);
  return { sender, receiver, close: async () => void (await Promise.all(contexts.map((c) => c.close()))) };
}
