/**
 * The child process of `bots-per-core`: runs one way of driving the bots, so that its process tree
 * (this Node process plus the browsers it launches) is exactly what the parent measures, and the
 * testbed and the sampler (in the parent) are not in it.
 * Protocol over the IPC channel: the parent passes a DriverConfig as argv[2]; this process joins
 * every bot, checks each one decodes every other bot's video, and sends `ready` (or `failed`, then
 * exits); on `stop` (or when the parent goes away) it closes its browsers and exits.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BotMode, Logger, PlannedBot } from '../packages/core/dist/index.js';
import { CHROMIUM_ARGS, meetingUrlFor, WorkerShare, type JitsiLikeTarget } from '../packages/agents/dist/index.js';
import { PREJOIN_JOIN_BUTTON, PREJOIN_NAME_INPUT } from '../packages/jitsi/dist/index.js';
import { chromium, type Browser, type CDPSession, type Page } from './playwright.js';

/** `script`: a browser per bot; `agent`: jlt's WorkerShare; `bare`: one browser, bare WebRTC pages. */
export type WayKind = 'script' | 'agent' | 'bare';

export interface DriverConfig {
  kind: WayKind;
  /** Stats probe interval for `agent`; 0 means no collection (the interval is set beyond any window). */
  statsIntervalMs: number;
  /** Grafana Faro in the `agent` bots' pages (the cheap-bot default is on). */
  faro: boolean;
  /** The browser: the script and bare ways and `agent` use chromium, the other agent ways may use the headless shell. */
  executablePath: string;
  /** Bot mode per role for the agent ways (jlt's `bots.mode`). */
  modes: { senders: BotMode; receivers: BotMode };
  url: string;
  /** Room prefix; conference k is `<room>-c<k>`. */
  room: string;
  conferences: number;
  participants: number;
  /** Senders per conference (the first participants); the rest join receive-only. */
  senders: number;
  media: { width: number; height: number; fps: number; videoPath: string; audioPath: string; cacheDir: string };
  joinTimeoutMs: number;
  verifyTimeoutMs: number;
}

export interface BotCheck {
  bot: string;
  joined: boolean;
  /** Remote video streams whose framesDecoded rose during the check. */
  decodingStreams: number;
  problem?: string;
}

/** Frames decoded (all remote videos) and encoded (own video), summed over the bots' pages that could be read. */
export interface FrameCounts {
  decoded: number;
  encoded: number;
  /** Inbound video: packets lost, frames dropped, keyframe requests (PLI) sent, freezes. */
  lost: number;
  dropped: number;
  plis: number;
  freezes: number;
  /** Outbound video: keyframes encoded. */
  keyframesEncoded: number;
  unreadable: number;
  /** Main-thread task time of the bots' renderers since each page opened (CDP Performance.getMetrics TaskDuration), ms. */
  pageMainThreadMs: number;
}

type FrameTotals = Omit<FrameCounts, 'unreadable' | 'pageMainThreadMs'>;

/** Parent → driver: `count` (answered with `counts`), `stop`. */
export type DriverMessage =
  | { type: 'ready'; joinMs: number; checks: BotCheck[] }
  | { type: 'failed'; message: string; checks: BotCheck[] }
  | { type: 'counts'; counts: FrameCounts };

/** What a quick Puppeteer-style script passes: the project's base flags (without the pool's autoplay tweak) and the fake-capture files. */
const QUICK_SCRIPT_ARGS = CHROMIUM_ARGS.filter((arg) => !arg.startsWith('--autoplay-policy'));

/** Longest browser and Node timer; a probe at this interval collects nothing within a bench window. */
const NEVER_MS = 2 ** 31 - 1;

interface Running {
  pages: Map<string, Page>;
  /** Bots that failed to join, with the reason. */
  failures: Map<string, string>;
  close(): Promise<void>;
}

const config = JSON.parse(process.argv[2] ?? '{}') as DriverConfig;
const logger: Logger = {
  log: (level, message, fields) => {
    if (level === 'warn' || level === 'error') process.stderr.write(`[${config.kind}] ${level}: ${message} ${fields === undefined ? '' : JSON.stringify(fields)}\n`);
  },
};

