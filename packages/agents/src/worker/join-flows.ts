import type { BrowserContext, Page } from 'playwright-core';
import { everyFieldHandled, fillPageTemplate, type AssignedTarget, type BotView, type JoinedWhen, type PageStep, type PageTemplateName, type PlannedBot } from '@jlt/core';
import { buildMeetingUrl, PREJOIN_JOIN_BUTTON, PREJOIN_NAME_INPUT, probeConferenceState, type ConferenceState } from '@jlt/jitsi';
import { delay } from './delay.js';
import { probeReceivesMedia } from './stats-probe.js';

export type TargetKind = AssignedTarget['kind'];
/** A Jitsi Meet deployment or the testbed, which mimics it. */
export type JitsiLikeTarget = Extract<AssignedTarget, { kind: 'jitsi' | 'testbed' }>;
export type AssignedPageTarget = Extract<AssignedTarget, { kind: 'page' }>;

export type JoinFailureReason = 'timeout' | 'navigation' | 'step' | 'aborted' | 'crashed';

export class JoinFailure extends Error {
  override readonly name = 'JoinFailure';
  constructor(
    readonly reason: JoinFailureReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface JoinRequest<T extends AssignedTarget = AssignedTarget> {
  page: Page;
  bot: PlannedBot;
  target: T;
  /** What the page shows; a Jitsi-like target gets its tile view and last-N as hash config. */
  view: BotView;
  displayName: string;
  /** Local epoch ms by which the bot must have joined. */
  deadlineMs: number;
  signal: AbortSignal;
  now(): number;
}

const POLL_MS = 200;

function remaining(request: JoinRequest): number {
  return Math.max(1, request.deadlineMs - request.now());
}

function checkAborted(request: JoinRequest): void {
  if (request.signal.aborted) throw new JoinFailure('aborted', 'join aborted');
}

function firstLine(cause: unknown): string {
  return cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.name) : String(cause);
}

async function navigate(request: JoinRequest, url: string): Promise<void> {
  try {
    await request.page.goto(url, { waitUntil: 'domcontentloaded', timeout: remaining(request) });
  } catch (cause) {
    checkAborted(request);
    throw new JoinFailure('navigation', `could not open ${url}: ${firstLine(cause)}`, { cause });
  }
}

/** What the Jitsi join flow reads of a Jitsi-like target; each target field is taken here by name. */
function jitsiOptions(target: JitsiLikeTarget): { url: string; config: Readonly<Record<string, unknown>>; prejoin: boolean; checkWhitelist: boolean } {
  if (target.kind === 'testbed') {
    const { kind: _testbed, url, config, ...rest } = target;
    everyFieldHandled(rest, 'the testbed join flow');
    return { url, config: config ?? {}, prejoin: true, checkWhitelist: false };
  }
  const { kind: _jitsi, url, config, prejoin, ...rest } = target;
  everyFieldHandled(rest, 'the Jitsi join flow');
  return { url, config: config ?? {}, prejoin, checkWhitelist: true };
}

/**
 * The meeting URL a bot opens: the target's hash config, plus camera and microphone muted at start
 * for receivers, prejoin off when the target says so, and the bot's view as Jitsi Meet's URL config
 * takes it (`disableTileView` for no tile view, `channelLastN`; the bot's own win over the target's). Throws a JltError (INVALID_ARGUMENT) for a
 * room name or config key Jitsi would not accept; the testbed applies any key, Jitsi only whitelisted ones.
 */
export function meetingUrlFor(target: JitsiLikeTarget, bot: PlannedBot, displayName: string, view: BotView): string {
  const options = jitsiOptions(target);
  const config: Record<string, unknown> = { ...options.config };
  if (!view.tileView) config.disableTileView = true;
  if (view.lastN !== undefined) config.channelLastN = view.lastN;
  if (bot.role === 'receiver') {
    config.startWithVideoMuted = true;
    config.startWithAudioMuted = true;
  }
  if (!options.prejoin) config['prejoinConfig.enabled'] = false;
  return buildMeetingUrl(options.url, bot.conference, { config, displayName, checkWhitelist: options.checkWhitelist });
}

/**
 * Jitsi Meet (and the testbed, which mimics it): open the meeting with hash config, pass the prejoin
 * screen when it shows (fill the name, click join), and poll `APP.conference` until joined.
 * Receivers start with camera and microphone muted.
 */
export async function jitsiJoinFlow(request: JoinRequest<JitsiLikeTarget>): Promise<ConferenceState> {
  const { page, bot, target } = request;
  const { prejoin } = jitsiOptions(target);
  await navigate(request, meetingUrlFor(target, bot, request.displayName, request.view));
  let clickedAt = Number.NEGATIVE_INFINITY;
  let last: ConferenceState = { joined: false };
  for (;;) {
    checkAborted(request);
    last = await page.evaluate(probeConferenceState).catch((): ConferenceState => ({ joined: false }));
    if (last.joined) return last;
    if (request.now() >= request.deadlineMs) {
      throw new JoinFailure('timeout', `not joined before the join timeout: APP.conference.isJoined() never became true${last.userId === undefined ? '' : ` (user ${last.userId})`}`);
    }
    // The prejoin button is clicked again only if the screen is still there well after a click.
    if (prejoin && request.now() - clickedAt > 5_000) {
      const button = page.locator(PREJOIN_JOIN_BUTTON);
      if (await button.isVisible().catch(() => false)) {
        const input = page.locator(PREJOIN_NAME_INPUT);
        if (await input.isVisible().catch(() => false)) await input.fill(request.displayName, { timeout: remaining(request) }).catch(() => undefined);
        await button.click({ timeout: Math.min(5_000, remaining(request)) }).catch(() => undefined);
        clickedAt = request.now();
      }
    }
    await delay(Math.min(POLL_MS, remaining(request)), request.signal);
  }
}

/** The values of a page target's `{name}` placeholders for one bot (see core's PAGE_TEMPLATES). */
export function pageTemplateValues(bot: PlannedBot, displayName: string): Record<PageTemplateName, string> {
  return {
    bot: bot.id,
    index: String(bot.index),
    room: bot.conference,
    conferenceIndex: String(bot.conferenceIndex),
    participantIndex: String(bot.participantIndex),
    displayName,
  };
}

/**
 * Registers a page target's `initScript` on a bot's context, so it runs in every page before the
 * page's own scripts (and after jlt's probes, which were registered first).
 */
export async function addTargetInitScript(context: BrowserContext, target: AssignedTarget, bot: PlannedBot, displayName: string): Promise<void> {
  if (target.kind !== 'page' || target.initScript === undefined) return;
  await context.addInitScript({ content: fillPageTemplate(target.initScript, pageTemplateValues(bot, displayName)) });
}

interface StepContext {
  request: JoinRequest<AssignedPageTarget>;
  fill: (text: string) => string;
}

type StepRunners = { [K in keyof PageStep]-?: (value: NonNullable<PageStep[K]>, context: StepContext) => Promise<unknown> };

/** One runner per step of core's page step schema: a step added there fails typecheck here until it runs. */
const STEP_RUNNERS: StepRunners = {
  goto: (url, { request, fill }) => navigate(request, new URL(fill(url), request.target.url).toString()),
  fill: ({ selector, value, ...rest }, { request, fill }) => {
    everyFieldHandled(rest, 'the fill step');
    return request.page.fill(fill(selector), fill(value), { timeout: remaining(request) });
  },
  click: (selector, { request, fill }) => request.page.click(fill(selector), { timeout: remaining(request) }),
  waitFor: (waitFor, { request, fill }) => {
    if (typeof waitFor === 'string') return request.page.waitForSelector(fill(waitFor), { state: 'visible', timeout: remaining(request) });
    const { selector, state, timeout, ...rest } = waitFor;
    everyFieldHandled(rest, 'the waitFor step');
    return request.page.waitForSelector(fill(selector), { state: state ?? 'visible', timeout: Math.min(timeout ?? Number.POSITIVE_INFINITY, remaining(request)) });
  },
  evaluate: (expression, { request, fill }) => request.page.evaluate(fill(expression)),
};

async function runStep(step: PageStep, index: number, context: StepContext): Promise<void> {
  const [name, value] = Object.entries(step).find(([, v]) => v !== undefined) as [keyof PageStep, unknown];
  try {
    await (STEP_RUNNERS[name] as (value: unknown, context: StepContext) => Promise<unknown>)(value, context);
  } catch (cause) {
    checkAborted(context.request);
    if (cause instanceof JoinFailure) throw cause;
    const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
    throw new JoinFailure(timedOut ? 'timeout' : 'step', `step ${index + 1} (${name}) failed: ${firstLine(cause)}`, { cause });
  }
}

function describeJoinedWhen(condition: JoinedWhen): string {
  if ('selector' in condition) return `selector ${JSON.stringify(condition.selector)} ${condition.state ?? 'visible'}`;
  if ('expression' in condition) return `expression ${JSON.stringify(condition.expression)} truthy`;
  return `remote ${condition.remoteMedia === 'any' ? 'media' : condition.remoteMedia} arriving`;
}

/** Waits until `joinedWhen` holds or the join deadline passes; the latter means the app did not let the bot in. */
async function waitUntilJoined(condition: JoinedWhen, { request, fill }: StepContext): Promise<void> {
  const { page } = request;
  try {
    if ('selector' in condition) {
      const { selector, state, ...rest } = condition;
      everyFieldHandled(rest, 'joinedWhen');
      await page.waitForSelector(fill(selector), { state: state ?? 'visible', timeout: remaining(request) });
      return;
    }
    if ('expression' in condition) {
      const { expression, ...rest } = condition;
      everyFieldHandled(rest, 'joinedWhen');
      await page.waitForFunction(fill(expression), undefined, { timeout: remaining(request), polling: POLL_MS });
      return;
    }
    const { remoteMedia, ...rest } = condition;
    everyFieldHandled(rest, 'joinedWhen');
    while (!(await probeReceivesMedia(page, remoteMedia))) {
      checkAborted(request);
      if (request.now() >= request.deadlineMs) throw new JoinFailure('timeout', 'the join timeout passed');
      await delay(Math.min(POLL_MS, remaining(request)), request.signal);
    }
  } catch (cause) {
    checkAborted(request);
    const timedOut = cause instanceof JoinFailure || (cause instanceof Error && cause.name === 'TimeoutError');
    const why = timedOut ? 'before the join timeout' : `(${firstLine(cause)})`;
    throw new JoinFailure(timedOut ? 'timeout' : 'step', `not joined: joinedWhen (${describeJoinedWhen(condition)}) did not hold ${why}`, { cause });
  }
}

/**
 * A `page` target, for any WebRTC app: open `target.url`, run the steps in order, then wait until
 * `joinedWhen` holds. Finishing the steps is not joining: an app that refused the bot fails it here.
 */
export async function pageJoinFlow(request: JoinRequest<AssignedPageTarget>): Promise<undefined> {
  // initScript is registered on the context before the page opens (addTargetInitScript).
  const { kind: _page, url, initScript: _registered, steps, joinedWhen, ...rest } = request.target;
  everyFieldHandled(rest, 'the page join flow');
  const values = pageTemplateValues(request.bot, request.displayName);
  const context: StepContext = { request, fill: (text) => fillPageTemplate(text, values) };
  await navigate(request, context.fill(url));
  for (const [index, step] of steps.entries()) {
    checkAborted(request);
    await runStep(step, index, context);
  }
  await waitUntilJoined(joinedWhen, context);
  return undefined;
}

/** Joins the page to the conference by the target's flow, or throws a JoinFailure. Resolves with the last conference state (jitsi, testbed). */
export function runJoinFlow(request: JoinRequest): Promise<ConferenceState | undefined> {
  const { target } = request;
  return target.kind === 'page' ? pageJoinFlow({ ...request, target }) : jitsiJoinFlow({ ...request, target });
}
