/**
 * Shared encoder for lite senders (issue 15): can a sender put a full sender's traffic on the wire
 * without encoding its own camera, so that a full receiver decodes it without errors, and what does
 * that save? On the local testbed (one bridge), one way after another, each in a fresh room:
 *  full   N senders as jlt's full bots send: the fake camera, Chromium's VP8 simulcast;
 *  still  the same N with the camera replaced by a still picture (lite-sender-page.ts, no clip): what
 *         Chromium's own encoder costs when it has nothing to encode;
 *  lite   the still picture plus the frame transform that sends a clip encoded once (WebCodecs) in
 *         place of each own frame (lite-sender-page.ts): the lite sender;
 *  audio  the same N with the camera off: the floor of a sender without any video work.
 * Every way runs its senders in a child process (this file with `driver`), one browser, a context
 * per sender, last-N 0 (senders receive no video, so only the send side is measured); the child's
 * process tree is sampled from /proc. A full receiver in a browser of this process (not counted)
 * watches all N in tile view, then its window shrinks and grows again so the bridge switches every
 * sender's layer down and up (each switch needs a keyframe on the layer switched to). Printed: cores
 * and PSS per sender and their ratios to `full`, wire traffic per simulcast layer (outbound-rtp), the
 * bridge's totals, and the receiver's decode health (frames received/decoded, freezes, PLIs,
 * keyframes) over the window and over the switches.
 * Usage: see bench/README.md.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import type { Logger, PlannedBot } from '../packages/core/dist/index.js';
import {
  CHROMIUM_ARGS,
  DEFAULT_CHROMIUM_PATH,
  defaultMediaCacheDir,
  ensureFakeAudio,
  ensureFakeVideo,
  HEADLESS_SHELL_PATH,
  meetingUrlFor,
  processTree,
  readAllProcStats,
  type JitsiLikeTarget,
  type ProcStat,
} from '../packages/agents/dist/index.js';
import { PREJOIN_JOIN_BUTTON, PREJOIN_NAME_INPUT } from '../packages/jitsi/dist/index.js';
import { startTestbed, type Testbed } from '../packages/testbed/dist/index.js';
import { bridgeLoad, bridgeTotals, type BridgeLoad } from './bridge-load.js';
import { clipRequestFor, encodeClipIn, LITE_SENDER_GLOBAL, liteSenderScript, type LiteSendTotals, type SenderClip } from './lite-sender-page.js';
import { chromium, type Browser, type Page } from './playwright.js';
import { reapTree, samplePss, sampleTree, summarize, type PssSample, type TreeSample, type TreeUsage } from './proc-tree-sampler.js';

type WayName = 'full' | 'still' | 'lite' | 'audio';
const WAY_LABELS: Record<WayName, string> = {
  full: 'full senders (fake camera encoded)',
  still: 'still picture, no clip (own encoder only)',
  lite: 'lite senders (still + shared clip)',
  audio: 'audio only, camera off (floor: no video at all)',
};

interface Media {
  width: number;
  height: number;
  fps: number;
  videoPath: string;
  audioPath: string;
}

interface DriverConfig {
  way: WayName;
  url: string;
  room: string;
  senders: number;
  media: Media;
  executablePath: string;
  clipFrames: number;
  joinTimeoutMs: number;
}

/** Per simulcast stream of a sender, from outbound-rtp. */
interface OutboundLayer {
  rid: string;
  bytesSent: number;
  headerBytesSent: number;
  packetsSent: number;
  framesEncoded: number;
  keyFramesEncoded: number;
  pliCount: number;
  frameWidth: number;
  frameHeight: number;
  active: boolean;
}

interface SenderCounts {
  layers: OutboundLayer[];
  lite: LiteSendTotals | undefined;
}

/** Per received video stream of the receiver, from inbound-rtp. */
interface InboundVideo {
  ssrc: number;
  framesReceived: number;
  framesDecoded: number;
  framesDropped: number;
  keyFramesDecoded: number;
  freezeCount: number;
  pliCount: number;
  firCount: number;
  packetsLost: number;
  frameHeight: number;
}

type DriverMessage =
  | { type: 'ready'; joinMs: number; clip?: { encodeMs: number; layers: { width: number; height: number; frames: number; kbps: number; keyBytes: number }[] } }
  | { type: 'failed'; message: string }
  | { type: 'counts'; senders: SenderCounts[] };