function plannedBots(): PlannedBot[] {
  const bots: PlannedBot[] = [];
  for (let c = 0; c < config.conferences; c++) {
    for (let p = 0; p < config.participants; p++) {
      const role = p < config.senders ? 'sender' : 'receiver';
      bots.push({
        id: `c${c}-p${p}`,
        index: bots.length,
        conference: `${config.room}-c${c}`,
        conferenceIndex: c,
        participantIndex: p,
        role,
        mode: role === 'sender' ? config.modes.senders : config.modes.receivers,
        startOffsetMs: role === 'sender' ? 0 : RECEIVERS_AFTER_MS,
      });
    }
  }
  return bots;
}

/** Remote videos a bot receives: every sender of its conference but itself. */
const remoteVideosOf = (bot: PlannedBot): number => config.senders - (bot.role === 'sender' ? 1 : 0);

const target: JitsiLikeTarget = { kind: 'testbed', url: config.url };
const mediaArgs = (): string[] => [`--use-file-for-fake-video-capture=${config.media.videoPath}`, `--use-file-for-fake-audio-capture=${config.media.audioPath}`];
const message = (error: unknown): string => (error instanceof Error ? (error.message.split('\n')[0] ?? error.name) : String(error));

/**
 * Receivers join once the senders have, as in the runs bench/README.md records. That was first a
 * workaround: the testbed offered a receive-only page that joined before any sender no media section
 * at all, which Chromium rejects under max-bundle, so the page never answered (fixed in the testbed's
 * LocalEndpoint); it is kept so new figures compare with the recorded ones.
 */
const RECEIVERS_AFTER_MS = 3_000;

/** Senders join at once; receivers join at once after them (the agent way does the same by start offsets). */
async function settle(bots: PlannedBot[], join: (bot: PlannedBot) => Promise<Page>): Promise<Pick<Running, 'pages' | 'failures'>> {
  const senders = bots.filter((bot) => bot.role === 'sender');
  const receivers = bots.filter((bot) => bot.role === 'receiver');
  const sent = await Promise.allSettled(senders.map((bot) => join(bot)));
  if (receivers.length > 0) await new Promise((resolve) => setTimeout(resolve, RECEIVERS_AFTER_MS));
  const results = [...sent, ...(await Promise.allSettled(receivers.map((bot) => join(bot))))];
  const order = [...senders, ...receivers];
  const pages = new Map<string, Page>();
  const failures = new Map<string, string>();
  results.forEach((r, i) => {
    const id = (order[i] as PlannedBot).id;
    if (r.status === 'fulfilled') pages.set(id, r.value);
    else failures.set(id, message(r.reason));
  });
  return { pages, failures };
}

/** (a) A separate Chromium per bot, its default page, the meeting URL jlt opens, prejoin by hand. */
async function startScript(bots: PlannedBot[]): Promise<Running> {
  const browsers: Browser[] = [];
  const joined = await settle(bots, async (bot) => {
    const browser = await chromium.launch({ executablePath: config.executablePath, args: [...QUICK_SCRIPT_ARGS, ...mediaArgs()] });
    browsers.push(browser);
    const page = await browser.newPage();
    // Playwright's default page size, with Jitsi's own tile view and last-N.
    await page.goto(meetingUrlFor(target, bot, bot.id, { viewport: { width: 1280, height: 720 }, tileView: true }), { timeout: config.joinTimeoutMs });
    await page.fill(PREJOIN_NAME_INPUT, bot.id, { timeout: config.joinTimeoutMs });
    await page.click(PREJOIN_JOIN_BUTTON, { timeout: config.joinTimeoutMs });
    await page.waitForFunction(() => (window as unknown as { APP: { conference: { isJoined(): boolean } } }).APP.conference.isJoined(), undefined, { timeout: config.joinTimeoutMs });
    return page;
  });
  return { ...joined, close: async () => void (await Promise.all(browsers.map((b) => b.close().catch(() => undefined)))) };
}

