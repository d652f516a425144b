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
}

/** Opens the room in a fresh context, joins through the prejoin screen and waits until joined. */
export async function joinRoom(browser: Browser, baseUrl: string, room: string, name: string, options: JoinOptions = {}): Promise<JoinedParticipant> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const hash = ['config.resolution=180', `userInfo.displayName=${encodeURIComponent(JSON.stringify(name))}`, ...(options.hash ?? [])];
  if (options.prejoin === false) hash.push('config.prejoinConfig.enabled=false');
  await page.goto(`${baseUrl}/${room}#${hash.join('&')}`);
  if (options.prejoin !== false) {
    await page.locator('#premeeting-name-input').fill(name);
    await page.locator('[data-testid="prejoin.joinMeeting"]').click();
  }
  await page.waitForFunction(() => (window as unknown as AppWindow).APP.conference.isJoined(), undefined, { timeout: 20_000 });
  const endpointId = await page.evaluate(() => (window as unknown as AppWindow).APP.conference.getMyUserId());
  return { context, page, endpointId };
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
