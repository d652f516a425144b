import * as z from 'zod';
import { metricInfo } from '../metrics/names.js';
import { parseThresholdExpression, parseThresholdKey, ThresholdSyntaxError } from '../thresholds/parse.js';
import { collectSchema } from './collect.js';
import { duration, httpUrl, nonEmptyString, nonNegativeInt, positiveInt, unlessMissing } from './fields.js';
import { scenarioOutputEntrySchema } from './outputs.js';
import { targetSchema } from './target.js';

/** VP8, which every WebRTC browser sends, codes width and height in 14 bits; the fake camera is 4:2:0 (even sizes). */
export const MAX_VIDEO_SIDE = 16_382;
/** 8K UHD. The fake camera is a raw clip of 1.5 bytes per pixel per frame: 2 s at 30 fps of 8K is 3 GB already. */
export const MAX_VIDEO_PIXELS = 7680 * 4320;

function videoSide(description: string) {
  return z
    .int({ error: unlessMissing('must be an even integer') })
    .min(2, { error: 'must be an even integer of at least 2' })
    .max(MAX_VIDEO_SIDE, { error: `must be at most ${MAX_VIDEO_SIDE}: VP8 codes frame sizes in 14 bits` })
    .multipleOf(2, {
      error: (issue) => `must be even: the fake camera is 4:2:0 video, whose colour planes are half the width and height (got ${String(issue.input)})`,
    })
    .describe(description);
}

/** A fake camera format: what the agent can generate and every WebRTC browser can encode. */
export const fakeVideoSchema = z
  .strictObject({
    width: videoSide('Fake camera width in pixels (even)').default(1280),
    height: videoSide('Fake camera height in pixels (even)').default(720),
    fps: positiveInt('Fake camera frames per second').default(30),
  })
  .refine((video) => typeof video.width !== 'number' || typeof video.height !== 'number' || video.width * video.height <= MAX_VIDEO_PIXELS, {
    error: (issue) => {
      const video = issue.input as { width: number; height: number };
      return `${video.width}x${video.height} is more than 8K (${MAX_VIDEO_PIXELS} pixels): the raw fake camera clip would take ${Math.round((video.width * video.height * 1.5 * 60) / 1e9)} GB at 30 fps`;
    },
    when: (payload) => payload.issues.length === 0,
  })
  .describe('Fake camera format');

const mediaSchema = z
  .strictObject({
    video: z
      .union([fakeVideoSchema, z.literal(false)])
      .default({ width: 1280, height: 720, fps: 30 })
      .describe('Fake camera (width, height, fps), or false for no video'),
    audio: z.boolean().default(true).describe('Send a fake microphone track'),
  })
  .default({ video: { width: 1280, height: 720, fps: 30 }, audio: true })
  .describe('What senders send');

const faroSchema = z
  .strictObject({
    enabled: z.boolean().default(true).describe("Run Grafana Faro in each bot page: its errors and console warnings become run events"),
    collectorUrl: httpUrl('Also forward every Faro payload, unchanged, to this collector (Grafana Alloy faro.receiver, e.g. http://alloy:12347/collect)').optional(),
  })
  .default({ enabled: true })
  .describe("Grafana Faro in the bot pages: page errors, unhandled rejections, console errors and warnings, web vitals");

export const BOT_MODES = ['full', 'lite'] as const;
export type BotMode = (typeof BOT_MODES)[number];

const botModeSchema = z
  .enum(BOT_MODES, { error: unlessMissing('must be "full" or "lite"') })
  .describe('full: decodes, renders as configured and plays what it receives; lite: joins and loads the bridge the same (same signalling, RTCP, keyframe requests) but hands its decoder placeholders instead of received video and plays no audio');

const modeSchema = z
  .strictObject({
    senders: botModeSchema
      .default('full')
      .describe('lite makes a sender\'s receive side lite (as for receivers); it still encodes and sends its own camera like a full sender, because sending a shared clip instead saved no CPU (bench/README.md, shared-encoder)'),
    receivers: botModeSchema.default('full'),
    probes: nonNegativeInt('Per conference, this many bots are full whatever their role says: the last participants to join (receivers before senders)').default(0),
  })
  .default({ senders: 'full', receivers: 'full', probes: 0 })
  .describe('Bot mode per role: e.g. { receivers: lite } or { senders: lite, receivers: lite, probes: 2 }; lite bots cost a fraction of full ones and their samples carry mode=lite');

export const BOT_BROWSERS = ['headless-shell', 'chromium'] as const;
export type BotBrowser = (typeof BOT_BROWSERS)[number];

const viewportSchema = z
  .strictObject({
    width: positiveInt('Viewport width in CSS pixels').default(640),
    height: positiveInt('Viewport height in CSS pixels').default(360),
  })
  .describe('Page size; small pages make cheap bots. Jitsi Meet sizes its tiles, and so the video it asks the bridge for, from it');