/** (b) jlt's agent: WorkerShare with its own BrowserPool, cheap-bot defaults, stats probe at the given interval. */
async function startAgent(bots: PlannedBot[]): Promise<Running> {
  const controller = new AbortController();
  const artifactsDir = await mkdtemp(join(tmpdir(), 'jlt-bench-bots-'));
  const failures = new Map<string, string>();
  let samples = 0;
  const share = new WorkerShare({
    bots,
    target,
    media: { video: { width: config.media.width, height: config.media.height, fps: config.media.fps }, audio: true },
    tags: { scenario: 'bots-per-core', agent: 'bench' },
    clock: { toCoordinatorTime: (ms) => ms },
    // A real agent batches these onto its WebSocket; the bench counts them (that cost is not measured).
    sink: {
      samples: (s) => void (samples += s.length),
      events: () => undefined,
      botState: (id, state, info) => {
        if (state === 'failed' || state === 'crashed') failures.set(id, `${state}: ${info.reason ?? ''}`);
      },
    },
    signal: controller.signal,
    logger,
    artifactsDir,
    mediaCacheDir: config.media.cacheDir,
    statsIntervalMs: config.statsIntervalMs > 0 ? config.statsIntervalMs : NEVER_MS,
    joinPolicy: { timeoutMs: config.joinTimeoutMs, retries: 0 },
    botOptions: { faro: config.faro },
    // The bench measures what bots cost; the admission budget must not refuse them first.
    poolOptions: { executablePath: config.executablePath, budget: { coresPerBot: 0.01, memoryBytesPerBot: 2 ** 20 } },
  });
  const close = async (): Promise<void> => {
    await share.stop('bench window over');
    await rm(artifactsDir, { recursive: true, force: true });
    logger.log('debug', 'agent share closed', { samples });
  };
  try {
    await share.prepare();
  } catch (error) {
    await close();
    throw error;
  }
  share.start(Date.now(), Number.POSITIVE_INFINITY);
  const deadline = Date.now() + config.joinTimeoutMs + 5_000;
  while (share.activeBots() + failures.size < bots.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  const pages = new Map<string, Page>();
  for (const bot of bots) {
    const running = share.bot(bot.id);
    if (running?.state === 'joined' && running.page !== undefined) pages.set(bot.id, running.page);
    else if (!failures.has(bot.id)) failures.set(bot.id, `not joined within ${config.joinTimeoutMs} ms (state ${running?.state ?? 'not started'})`);
  }
  return { pages, failures, close };
}

interface BareArgs {
  room: string;
  /** Send camera and microphone (a sender) or receive only. */
  send: boolean;
  name: string;
  width: number;
  height: number;
  fps: number;
  timeoutMs: number;
}

/**
 * Runs in the testbed's script-free index page: the testbed's signalling and nothing else. Sends
 * camera and microphone (no audio processing), answers every offer, plays remote audio in muted
 * elements as the meeting page does, holds remote video tracks without a sink. Resolves with the
 * endpoint id once the focus says joined.
 */
function bareJoin(args: BareArgs): Promise<string> {
  interface ServerMessage {
    type: string;
    endpointId?: string;
    sdp?: string;
    code?: string;
    message?: string;
  }
  const media = args.send
    ? navigator.mediaDevices.getUserMedia({
        audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false },
        video: { width: { ideal: args.width }, height: { ideal: args.height }, frameRate: { ideal: args.fps } },
      })
    : Promise.resolve(new MediaStream());
  return media.then(
      (stream) =>
        new Promise<string>((resolve, reject) => {
          const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
          for (const track of stream.getTracks()) pc.addTrack(track, stream);
          const held: MediaStreamTrack[] = [];
          pc.addEventListener('track', (event) => {
            if (event.track.kind !== 'audio') {
              held.push(event.track);
              return;
            }
            const el = document.createElement('audio');
            el.muted = true;
            el.autoplay = true;
            el.srcObject = new MediaStream([event.track]);
            document.body.append(el);
          });
          const ws = new WebSocket(`ws://${location.host}/xmpp-websocket`);
          (window as unknown as Record<string, unknown>).__benchBare = { pc, ws, stream, held };
          const timer = setTimeout(() => reject(new Error(`no "joined" from the focus within ${args.timeoutMs} ms`)), args.timeoutMs);
          let queue = Promise.resolve();
          ws.addEventListener('message', (event) => {
            const msg = JSON.parse(String(event.data)) as ServerMessage;
            queue = queue
              .then(async () => {
                if (msg.type === 'joined') {
                  clearTimeout(timer);
                  resolve(msg.endpointId ?? '');
                } else if (msg.type === 'offer') {
                  await pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp ?? '' });
                  await pc.setLocalDescription(await pc.createAnswer());
                  ws.send(JSON.stringify({ type: 'answer', sdp: pc.localDescription?.sdp ?? '' }));
                } else if (msg.type === 'error') {
                  reject(new Error(`${msg.code ?? ''}: ${msg.message ?? ''}`));
                }
              })
              .catch(reject);
          });
          ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'join', room: args.room, displayName: args.name, sendAudio: args.send, sendVideo: args.send })));
          ws.addEventListener('error', () => reject(new Error('signalling connection failed')));
        }),
    );
}

