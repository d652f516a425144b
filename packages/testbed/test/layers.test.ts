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

  it('room of 3: each receiver gets a layer within its own constraint (360p tiles for 1280x720, 720p for 1920x1080), and its bridge forwards that layer', async () => {
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

    // Whether the sender keeps its 720p encoding (R2 then decodes 720p, R1 360p), its bitrate against
    // the loopback reference and GoogCC's quality limitation depend on how much CPU Chromium and the
    // bridges get (at load average 15-22 the sender dropped 720p); they are printed here, with their
    // bars and figures in bench/README.md (testbed-layers).
    const referenceSender = reference.sender;
    const [s0, ref0] = [await videoStats(sender.page), await videoStats(referenceSender)];
    await until(async () => (await videoStats(sender.page)).at - s0.at >= 4_000, 6_000, 'a 4000 ms measurement window', 250);
    const [s1, ref1] = [await videoStats(sender.page), await videoStats(referenceSender)];
    const kbps = (from: VideoStats, to: VideoStats, rid?: string): number => Math.round(kbpsBetween(sentBytes(from, rid), sentBytes(to, rid)));
    process.stdout.write(
      `layers: sender ${kbps(s0, s1)} kbps through the testbed (720p encoding ${kbps(s0, s1, '3')} kbps, quality limitation ${topLayer(s1)?.qualityLimitationReason}), ` +
        `loopback reference ${kbps(ref0, ref1)} kbps at ${ref1.outbound[0]?.frameHeight}p; R1 decodes ${(await received(r1))?.frameHeight}p, R2 ${(await received(r2))?.frameHeight}p\n`,
    );
    await reference.close();
    reference = undefined;
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
    // What the issue means by the unwatched layer stopping: no 720p bytes leave the sender and the
    // sender's bridge measures no 720p layer. (The total send bitrate need not fall much: a sender that
    // GoogCC holds back gives the freed bitrate to the lower layers.)
    const top0 = sentBytes(await videoStats(sender.page), '3').bytes;
    await until(async () => (await senderTopLayerBps()) === 0, 10_000, `${senderBridge?.id} to measure no 720p layer from the sender`);
    const sendAfter = await sendKbps(3_000);
    expect(sentBytes(await videoStats(sender.page), '3').bytes, "the sender's 720p encoding's bytes sent").toBe(top0);
    const downloadAfter = await downloadKbps();
    process.stdout.write(`layers: sender ${Math.round(sendBefore)} -> ${Math.round(sendAfter)} kbps, ${senderBridge?.id} download ${downloadBefore} -> ${downloadAfter} kbps\n`);
  });
});