const tileViewSchema = z
  .boolean()
  .describe("Jitsi Meet's tile view: true is its default (tile view from 3 participants), false never shows it (config.disableTileView), so the bot keeps stage view");

const lastNSchema = z
  .int({ error: unlessMissing('must be -1 (no limit) or a non-negative integer') })
  .min(-1, { error: 'must be -1 (no limit) or a non-negative integer' })
  .describe("Jitsi's config.channelLastN: how many remote videos the bridge forwards to this bot (-1: all); Jitsi's default when left out");

const DEFAULT_VIEWPORT = { width: 640, height: 360 };

const botViewOverrideSchema = z
  .strictObject({
    participants: z
      .array(nonNegativeInt("0-based index of a participant in its conference (the bot's participantIndex)"))
      .min(1, { error: 'must list at least one participant index' })
      .describe('Which participants of every conference this applies to, by 0-based index in the conference'),
    viewport: viewportSchema.optional(),
    tileView: tileViewSchema.optional(),
    lastN: lastNSchema.optional(),
  })
  .describe('Viewport, tile view and last-N for some participants of every conference, in place of the bots-wide ones');

const botsSchema = z
  .strictObject({
    browser: z
      .enum(BOT_BROWSERS, { error: unlessMissing('must be "headless-shell" or "chromium"') })
      .default('headless-shell')
      .describe('Browser for bots: Debian\'s chromium-headless-shell (about half the memory per bot) or chromium; an agent without the headless shell falls back to chromium and says so'),
    mode: modeSchema,
    renderRemoteVideo: z
      .boolean()
      .default(false)
      .describe('Decode and paint remote video into the page (costly); receive-only stats work without it'),
    receiverAudioProcessing: z
      .boolean()
      .default(false)
      .describe('Run echo cancellation, noise suppression and gain control on received audio (costly)'),
    viewport: viewportSchema.default(DEFAULT_VIEWPORT),
    tileView: tileViewSchema.default(true),
    lastN: lastNSchema.optional(),
    overrides: z
      .array(botViewOverrideSchema)
      .default([])
      .superRefine(
        (overrides, ctx) => {
          if (!Array.isArray(overrides)) return;
          const claimed = new Map<number, number>();
          overrides.forEach((override: { participants?: unknown } | null, entry) => {
            const participants = override?.participants;
            if (!Array.isArray(participants)) return;
            participants.forEach((index: unknown, position) => {
              if (typeof index !== 'number') return;
              const first = claimed.get(index);
              if (first === undefined) claimed.set(index, entry);
              else ctx.addIssue({ code: 'custom', path: [entry, 'participants', position], message: `participant ${index} is already in overrides[${first}]` });
            });
          });
        },
        { when: () => true },
      )
      .describe('Per participant of every conference: viewport, tileView and lastN that differ from the bots-wide ones (as Jitsi URL config per bot)'),
    faro: faroSchema,
  })
  .default({
    browser: 'headless-shell',
    mode: { senders: 'full', receivers: 'full', probes: 0 },
    renderRemoteVideo: false,
    receiverAudioProcessing: false,
    viewport: DEFAULT_VIEWPORT,
    tileView: true,
    overrides: [],
    faro: { enabled: true },
  })
  .describe('How bots run and what they show; the cheap switches default to the cheap setting');

export type BotsOptions = z.output<typeof botsSchema>;

/** What one bot's page shows: its window size, whether Jitsi Meet may switch to tile view, and its last-N. */
export interface BotView {
  viewport: { width: number; height: number };
  tileView: boolean;
  /** Left out: the target's own (Jitsi's default, or target.config's channelLastN). */
  lastN?: number;
}

/** The view of the bot at `participantIndex` of its conference: the bots-wide one, with the override that lists it. */
export function botView(bots: Pick<BotsOptions, 'viewport' | 'tileView' | 'lastN' | 'overrides'>, participantIndex: number): BotView {
  const override = bots.overrides.find((o) => o.participants.includes(participantIndex));
  const lastN = override?.lastN ?? bots.lastN;
  return {
    viewport: override?.viewport ?? bots.viewport,
    tileView: override?.tileView ?? bots.tileView,
    ...(lastN === undefined ? {} : { lastN }),
  };
}

const joinSchema = z
  .strictObject({
    timeout: duration('How long one join attempt may take').default(60_000),
    retries: nonNegativeInt('Retries after a failed join attempt').default(2),
    retryDelay: duration('Pause before a retry').default(2_000),
  })
  .default({ timeout: 60_000, retries: 2, retryDelay: 2_000 })
  .describe('Join policy; every failed attempt is an event with a screenshot');

const statsSchema = z
  .strictObject({
    interval: duration('How often each page reduces getStats() to one sample').default(1_000),
  })
  .default({ interval: 1_000 })
  .describe('Client-side WebRTC stats');