/** (c) One Chromium with the pool's flags, one context per bot, the bare WebRTC page. */
async function startBare(bots: PlannedBot[]): Promise<Running> {
  const browser = await chromium.launch({ executablePath: config.executablePath, args: [...CHROMIUM_ARGS, ...mediaArgs()] });
  const joined = await settle(bots, async (bot) => {
    const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
    const page = await context.newPage();
    await page.goto(`${config.url}/`, { timeout: config.joinTimeoutMs });
    const { width, height, fps } = config.media;
    await page.evaluate(bareJoin, { room: bot.conference, send: bot.role === 'sender', name: bot.id, width, height, fps, timeoutMs: config.joinTimeoutMs });
    return page;
  });
  return { ...joined, close: () => browser.close().catch(() => undefined) };
}

/** framesDecoded per inbound video SSRC of the page's PeerConnection (bare page or APP.conference). */
function readFramesDecoded(): Promise<Record<string, number> | null> {
  const w = window as unknown as { __benchBare?: { pc: RTCPeerConnection }; APP?: { conference?: { getPeerConnection?: () => RTCPeerConnection | undefined } } };
  const pc = w.__benchBare?.pc ?? w.APP?.conference?.getPeerConnection?.();
  if (pc === undefined) return Promise.resolve(null);
  return pc.getStats().then((report) => {
    const out: Record<string, number> = {};
    report.forEach((s: { type: string; kind?: string; ssrc?: number; framesDecoded?: number }) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') out[String(s.ssrc)] = s.framesDecoded ?? 0;
    });
    return out;
  });
}

/** framesDecoded of every inbound video and framesEncoded of every outbound video, summed. */
function readFrameTotals(): Promise<FrameTotals | null> {
  const w = window as unknown as { __benchBare?: { pc: RTCPeerConnection }; APP?: { conference?: { getPeerConnection?: () => RTCPeerConnection | undefined } } };
  const pc = w.__benchBare?.pc ?? w.APP?.conference?.getPeerConnection?.();
  if (pc === undefined) return Promise.resolve(null);
  return pc.getStats().then((report) => {
    const totals = { decoded: 0, encoded: 0, lost: 0, dropped: 0, plis: 0, freezes: 0, keyframesEncoded: 0 };
    report.forEach(
      (s: {
        type: string;
        kind?: string;
        framesDecoded?: number;
        framesEncoded?: number;
        keyFramesEncoded?: number;
        packetsLost?: number;
        framesDropped?: number;
        pliCount?: number;
        freezeCount?: number;
      }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'video') {
          totals.decoded += s.framesDecoded ?? 0;
          totals.lost += s.packetsLost ?? 0;
          totals.dropped += s.framesDropped ?? 0;
          totals.plis += s.pliCount ?? 0;
          totals.freezes += s.freezeCount ?? 0;
        }
        if (s.type === 'outbound-rtp' && s.kind === 'video') {
          totals.encoded += s.framesEncoded ?? 0;
          totals.keyframesEncoded += s.keyFramesEncoded ?? 0;
        }
      },
    );
    return totals;
  });
}

const cdpSessions = new WeakMap<Page, Promise<CDPSession>>();

