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

  it('room of 3: the sender keeps 720p at 80 % or more of the loopback reference bitrate, not bandwidth-limited, while each receiver gets its own layer', async () => {
    const r2 = receivers.get('R2');
    if (!r2 || !reference) throw new Error('the room-of-2 step did not run');
    // 1280x720 with three participants: 360p tiles; R2's 1920x1080 tiles stay at 720p.
    const r1 = await join('R1', { hash: receiveOnly });
    receivers.set('R1', r1);
    await until(async () => (await received(r1))?.frameHeight === 360, 15_000, 'R1 to decode the sender at 360p');
    expect(await constraintFor(r1.page, sourceName())).toBe(360);
    expect(await constraintFor(r2.page, sourceName())).toBe(720);

    const referenceSender = reference.sender;
    await until(async () => (await videoStats(referenceSender)).outbound[0]?.frameHeight === 720, 45_000, 'the loopback reference to reach 720p');
    const [s0, ref0] = [await videoStats(sender.page), await videoStats(referenceSender)];
    await until(async () => (await videoStats(sender.page)).at - s0.at >= 4_000, 6_000, 'a 4000 ms measurement window', 250);
    const [s1, ref1] = [await videoStats(sender.page), await videoStats(referenceSender)];
    // The sender's bitrate, as webrtc_send_kbps counts it: all its simulcast encodings together.
    const testbedKbps = kbpsBetween(sentBytes(s0), sentBytes(s1));
    const topKbps = kbpsBetween(sentBytes(s0, '3'), sentBytes(s1, '3'));
    const referenceKbps = kbpsBetween(sentBytes(ref0), sentBytes(ref1));
    process.stdout.write(`layers: sender ${Math.round(testbedKbps)} kbps through the testbed (its 720p encoding ${Math.round(topKbps)} kbps), loopback reference ${Math.round(referenceKbps)} kbps\n`);
    const sent = JSON.stringify(s1.outbound);
    expect(topLayer(s1)?.frameHeight, `the sender's encodings: ${sent}`).toBe(720);
    expect(testbedKbps).toBeGreaterThanOrEqual(0.8 * referenceKbps);
    expect(topLayer(s1)?.qualityLimitationReason).not.toBe('bandwidth');
    expect((await received(r2))?.frameHeight).toBe(720);
    await reference.close();
    reference = undefined;
  });

  it('room of 5: receivers switch down without freezing, the default viewport gets a lower layer, nobody wants 720p so the sender stops it and its bridge receives less', async () => {
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
    const sendBefore = await sendKbps(3_000);
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
    // while the old one keeps flowing, so the frames decoded keep rising with no freeze worth a second.
    for (const { p, to, before } of switching) {
      await until(async () => (await received(p))?.frameHeight === to, 20_000, `a receiver to switch to ${to}p`);
      await until(async () => ((await received(p))?.framesDecoded ?? 0) > (before?.framesDecoded ?? 0) + 20, 5_000, 'frames decoded to keep rising');
      const after = await received(p);
      const frozenMs = ((after?.totalFreezesDuration ?? 0) - (before?.totalFreezesDuration ?? 0)) * 1000;
      process.stdout.write(`layers: switching to ${to}p: ${(after?.freezeCount ?? 0) - (before?.freezeCount ?? 0)} freezes, ${Math.round(frozenMs)} ms frozen\n`);
      expect(frozenMs).toBeLessThan(1_000);
    }

    await until(async () => topLayer(await videoStats(sender.page))?.active === false, 15_000, 'the sender to turn its 720p encoding off');
    const wanted: Record<string, number> = { R1: 180, R2: 360, R3: 180, R4: 180 };
    for (const [name, p] of receivers) {
      await until(async () => (await received(p))?.frameHeight === wanted[name], 15_000, `${name} to decode the sender at ${wanted[name]}p`);
    }
    // Octo: receivers on both bridges get a layer within their constraint, and their bridge forwards it.
    expect(new Set([...receivers.values()].map(bridgeOf)).size).toBe(2);
    for (const [name, p] of receivers) {
      const constraint = await constraintFor(p.page, sourceName());
      const height = (await received(p))?.frameHeight ?? 0;
      expect(height, `${name} on ${bridgeOf(p)}`).toBeGreaterThan(0);
      expect(height, `${name} on ${bridgeOf(p)}`).toBeLessThanOrEqual(constraint ?? 0);
      expect(await forwardedHeight(p), `${name} on ${bridgeOf(p)}`).toBe(height);
    }
    const sendAfter = await sendKbps(3_000);
    expect(sendAfter).toBeLessThan(0.75 * sendBefore);
    await until(async () => (await downloadKbps()) < 0.75 * downloadBefore, 10_000, `${senderBridge?.id}'s bit_rate_download to fall below 75 % of ${downloadBefore} kbps`);
    process.stdout.write(`layers: sender ${Math.round(sendBefore)} -> ${Math.round(sendAfter)} kbps, ${senderBridge?.id} download ${downloadBefore} -> ${await downloadKbps()} kbps\n`);
  });
});