const placementSchema = z
  .strictObject({
    strategy: z
      .enum(['spread', 'pack'])
      .default('spread')
      .describe('spread: balance bots over agents by capacity; pack: fill one agent before the next'),
    keepConferencesTogether: z
      .boolean()
      .default(true)
      .describe('Place all bots of one conference on one agent where capacity allows'),
    onAgentLoss: z
      .enum(['fail', 'continue', 'redistribute'])
      .default('fail')
      .describe('When an agent misses 3 heartbeats: fail the run, continue (its bots are marked lost), or restart its bots elsewhere'),
  })
  .default({ strategy: 'spread', keepConferencesTogether: true, onAgentLoss: 'fail' })
  .describe('How bots are placed on agents');

const thresholdEntrySchema = z.union([
  nonEmptyString('k6 threshold expression, e.g. p(95)<150'),
  z
    .strictObject({
      threshold: nonEmptyString('k6 threshold expression, e.g. p(95)<150'),
      abortOnFail: z.boolean().optional().describe('End the run as soon as this threshold fails'),
      delayAbortEval: duration('Wait this long into the run before an abortOnFail threshold may abort').optional(),
    })
    .describe('A threshold with abort options'),
]);

/**
 * Keys and expressions are checked here so each problem points at its own line; the scenario keeps
 * the entries as written and `scenarioThresholds` turns them into ThresholdDefinitions.
 */
const thresholdsSchema = z
  .record(z.string(), z.array(thresholdEntrySchema).describe('Expressions that must all hold'))
  .superRefine(
    (thresholds, ctx) => {
      if (typeof thresholds !== 'object' || thresholds === null) return;
      for (const [key, entries] of Object.entries(thresholds)) {
        let metric: string;
        try {
          metric = parseThresholdKey(key).metric;
        } catch (error) {
          if (!(error instanceof ThresholdSyntaxError)) throw error;
          ctx.addIssue({ code: 'custom', path: [key], message: error.message });
          continue;
        }
        if (!Array.isArray(entries)) continue;
        entries.forEach((entry: unknown, index) => {
          const [source, path] =
            typeof entry === 'string'
              ? [entry, [key, index]]
              : [(entry as { threshold?: unknown } | null)?.threshold, [key, index, 'threshold']];
          if (typeof source !== 'string' || source === '') return;
          try {
            parseThresholdExpression(source, metricInfo(metric)?.type);
          } catch (error) {
            if (!(error instanceof ThresholdSyntaxError)) throw error;
            ctx.addIssue({ code: 'custom', path, message: error.message });
          }
        });
      }
    },
    // Run even when another entry is malformed, so every bad threshold is reported at once.
    { when: () => true },
  )
  .default({})
  .describe('Pass/fail criteria, k6 style: METRIC or METRIC{tag:value} → list of expressions');

/** Everything in a scenario except the executor's own options, which sit beside these at the top level. */
export const baseScenarioShape = {
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, {
      error: 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit',
    })
    .describe('Scenario name; the default room prefix and the `scenario` tag'),
  description: z.string().optional().describe('Free text shown in reports'),
  target: targetSchema,
  executor: z.string().describe('How bots are scheduled; conference-grid by default'),
  media: mediaSchema,
  bots: botsSchema,
  join: joinSchema,
  stats: statsSchema,
  placement: placementSchema,
  collect: collectSchema,
  thresholds: thresholdsSchema,
  outputs: z.array(scenarioOutputEntrySchema).default([]).describe('Where results go, k6 style: [{ junit: { file } }, { html: {} }]'),
};

export const baseScenarioSchema = z.strictObject(baseScenarioShape);

export type BaseScenario = z.output<typeof baseScenarioSchema>;

/**
 * Checks of `bots` against the target, which the field schemas cannot see: tile view and last-N are
 * Jitsi Meet's, so a page target (any web app) refuses them. Tolerates fields that failed their own schema.
 */
export function refineBotsForTarget(scenario: { target?: unknown; bots?: unknown }, ctx: z.RefinementCtx): void {
  const kind = (scenario.target as { kind?: unknown } | null | undefined)?.kind;
  const bots = scenario.bots as { tileView?: unknown; lastN?: unknown; overrides?: unknown } | null | undefined;
  if (kind !== 'page' || typeof bots !== 'object' || bots === null) return;
  const refuse = (path: (string | number)[], key: string): void =>
    ctx.addIssue({ code: 'custom', path: ['bots', ...path], message: `${key} is Jitsi Meet's setting and does not apply to a page target (any web app); drop it or use target.kind jitsi or testbed` });
  if (bots.tileView === false) refuse(['tileView'], 'tileView');
  if (bots.lastN !== undefined) refuse(['lastN'], 'lastN');
  if (!Array.isArray(bots.overrides)) return;
  bots.overrides.forEach((override: { tileView?: unknown; lastN?: unknown } | null, index) => {
    if (override?.tileView !== undefined) refuse(['overrides', index, 'tileView'], 'tileView');
    if (override?.lastN !== undefined) refuse(['overrides', index, 'lastN'], 'lastN');
  });
}
