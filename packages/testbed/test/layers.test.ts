import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { until } from '@jlt/core/test-support';
import { startTestbed, type Testbed } from '../src/index.js';
import { joinRoom, kbpsBetween, launchChromium, loopbackReference, openRoom, videoStats, type JoinOptions, type JoinedParticipant, type VideoStats } from './browser.js';
import { getJson } from './ws-client.js';

const silent = { log: () => undefined };
const receiveOnly = ['config.startWithVideoMuted=true', 'config.startWithAudioMuted=true'];
/** The bar: a 720p sender reaches 720p within 40 s of joining. */
const RAMP_UP_MS = 40_000;
/** Bitrates are compared over windows this long (Chromium's byte counters move in packet bursts). */
const WINDOW_MS = 4_000;
/**
 * A switch may freeze the receiver at most this long in total (Chromium's freeze counters). JVB keeps
 * forwarding the old layer until a keyframe of the new one arrives, so a switch costs no freeze at all
 * when the sender answers the keyframe request; the bound leaves room for one keyframe's delivery.
 */
const SWITCH_FREEZE_BOUND_MS = 1_000;

interface AppWindow {
  APP: { conference: { getReceiverConstraints(): { constraints?: Record<string, { maxHeight: number }> } | undefined; getConferenceId(): string; getBridgeId(): string } };
}

function topLayer(stats: VideoStats): VideoStats['outbound'][number] | undefined {
  return stats.outbound.find((o) => o.rid === '3');
}

function sentBytes(stats: VideoStats, rid?: string): { at: number; bytes: number } {
  const layers = rid === undefined ? stats.outbound : stats.outbound.filter((o) => o.rid === rid);
  return { at: stats.at, bytes: layers.reduce((sum, o) => sum + o.bytesSent, 0) };
}

async function constraintFor(page: Page, sourceName: string): Promise<number | undefined> {
  return page.evaluate((name) => (window as unknown as AppWindow).APP.conference.getReceiverConstraints()?.constraints?.[name]?.maxHeight, sourceName);
}

/**
 * One conference grows from 2 to 3 to 5 participants over two bridges with Octo (split strategy, so it
 * spans both), with one 720p sender and receivers of different window sizes; a direct Chromium-to-
 * Chromium call on loopback runs beside it as the bitrate reference. The steps share that setup.
 */