/** In a sender's page: its video sender's outbound-rtp per simulcast stream and the lite transform's totals. */
async function readSender(global: string): Promise<SenderCounts> {
  const app = (window as unknown as { APP: { conference: { getPeerConnection(): RTCPeerConnection | undefined } } }).APP;
  const pc = app.conference.getPeerConnection();
  const layers: OutboundLayer[] = [];
  if (pc !== undefined) {
    const report = await pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== 'outbound-rtp' || s.kind !== 'video') return;
      const n = (k: string): number => (typeof s[k] === 'number' ? (s[k]) : 0);
      layers.push({
        rid: typeof s.rid === 'string' ? s.rid : '',
        bytesSent: n('bytesSent'),
        headerBytesSent: n('headerBytesSent'),
        packetsSent: n('packetsSent'),
        framesEncoded: n('framesEncoded'),
        keyFramesEncoded: n('keyFramesEncoded'),
        pliCount: n('pliCount'),
        frameWidth: n('frameWidth'),
        frameHeight: n('frameHeight'),
        active: s.active !== false,
      });
    });
  }
  const lite = (window as unknown as Record<string, { totals(): LiteSendTotals } | undefined>)[global]?.totals();
  return { layers, lite };
}

/** In the receiver's page: inbound-rtp of every received video stream. */
async function readReceiver(): Promise<InboundVideo[]> {
  const pc = (window as unknown as { APP: { conference: { getPeerConnection(): RTCPeerConnection | undefined } } }).APP.conference.getPeerConnection();
  const out: InboundVideo[] = [];
  if (pc === undefined) return out;
  (await pc.getStats()).forEach((s: Record<string, unknown>) => {
    if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
    const n = (k: string): number => (typeof s[k] === 'number' ? (s[k]) : 0);
    out.push({
      ssrc: n('ssrc'),
      framesReceived: n('framesReceived'),
      framesDecoded: n('framesDecoded'),
      framesDropped: n('framesDropped'),
      keyFramesDecoded: n('keyFramesDecoded'),
      freezeCount: n('freezeCount'),
      pliCount: n('pliCount'),
      firCount: n('firCount'),
      packetsLost: n('packetsLost'),
      frameHeight: n('frameHeight'),
    });
  });
  return out;
}

const say = (line: string): void => void process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const f = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const message = (error: unknown): string => (error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error));

function plannedBot(id: string, conference: string, index: number, role: 'sender' | 'receiver'): PlannedBot {
  return { id, index, conference, conferenceIndex: 0, participantIndex: index, role, mode: 'full', startOffsetMs: 0 };
}

/** Opens the meeting page as `bot`, passes the prejoin screen and waits until joined. */
async function joinMeeting(
  page: Page,
  url: string,
  bot: PlannedBot,
  view: { width: number; height: number; lastN?: number },
  timeoutMs: number,
  config: Record<string, boolean> = {},
): Promise<void> {
  const target: JitsiLikeTarget = { kind: 'testbed', url, config };
  await page.goto(meetingUrlFor(target, bot, bot.id, { viewport: { width: view.width, height: view.height }, tileView: true, ...(view.lastN === undefined ? {} : { lastN: view.lastN }) }), { timeout: timeoutMs });
  await page.fill(PREJOIN_NAME_INPUT, bot.id, { timeout: timeoutMs });
  await page.click(PREJOIN_JOIN_BUTTON, { timeout: timeoutMs });
  await page.waitForFunction(() => (window as unknown as { APP: { conference: { isJoined(): boolean } } }).APP.conference.isJoined(), undefined, { timeout: timeoutMs });
}