/** The renderer main thread's task time for one page, in ms, through a CDP session kept per page. */
async function mainThreadMs(page: Page): Promise<number> {
  let session = cdpSessions.get(page);
  if (session === undefined) {
    session = page
      .context()
      .newCDPSession(page)
      .then(async (s) => {
        await s.send('Performance.enable');
        return s;
      });
    cdpSessions.set(page, session);
  }
  const { metrics } = await (await session).send('Performance.getMetrics');
  return (metrics.find((m) => m.name === 'TaskDuration')?.value ?? 0) * 1000;
}

async function countFrames(running: Running): Promise<FrameCounts> {
  const counts: FrameCounts = { decoded: 0, encoded: 0, lost: 0, dropped: 0, plis: 0, freezes: 0, keyframesEncoded: 0, unreadable: 0, pageMainThreadMs: 0 };
  await Promise.all(
    [...running.pages.values()].map(async (page) => {
      const [totals, taskMs] = await Promise.all([page.evaluate(readFrameTotals).catch(() => null), mainThreadMs(page).catch(() => null)]);
      if (totals === null || taskMs === null) counts.unreadable++;
      else {
        for (const key of Object.keys(totals) as (keyof FrameTotals)[]) counts[key] += totals[key];
        counts.pageMainThreadMs += taskMs;
      }
    }),
  );
  return counts;
}

/** Polls every page until each decodes every sender's video but its own with framesDecoded rising, or the deadline. */
async function verify(running: Running, bots: PlannedBot[]): Promise<BotCheck[]> {
  const want = new Map(bots.map((bot) => [bot.id, remoteVideosOf(bot)]));
  const first = new Map<string, Record<string, number>>();
  const rising = new Map<string, number>();
  const errors = new Map<string, string>();
  const deadline = Date.now() + config.verifyTimeoutMs;
  for (;;) {
    await Promise.all(
      [...running.pages].map(async ([id, page]) => {
        if ((rising.get(id) ?? 0) >= (want.get(id) ?? 0)) return;
        try {
          const now = await page.evaluate(readFramesDecoded);
          if (now === null) {
            errors.set(id, 'no PeerConnection in the page');
            return;
          }
          const before = first.get(id);
          if (before === undefined) first.set(id, now);
          else rising.set(id, Object.entries(now).filter(([ssrc, frames]) => frames > (before[ssrc] ?? 0)).length);
          errors.delete(id);
        } catch (error) {
          errors.set(id, message(error));
        }
      }),
    );
    const done = [...running.pages.keys()].every((id) => (rising.get(id) ?? 0) >= (want.get(id) ?? 0));
    if (done || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return bots.map((bot) => {
    const failure = running.failures.get(bot.id);
    const decoding = rising.get(bot.id) ?? 0;
    const check: BotCheck = { bot: bot.id, joined: running.pages.has(bot.id), decodingStreams: decoding };
    if (failure !== undefined) check.problem = `did not join: ${failure}`;
    else if (decoding < remoteVideosOf(bot)) check.problem = `decodes ${decoding} of ${remoteVideosOf(bot)} remote videos${errors.has(bot.id) ? ` (${errors.get(bot.id)})` : ''}`;
    return check;
  });
}

const send = (msg: DriverMessage): Promise<void> =>
  new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(msg, undefined, undefined, () => resolve());
  });

let requestStop: () => void = () => undefined;
const stopRequested = new Promise<void>((resolve) => (requestStop = resolve));
let running: Running | undefined;
process.on('message', (msg: { type?: string }) => {
  if (msg.type === 'stop') requestStop();
  if (msg.type === 'count' && running !== undefined) void countFrames(running).then((counts) => send({ type: 'counts', counts }));
});
process.on('disconnect', () => requestStop());

const bots = plannedBots();
const start = { script: startScript, agent: startAgent, bare: startBare }[config.kind];
const joinStarted = Date.now();
try {
  running = await start(bots);
  const joinMs = Date.now() - joinStarted;
  const checks = await verify(running, bots);
  const bad = checks.filter((c) => c.problem !== undefined);
  if (bad.length > 0) {
    await send({ type: 'failed', message: `${bad.length} of ${bots.length} bots not receiving video`, checks });
  } else {
    await send({ type: 'ready', joinMs, checks });
    await stopRequested;
  }
} catch (error) {
  await send({ type: 'failed', message: message(error), checks: [] });
} finally {
  await running?.close();
  process.disconnect?.();
}