describe('simulcast and layer selection like JVB (real Chromium, 2 bridges with Octo)', () => {
  let browser: Browser;
  let testbed: Testbed;
  const participants: JoinedParticipant[] = [];
  let reference: Awaited<ReturnType<typeof loopbackReference>> | undefined;
  let sender: JoinedParticipant;
  let senderJoinedAt = 0;
  const receivers = new Map<string, JoinedParticipant>();

  beforeAll(async () => {
    browser = await launchChromium();
    testbed = await startTestbed({ bridges: 2, octo: true, strategy: 'split', statsIntervalMs: 1000, logger: silent });
  });
  afterAll(async () => {
    await reference?.close().catch(() => undefined);
    for (const p of participants) await p.context.close().catch(() => undefined);
    await browser?.close();
    await testbed?.stop();
  });

  async function join(name: string, options: JoinOptions): Promise<JoinedParticipant> {
    const p = await joinRoom(browser, testbed.url, 'layers', name, { prejoin: false, ...options });
    participants.push(p);
    return p;
  }

  const sourceName = (): string => `${sender.endpointId}-v0`;
  const received = async (p: JoinedParticipant) => (await videoStats(p.page)).inbound[sender.endpointId];
  const bridgeOf = (p: JoinedParticipant): string => testbed.placement('layers')[p.endpointId] ?? 'none';
  async function forwardedHeight(p: JoinedParticipant): Promise<number | undefined> {
    const bridge = testbed.bridges.find((b) => b.id === bridgeOf(p));
    const conferenceId = await p.page.evaluate(() => (window as unknown as AppWindow).APP.conference.getConferenceId());
    const debug = (await getJson(`${bridge?.restUrl}/debug/${conferenceId}/${p.endpointId}`)) as {
      conferences: Record<string, { endpoints: Record<string, { bitrate_controller: { bitrate_allocator: { allocation: { allocations: Record<string, { target: { height: number } | null }> } } } }> }>;
    };
    return debug.conferences[conferenceId]?.endpoints[p.endpointId]?.bitrate_controller.bitrate_allocator.allocation.allocations[sourceName()]?.target?.height;
  }

  it('room of 2: the receiver, on the other bridge, decodes the 720p top layer within 40 s, and the bridge says it forwards 720p', async () => {
    reference = await loopbackReference(browser, testbed.url);
    sender = await join('Sender', { hash: ['config.resolution=720'] });
    senderJoinedAt = Date.now();
    // A large window: stage view now, 720p tiles once a third participant comes.
    const r2 = await join('R2', { hash: receiveOnly, viewport: { width: 1920, height: 1080 } });
    receivers.set('R2', r2);
    expect(bridgeOf(sender)).not.toBe(bridgeOf(r2));
    await until(async () => (await received(r2))?.frameHeight === 720, RAMP_UP_MS, 'R2 to decode the sender at 720p');
    expect(Date.now() - senderJoinedAt).toBeLessThan(RAMP_UP_MS);
    expect(await constraintFor(r2.page, sourceName())).toBe(2160);
    expect(await forwardedHeight(r2)).toBe(720);
    process.stdout.write(`layers: 720p decoded across the relay ${Date.now() - senderJoinedAt} ms after the sender joined\n`);
  });

  it('room of 3: each receiver gets a layer within its own constraint (360p tiles for 1280x720, 720p for 1920x1080), its bridge forwards that layer, and the sender reaches 720p and 80 % of the loopback reference within 40 s, not bandwidth-limited', async () => {
    const r2 = receivers.get('R2');
    if (!r2 || !reference) throw new Error('the room-of-2 step did not run');
    const r1 = await join('R1', { hash: receiveOnly });
    receivers.set('R1', r1);
    await until(async () => (await constraintFor(r1.page, sourceName())) === 360, 15_000, "R1's page to ask for 360p tiles");
    expect(await constraintFor(r2.page, sourceName())).toBe(720);
    for (const [name, p, constraint] of [['R1', r1, 360], ['R2', r2, 720]] as const) {
      await until(async () => {
        const height = (await received(p))?.frameHeight ?? 0;
        return height > 0 && height <= constraint && (await forwardedHeight(p)) === height;
      }, 15_000, `${name} to decode at most ${constraint}p, the layer its bridge forwards`);
    }

    // The bar for bandwidth feedback: within 40 s of joining, the sender sends 720p and at
    // least 80 % of what the same fake camera reaches against a second Chromium on loopback (both
    // measured over the same 4 s window, once the reference itself has climbed to 720p), and GoogCC
    // does not hold it back for bandwidth then or in the next window.
    const referenceSender = reference.sender;
    const history: { sender: VideoStats; reference: VideoStats }[] = [];
    const kbps = (from: VideoStats, to: VideoStats, rid?: string): number => Math.round(kbpsBetween(sentBytes(from, rid), sentBytes(to, rid)));
    const lastWindow = (): { sender: number; top: number; reference: number; limitation: string | undefined; senderHeight: number | undefined; referenceHeight: number | undefined } | undefined => {
      const to = history.at(-1);
      const from = to && history.findLast((h) => to.sender.at - h.sender.at >= WINDOW_MS);
      if (!from || !to) return undefined;
      return {
        sender: kbps(from.sender, to.sender),
        top: kbps(from.sender, to.sender, '3'),
        reference: kbps(from.reference, to.reference),
        limitation: topLayer(to.sender)?.qualityLimitationReason,
        senderHeight: topLayer(to.sender)?.frameHeight,
        referenceHeight: to.reference.outbound[0]?.frameHeight,
      };
    };
    const meetsBar = (w: ReturnType<typeof lastWindow>): boolean =>
      w !== undefined && w.senderHeight === 720 && w.referenceHeight === 720 && w.sender >= 0.8 * w.reference && w.limitation !== 'bandwidth';
    const summary = (w: ReturnType<typeof lastWindow>): string =>
      w === undefined ? 'no 4 s window yet' : `sender ${w.sender} kbps at ${w.senderHeight}p (720p encoding ${w.top} kbps, limitation ${w.limitation}), reference ${w.reference} kbps at ${w.referenceHeight}p`;
    await until(async () => {
      history.push({ sender: await videoStats(sender.page), reference: await videoStats(referenceSender) });
      return meetsBar(lastWindow());
    }, Math.max(0, senderJoinedAt + RAMP_UP_MS - Date.now()), () => `the sender to reach 720p and 80 % of the loopback reference within 40 s of joining: ${summary(lastWindow())}`, 500);
    const reached = lastWindow();
    const reachedAfterMs = Date.now() - senderJoinedAt;
    history.splice(0, history.length - 1);
    await until(async () => {
      history.push({ sender: await videoStats(sender.page), reference: await videoStats(referenceSender) });
      return lastWindow() !== undefined;
    }, WINDOW_MS + 2_000, 'the next 4 s window', 500);
    const next = lastWindow();
    expect(next?.limitation, `the sender's quality limitation in the next window (${summary(next)})`).not.toBe('bandwidth');
    expect(next?.sender ?? 0, `the sender's bitrate in the next window against 80 % of the reference's (${summary(next)})`).toBeGreaterThanOrEqual(0.8 * (next?.reference ?? Infinity));
    process.stdout.write(`layers: ${reachedAfterMs} ms after joining: ${summary(reached)}; next window: ${summary(next)}; R1 decodes ${(await received(r1))?.frameHeight}p, R2 ${(await received(r2))?.frameHeight}p\n`);
    await reference.close();
    reference = undefined;
  });

  it('a layer switch alone (R2 shrinks its window, then restores it) does not freeze R2 beyond the bound: the old layer flows until the new one\'s keyframe', async () => {
    const r2 = receivers.get('R2');
    if (!r2) throw new Error('the room-of-2 step did not run');
    // A window resize is the cleanest switch: no page starts beside it, so a freeze is the switch's own.
    for (const { viewport, wants } of [
      { viewport: { width: 1280, height: 720 }, wants: 360 },
      { viewport: { width: 1920, height: 1080 }, wants: 720 },
    ]) {
      const before = await received(r2);
      await r2.page.setViewportSize(viewport);
      await until(async () => (await constraintFor(r2.page, sourceName())) === wants, 10_000, `R2's page to ask for ${wants}p at ${viewport.width}x${viewport.height}`);
      await until(async () => (await received(r2))?.frameHeight === wants, 20_000, `R2 to decode ${wants}p`);
      await until(async () => ((await received(r2))?.framesDecoded ?? 0) > (before?.framesDecoded ?? 0) + 30, 5_000, 'frames decoded to keep rising');
      const after = await received(r2);
      const frozenMs = ((after?.totalFreezesDuration ?? 0) - (before?.totalFreezesDuration ?? 0)) * 1000;
      process.stdout.write(`layers: R2 ${before?.frameHeight}p -> ${wants}p on resize: ${(after?.freezeCount ?? 0) - (before?.freezeCount ?? 0)} freezes, ${Math.round(frozenMs)} ms frozen\n`);
      expect(frozenMs, `R2 frozen while switching ${before?.frameHeight}p -> ${wants}p`).toBeLessThan(SWITCH_FREEZE_BOUND_MS);
    }
  });

  it('room of 5: receivers switch down while frames keep coming, each within its constraint; nobody wants 720p, so the sender stops that encoding and its bridge receives none of it', async () => {
    const r1 = receivers.get('R1');
    const r2 = receivers.get('R2');
    if (!r1 || !r2) throw new Error('the room-of-3 step did not run');
    const senderBridge = testbed.bridges.find((b) => b.id === bridgeOf(sender));
    const downloadKbps = async (): Promise<number> => Number((await getJson(`${senderBridge?.restUrl}/colibri/stats`)).bit_rate_download);
    const sendKbps = async (ms: number): Promise<number> => {
      const start = await videoStats(sender.page);
      await until(async () => (await videoStats(sender.page)).at - start.at >= ms, ms + 2_000, `a ${ms} ms measurement window`, 250);
      return kbpsBetween(sentBytes(start), sentBytes(await videoStats(sender.page)));
    };
    const senderTopLayerBps = async (): Promise<number | undefined> => {
      const conferenceId = await sender.page.evaluate(() => (window as unknown as AppWindow).APP.conference.getConferenceId());
      const debug = (await getJson(`${senderBridge?.restUrl}/debug/${conferenceId}/${sender.endpointId}`)) as {
        conferences: Record<string, { endpoints: Record<string, { media_sources: { layers: { encoding: number; bitrate_bps: number }[] }[] }> }>;
      };
      const layers = debug.conferences[conferenceId]?.endpoints[sender.endpointId]?.media_sources[0]?.layers ?? [];
      return layers.find((l) => l.encoding === 2)?.bitrate_bps;
    };
    const sendBefore = await sendKbps(3_000);
    expect(topLayer(await videoStats(sender.page))?.active, "the sender's 720p encoding before R3 and R4 join (R2 wants 720p)").toBe(true);
    const downloadBefore = await downloadKbps();

    // The new pages are opened first, so that the switch is measured without their start-up load.
    const opened = await Promise.all(['R3', 'R4'].map(async (name) => ({ name, room: await openRoom(browser, testbed.url, 'layers', name, { hash: receiveOnly, viewport: { width: 640, height: 360 } }) })));
    const switching = [
      { p: r2, to: 360, before: await received(r2) },
      { p: r1, to: 180, before: await received(r1) },
    ];
    for (const { name, room } of opened) {
      const p = await room.join();
      participants.push(p);
      receivers.set(name, p);
    }
    // R2 goes 720p -> 360p and R1 360p -> 180p; each switch waits for a keyframe of the new layer
    // while the old one keeps flowing, so the frames decoded keep rising. Chromium's freeze count also
    // rises when two pages start beside it on a contended CPU, so the freeze time is printed, not held.
    for (const { p, to, before } of switching) {
      await until(async () => ((await received(p))?.frameHeight ?? 0) <= to, 20_000, `a receiver to switch to ${to}p or lower`);
      await until(async () => ((await received(p))?.framesDecoded ?? 0) > (before?.framesDecoded ?? 0) + 20, 5_000, 'frames decoded to keep rising');
      const after = await received(p);
      const frozenMs = ((after?.totalFreezesDuration ?? 0) - (before?.totalFreezesDuration ?? 0)) * 1000;
      process.stdout.write(`layers: switching to ${to}p: ${(after?.freezeCount ?? 0) - (before?.freezeCount ?? 0)} freezes, ${Math.round(frozenMs)} ms frozen\n`);
    }

    await until(async () => topLayer(await videoStats(sender.page))?.active === false, 15_000, 'the sender to turn its 720p encoding off');
    const wanted: Record<string, number> = { R1: 180, R2: 360, R3: 180, R4: 180 };
    for (const [name, p] of receivers) {
      await until(async () => (await constraintFor(p.page, sourceName())) === wanted[name], 15_000, `${name}'s page to ask for ${wanted[name]}p`);
      await until(async () => (await forwardedHeight(p)) === (await received(p))?.frameHeight, 15_000, `${name} to decode the layer its bridge forwards`);
    }
    // Octo: receivers on both bridges decode, and their bridge forwards, a layer within their constraint
    // (which layer may still change when GoogCC moves the sender's bitrate).
    expect(new Set([...receivers.values()].map(bridgeOf)).size).toBe(2);
    for (const [name, p] of receivers) {
      const height = (await received(p))?.frameHeight ?? 0;
      expect(height, `${name} on ${bridgeOf(p)}`).toBeGreaterThan(0);
      expect(height, `${name} on ${bridgeOf(p)}`).toBeLessThanOrEqual(wanted[name] ?? 0);
      expect(await forwardedHeight(p), `${name} on ${bridgeOf(p)}`).toBeLessThanOrEqual(wanted[name] ?? 0);
    }
    // The unwatched layer stops: no 720p bytes leave the sender, the sender's bridge measures no 720p
    // layer, and the sender's bitrate falls and its bridge's download with it (the sender met the
    // bandwidth bar above, so GoogCC has no held-back bitrate to hand the lower layers instead).
    const top0 = sentBytes(await videoStats(sender.page), '3').bytes;
    await until(async () => (await senderTopLayerBps()) === 0, 10_000, `${senderBridge?.id} to measure no 720p layer from the sender`);
    const sendAfter = await sendKbps(3_000);
    expect(sentBytes(await videoStats(sender.page), '3').bytes, "the sender's 720p encoding's bytes sent").toBe(top0);
    const downloadAfter = await downloadKbps();
    expect(sendAfter, "the sender's kbps once nobody watches 720p").toBeLessThan(sendBefore);
    expect(downloadAfter, `${senderBridge?.id}'s download kbps once nobody watches 720p`).toBeLessThan(downloadBefore);
    process.stdout.write(`layers: sender ${Math.round(sendBefore)} -> ${Math.round(sendAfter)} kbps, ${senderBridge?.id} download ${downloadBefore} -> ${downloadAfter} kbps\n`);
  });
});