/** The driver: one browser with N sender contexts of one way; answers `count`, ends on `stop`. */
async function driver(config: DriverConfig): Promise<void> {
  const send = (m: DriverMessage): void => void process.send?.(m);
  const { media } = config;
  const browser: Browser = await chromium.launch({
    executablePath: config.executablePath,
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${media.videoPath}`, `--use-file-for-fake-audio-capture=${media.audioPath}`],
  });
  const pages: Page[] = [];
  const stop = async (): Promise<void> => {
    await browser.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('disconnect', () => void stop());
  process.on('message', (m: { type: string }) => {
    if (m.type === 'stop') void stop();
    if (m.type === 'count') {
      void Promise.all(pages.map((p) => p.evaluate(readSender, LITE_SENDER_GLOBAL))).then(
        (senders) => send({ type: 'counts', senders }),
        (error: unknown) => send({ type: 'failed', message: `reading sender stats: ${message(error)}` }),
      );
    }
  });
  try {
    let script: string | undefined;
    let clipInfo: Extract<DriverMessage, { type: 'ready' }>['clip'];
    if (config.way === 'still' || config.way === 'lite') {
      let clip: SenderClip = { width: media.width, height: media.height, fps: media.fps, layers: [] };
      if (config.way === 'lite') {
        // Once per agent and media profile, in the senders' browser (its fake camera is the profile).
        const started = performance.now();
        clip = await encodeClipIn(await browser.newContext(), { ...clipRequestFor(media), frames: config.clipFrames });
        const encodeMs = performance.now() - started;
        clipInfo = {
          encodeMs,
          layers: clip.layers.map((l) => {
            const bytes = l.frames.reduce((n, fr) => n + (fr.data.length * 3) / 4, 0);
            return { width: l.width, height: l.height, frames: l.frames.length, kbps: (bytes * 8 * media.fps) / l.frames.length / 1000, keyBytes: ((l.frames[0]?.data.length ?? 0) * 3) / 4 };
          }),
        };
      }
      script = liteSenderScript(clip);
    }
    const started = performance.now();
    await Promise.all(
      Array.from({ length: config.senders }, async (_, i) => {
        const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
        if (script !== undefined) await context.addInitScript({ content: script });
        const page = await context.newPage();
        page.on('pageerror', (error) => process.stderr.write(`[sender s${i}] page error: ${message(error)}\n`));
        page.on('console', (m) => {
          if (m.type() === 'error' || m.type() === 'warning') process.stderr.write(`[sender s${i}] console ${m.type()}: ${m.text()}\n`);
        });
        pages.push(page);
        await joinMeeting(page, config.url, plannedBot(`s${i}`, config.room, i, 'sender'), { width: 640, height: 360, lastN: 0 }, config.joinTimeoutMs, config.way === 'audio' ? { startWithVideoMuted: true } : {});
      }),
    );
    send({ type: 'ready', joinMs: performance.now() - started, ...(clipInfo === undefined ? {} : { clip: clipInfo }) });
  } catch (error) {
    send({ type: 'failed', message: message(error) });
    await stop();
  }
}

if (process.argv[2] === 'driver') {
  await driver(JSON.parse(process.argv[3] ?? '{}') as DriverConfig);
} else {
  await main();
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({
    options: {
      senders: { type: 'string', default: '3' },
      video: { type: 'string', default: '640x360@15' },
      seconds: { type: 'string', default: '20' },
      'clip-frames': { type: 'string', default: '120' },
      ways: { type: 'string', default: 'full,still,lite' },
      browser: { type: 'string', default: 'headless-shell' },
      'join-timeout': { type: 'string', default: '45' },
      budget: { type: 'string', default: '420' },
    },
  });
  const fail = (text: string): never => {
    process.stderr.write(`shared-encoder: ${text}\n`);
    process.exit(2);
  };
  const senders = Number(args.senders);
  const seconds = Number(args.seconds);
  const clipFrames = Number(args['clip-frames']);
  const video = /^(\d+)x(\d+)@(\d+)$/.exec(args.video);
  if (!(Number.isInteger(senders) && senders >= 1 && senders <= 8)) fail(`--senders must be 1 to 8; got ${args.senders}`);
  if (!(seconds >= 5)) fail(`--seconds must be >= 5; got ${args.seconds}`);
  if (!(Number.isInteger(clipFrames) && clipFrames >= 8)) fail(`--clip-frames must be an integer >= 8; got ${args['clip-frames']}`);
  if (video === null) return fail(`--video must look like 640x360@15; got ${args.video}`);
  if (args.browser !== 'headless-shell' && args.browser !== 'chromium') fail(`--browser must be headless-shell or chromium; got ${args.browser}`);
  const ways = args.ways.split(',').map((w) => w.trim()) as WayName[];
  for (const w of ways) if (!(w in WAY_LABELS)) fail(`unknown way "${w}" in --ways; available: ${Object.keys(WAY_LABELS).join(', ')}`);
  const [width, height, fps] = [Number(video[1]), Number(video[2]), Number(video[3])];
  const executablePath = args.browser === 'chromium' ? DEFAULT_CHROMIUM_PATH : HEADLESS_SHELL_PATH;
  const joinTimeoutMs = Number(args['join-timeout']) * 1000;

  const logger: Logger = {
    log: (level, text, fields) => {
      if (level === 'warn' || level === 'error') process.stderr.write(`[testbed] ${level}: ${text} ${fields === undefined ? '' : JSON.stringify(fields)}\n`);
    },
  };
  const benchStarted = performance.now();
  const progress = (line: string): void => say(`[+${f((performance.now() - benchStarted) / 1000, 1)} s] ${line}`);
  const abort = new AbortController();
  const budgetTimer = setTimeout(() => abort.abort(new Error(`the whole bench exceeded its budget of ${args.budget} s (--budget)`)), Number(args.budget) * 1000);
  process.on('SIGINT', () => abort.abort(new Error('interrupted')));
  process.on('SIGTERM', () => abort.abort(new Error('terminated')));
  const aborted = new Promise<never>((_, reject) => abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true }));
  aborted.catch(() => undefined);
  const bounded = <T>(what: string, p: Promise<T>, ms: number): Promise<T> =>
    Promise.race([p, aborted, sleep(ms).then(() => Promise.reject(new Error(`${what} took longer than ${ms / 1000} s`)))]);

  const pressure = async (): Promise<string> => {
    const psi = await readFile('/proc/pressure/cpu', 'utf8').catch(() => '');
    return `load ${loadavg()[0]?.toFixed(1) ?? '?'}, CPU pressure ${/^some avg10=([\d.]+)/m.exec(psi)?.[1] ?? 'n/a'} %`;
  };

  interface Phase {
    seconds: number;
    receiver: InboundVideo[];
  }
  interface WayResult {
    way: WayName;
    usage: TreeUsage;
    joinMs: number;
    clip: Extract<DriverMessage, { type: 'ready' }>['clip'];
    /** Sender counters before and after the window. */
    sendersBefore: SenderCounts[];
    sendersAfter: SenderCounts[];
    window: Phase;
    /** The receiver over the layer switches: down, then up. */
    switching: Phase & { downMs: number | undefined; upMs: number | undefined; heights: string };
    bridge: BridgeLoad;
    conditions: string;
  }

  const diff = (after: InboundVideo[], before: InboundVideo[]): InboundVideo[] =>
    after.map((a) => {
      const b = before.find((x) => x.ssrc === a.ssrc);
      const d = (k: keyof InboundVideo): number => a[k] - (b?.[k] ?? 0);
      return {
        ssrc: a.ssrc,
        framesReceived: d('framesReceived'),
        framesDecoded: d('framesDecoded'),
        framesDropped: d('framesDropped'),
        keyFramesDecoded: d('keyFramesDecoded'),
        freezeCount: d('freezeCount'),
        pliCount: d('pliCount'),
        firCount: d('firCount'),
        packetsLost: d('packetsLost'),
        frameHeight: a.frameHeight,
      };
    });

  const countSenders = (child: ChildProcess): Promise<SenderCounts[]> =>
    bounded(
      'reading the senders',
      new Promise<SenderCounts[]>((resolve, reject) => {
        const onMessage = (m: DriverMessage): void => {
          if (m.type === 'counts' || m.type === 'failed') {
            child.off('message', onMessage);
            if (m.type === 'counts') resolve(m.senders);
            else reject(new Error(m.message));
          }
        };
        child.on('message', onMessage);
        child.send({ type: 'count' });
      }),
      15_000,
    );


  async function runWay(way: WayName, index: number, testbed: Testbed, receiverBrowser: Browser, media: Media): Promise<WayResult> {
    const room = `sharedenc-${index + 1}-${way}`;
    const config: DriverConfig = { way, url: testbed.url, room, senders, media, executablePath, clipFrames, joinTimeoutMs };
    const child = fork(new URL(import.meta.url), ['driver', JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let lastTree: ProcStat[] = [];
    const receiverContext = await receiverBrowser.newContext({ viewport: { width: 1280, height: 720 } });
    try {
      progress(`${way}: senders joining`);
      const ready = await bounded(
        `${way}: senders joining`,
        new Promise<Extract<DriverMessage, { type: 'ready' }>>((resolve, reject) => {
          child.once('message', (m: DriverMessage) => (m.type === 'ready' ? resolve(m) : reject(new Error(m.type === 'failed' ? m.message : `driver sent ${m.type}`))));
          child.once('exit', (code) => reject(new Error(`driver exited (${code}) before ready`)));
        }),
        joinTimeoutMs + 150_000,
      );
      const page = await receiverContext.newPage();
      await joinMeeting(page, testbed.url, plannedBot('receiver', room, senders, 'receiver'), { width: 1280, height: 720 }, joinTimeoutMs);
      // Ready when every sender's video decodes at the receiver and the heights settled (2 s unchanged).
      let last = '';
      let stableSince = performance.now();
      await bounded(
        `${way}: the receiver decoding all ${senders} senders`,
        (async () => {
          for (;;) {
            const a = await page.evaluate(readReceiver);
            await sleep(1000);
            const b = await page.evaluate(readReceiver);
            const decoding = diff(b, a).filter((s) => s.framesDecoded > 0);
            const heights = b.map((s) => s.frameHeight).sort().join(',');
            if (heights !== last) stableSince = performance.now();
            last = heights;
            if (decoding.length >= (way === 'audio' ? 0 : senders) && performance.now() - stableSince >= 2000) return;
          }
        })(),
        60_000,
      );
      progress(`${way}: receiver decodes all senders at heights ${last}; measuring ${seconds} s`);
      lastTree = processTree(child.pid as number, await readAllProcStats());
      const sendersBefore = await countSenders(child);
      const receiverBefore = await page.evaluate(readReceiver);
      const bridgeBefore = await bridgeTotals(testbed);
      const samples: TreeSample[] = [];
      const pss: PssSample[] = [];
      const started = performance.now();
      for (let i = 0; i <= seconds; i++) {
        await Promise.race([sleep(Math.max(0, started + i * 1000 - performance.now())), aborted]);
        const sample = await sampleTree(child.pid as number);
        if (sample.procs.length === 0) throw new Error(`${way}: the driver exited during the window`);
        samples.push(sample);
        lastTree = sample.procs;
        if (i % 5 === 2) pss.push(await samplePss(sample));
      }
      const windowSeconds = (performance.now() - started) / 1000;
      const bridgeAfter = await bridgeTotals(testbed);
      const receiverAfter = await page.evaluate(readReceiver);
      const sendersAfter = await countSenders(child);
      const conditions = await pressure();
      // Layer switching: a small window makes the receiver ask for small tiles, then a large one again.
      const heightsNow = async (): Promise<number[]> => (await page.evaluate(readReceiver)).map((s) => s.frameHeight);
      const settled = (await heightsNow()).join(',');
      const switchStarted = performance.now();
      const waitHeights = async (pred: (hs: number[]) => boolean): Promise<number | undefined> => {
        const from = performance.now();
        while (performance.now() - from < 20_000) {
          if (pred(await heightsNow())) return performance.now() - from;
          await sleep(250);
        }
        return undefined;
      };
      const top = Math.max(...(await heightsNow()));
      let downMs: number | undefined;
      let upMs: number | undefined;
      let down = '';
      if (way !== 'audio') {
        await page.setViewportSize({ width: 240, height: 135 });
        downMs = await waitHeights((hs) => hs.length >= senders && hs.every((h) => h > 0 && h < top));
        down = (await heightsNow()).join(',');
        await page.setViewportSize({ width: 1280, height: 720 });
        upMs = await waitHeights((hs) => hs.length >= senders && hs.every((h) => h >= top));
        await sleep(2000);
      }
      const receiverSwitched = await page.evaluate(readReceiver);
      return {
        way,
        usage: summarize(samples, pss),
        joinMs: ready.joinMs,
        clip: ready.clip,
        sendersBefore,
        sendersAfter,
        window: { seconds: windowSeconds, receiver: diff(receiverAfter, receiverBefore) },
        switching: {
          seconds: (performance.now() - switchStarted) / 1000,
          receiver: diff(receiverSwitched, receiverAfter),
          downMs,
          upMs,
          heights: `${settled} -> ${down} -> ${receiverSwitched.map((s) => s.frameHeight).join(',')}`,
        },
        bridge: bridgeLoad(bridgeBefore, bridgeAfter),
        conditions,
      };
    } finally {
      await receiverContext.close().catch(() => undefined);
      await reapTree(child, lastTree, 15_000);
      progress(`${way}: senders gone`);
    }
  }

  const MB = 2 ** 20;
  const report = (results: WayResult[]): void => {
    const base = results.find((r) => r.way === 'full');
    const perSender = (r: WayResult): { cores: number; pss: number } => ({ cores: (r.usage.childCores + r.usage.rootCores) / senders, pss: (r.usage.childPssBytes + r.usage.rootPssBytes) / senders / MB });
    say('');
    say(`${senders} senders per way, ${width}x${height}@${fps} fake camera + audio, Chromium's VP8 simulcast (Jitsi's encodings), ${seconds} s window; counted: the senders' driver process and its browser`);
    say('');
    say('| way | cores/sender | PSS MB/sender | vs full: CPU, memory | join s | conditions at end |');
    say('|---|---|---|---|---|---|');
    for (const r of results) {
      const p = perSender(r);
      const b = base === undefined ? undefined : perSender(base);
      say(`| ${WAY_LABELS[r.way]} | ${f(p.cores, 3)} | ${f(p.pss, 0)} | ${b === undefined ? 'n/a' : `${f(b.cores / p.cores, 2)}x, ${f(b.pss / p.pss, 2)}x`} | ${f(r.joinMs / 1000, 1)} | ${r.conditions} |`);
    }
    say('');
    say('wire traffic per simulcast layer over the window, summed over the senders (outbound-rtp: payload kbps, packets/s, frames/s, keyframes; PLIs the senders got):');
    say('');
    say('| way | layer | resolution | kbps | packets/s | fps | keyframes | PLIs | vs full kbps, packets |');
    say('|---|---|---|---|---|---|---|---|---|');
    const layerRates = (r: WayResult): Map<string, { res: string; kbps: number; pps: number; fps: number; keys: number; plis: number }> => {
      const out = new Map<string, { res: string; kbps: number; pps: number; fps: number; keys: number; plis: number }>();
      r.sendersAfter.forEach((s, i) => {
        for (const l of s.layers) {
          const b = r.sendersBefore[i]?.layers.find((x) => x.rid === l.rid);
          const cur = out.get(l.rid) ?? { res: '', kbps: 0, pps: 0, fps: 0, keys: 0, plis: 0 };
          cur.res = l.frameWidth > 0 ? `${l.frameWidth}x${l.frameHeight}` : cur.res || 'off';
          cur.kbps += ((l.bytesSent - (b?.bytesSent ?? 0)) * 8) / 1000 / r.window.seconds;
          cur.pps += (l.packetsSent - (b?.packetsSent ?? 0)) / r.window.seconds;
          cur.fps += (l.framesEncoded - (b?.framesEncoded ?? 0)) / r.window.seconds;
          cur.keys += l.keyFramesEncoded - (b?.keyFramesEncoded ?? 0);
          cur.plis += l.pliCount - (b?.pliCount ?? 0);
          out.set(l.rid, cur);
        }
      });
      return out;
    };
    const baseLayers = base === undefined ? undefined : layerRates(base);
    for (const r of results) {
      for (const [rid, l] of [...layerRates(r)].sort(([a], [b]) => a.localeCompare(b))) {
        const b = baseLayers?.get(rid);
        say(`| ${r.way} | ${rid} | ${l.res} | ${f(l.kbps, 0)} | ${f(l.pps, 0)} | ${f(l.fps, 1)} | ${l.keys} | ${l.plis} | ${b === undefined ? 'n/a' : `${f(l.kbps / b.kbps, 2)}, ${f(l.pps / b.pps, 2)}`} |`);
      }
    }
    say('');
    say('| way | bridge down kbps | up kbps | packets/s down | up | keyframes at bridge | vs full (max deviation) |');
    say('|---|---|---|---|---|---|---|');
    for (const r of results) {
      const v = [r.bridge.downloadKbps, r.bridge.uploadKbps, r.bridge.packetRateDownload, r.bridge.packetRateUpload];
      const bv = base === undefined ? v : [base.bridge.downloadKbps, base.bridge.uploadKbps, base.bridge.packetRateDownload, base.bridge.packetRateUpload];
      const dev = Math.max(...v.map((x, i) => Math.abs(x / (bv[i] ?? x) - 1)));
      say(`| ${r.way} | ${f(r.bridge.downloadKbps, 0)} | ${f(r.bridge.uploadKbps, 0)} | ${f(r.bridge.packetRateDownload, 0)} | ${f(r.bridge.packetRateUpload, 0)} | ${r.bridge.keyframesReceived} | ${f(dev * 100, 1)} % |`);
    }
    say('');
    say('the full receiver (tile view, all senders), over the window and then over the layer switches (window 1280x720 -> 240x135 -> 1280x720):');
    say('');
    say('| way | phase | frames received | decoded | decoded/received | dropped | keyframes decoded | freezes | PLIs+FIRs sent | packets lost | heights | switch down, up s |');
    say('|---|---|---|---|---|---|---|---|---|---|---|---|');
    const sum = (list: InboundVideo[], k: keyof InboundVideo): number => list.reduce((n, s) => n + s[k], 0);
    for (const r of results) {
      for (const [phase, p] of [['window', r.window], ['switches', r.switching]] as const) {
        const rec = sum(p.receiver, 'framesReceived');
        const dec = sum(p.receiver, 'framesDecoded');
        const heights = phase === 'window' ? p.receiver.map((s) => s.frameHeight).join(',') : r.switching.heights;
        const sw = phase === 'window' ? '' : `${r.switching.downMs === undefined ? 'no switch' : f(r.switching.downMs / 1000, 1)}, ${r.switching.upMs === undefined ? 'no switch' : f(r.switching.upMs / 1000, 1)}`;
        say(`| ${r.way} | ${phase} ${f(p.seconds, 0)} s | ${rec} | ${dec} | ${f(dec / rec, 3)} | ${sum(p.receiver, 'framesDropped')} | ${sum(p.receiver, 'keyFramesDecoded')} | ${sum(p.receiver, 'freezeCount')} | ${sum(p.receiver, 'pliCount') + sum(p.receiver, 'firCount')} | ${sum(p.receiver, 'packetsLost')} | ${heights} | ${sw} |`);
      }
    }
    for (const r of results) {
      const lite = r.sendersAfter.map((s) => s.lite).filter((x): x is LiteSendTotals => x !== undefined);
      if (lite.length === 0) continue;
      const t = (k: keyof LiteSendTotals): number => lite.reduce((n, x) => n + x[k], 0);
      say(
        `${r.way} transforms (all senders, since join): ${t('substituted')} frames substituted, ${t('passedThrough')} passed through, ${t('ownKeyframes')} own keyframes, ${t('loops')} clip loops, ${t('temporalMismatches')} temporal-index mismatches, own ${f(t('bytesIn') / 1000, 0)} kB -> sent ${f(t('bytesOut') / 1000, 0)} kB, ${t('untransformed')} senders untransformed`,
      );
    }
    for (const r of results) {
      if (r.clip === undefined) continue;
      say(`${r.way} clip: encoded once in ${f(r.clip.encodeMs / 1000, 1)} s: ${r.clip.layers.map((l) => `${l.width}x${l.height} ${l.frames} frames ${f(l.kbps, 0)} kbps (keyframe ${f(l.keyBytes / 1000, 1)} kB)`).join('; ')}`);
    }
  };

  const results: WayResult[] = [];
  let testbed: Testbed | undefined;
  let receiverBrowser: Browser | undefined;
  let exitCode = 0;
  try {
    say(`shared-encoder: ${senders} senders, ways ${ways.join(', ')}, ${seconds} s windows, ${args.browser}; start: ${await pressure()}`);
    const cacheDir = defaultMediaCacheDir();
    const [videoFile, audioFile] = await Promise.all([ensureFakeVideo({ width, height, fps, cacheDir }), ensureFakeAudio(cacheDir)]);
    testbed = await startTestbed({ logger, signal: abort.signal });
    receiverBrowser = await chromium.launch({ executablePath: DEFAULT_CHROMIUM_PATH, args: [...CHROMIUM_ARGS] });
    const media: Media = { width, height, fps, videoPath: videoFile.path, audioPath: audioFile.path };
    for (const [i, way] of ways.entries()) results.push(await runWay(way, i, testbed, receiverBrowser, media));
    report(results);
  } catch (error) {
    exitCode = 1;
    if (results.length > 0) report(results);
    say('');
    say(`shared-encoder FAILED: ${message(error)}`);
  } finally {
    clearTimeout(budgetTimer);
    await receiverBrowser?.close().catch(() => undefined);
    await testbed?.stop();
  }
  process.exit(exitCode);
}
