import type { Page } from 'playwright-core';
import type { PlannedBot } from '@jlt/core';
import { buildMeetingUrl, PREJOIN_JOIN_BUTTON, PREJOIN_NAME_INPUT, probeConferenceState, type ConferenceState } from '@jlt/jitsi';
import { delay } from './delay.js';

/** A declarative step of a `page` target. String values may use `{room}`, `{bot}` and `{displayName}`. */
export type PageStep =
  | { goto: string }
  | { fill: string; value: string }
  | { click: string }
  | { waitFor: string; state?: 'attached' | 'detached' | 'visible' | 'hidden' }
  | { evaluate: string };

export type TargetKind = 'jitsi' | 'testbed' | 'page';

export interface BotTarget {
  kind: TargetKind;
  /** Base URL of the meeting server (jitsi, testbed) or the URL relative `goto` steps resolve against (page). */
  url: string;
  /** Jitsi hash-config overrides, JSON values. */
  config?: Readonly<Record<string, unknown>>;
  /** False when the target's prejoin page is off; the flow then only waits for the join. Default true. */
  prejoin?: boolean;
  steps?: readonly PageStep[];
}

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

export interface JoinRequest {
  page: Page;
  bot: PlannedBot;
  target: BotTarget;
  displayName: string;
  /** Local epoch ms by which the bot must have joined. */
  deadlineMs: number;
  signal: AbortSignal;
  now(): number;
}

/** Joins the page to the conference or throws a JoinFailure. Resolves with the last conference state (jitsi, testbed). */
export type JoinFlow = (request: JoinRequest) => Promise<ConferenceState | undefined>;

const POLL_MS = 200;

function remaining(request: JoinRequest): number {
  return Math.max(1, request.deadlineMs - request.now());
}

function checkAborted(request: JoinRequest): void {
  if (request.signal.aborted) throw new JoinFailure('aborted', 'join aborted');
}

async function navigate(request: JoinRequest, url: string): Promise<void> {
  try {
    await request.page.goto(url, { waitUntil: 'domcontentloaded', timeout: remaining(request) });
  } catch (cause) {
    checkAborted(request);
    throw new JoinFailure('navigation', `could not open ${url}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`, { cause });
  }
}

/**
 * The meeting URL a bot opens: the target's hash config, plus camera and microphone muted at start
 * for receivers and prejoin off when the target says so. Throws a JltError (INVALID_ARGUMENT) for a
 * room name or config key Jitsi would not accept; the testbed applies any key, Jitsi only whitelisted ones.
 */
export function meetingUrlFor(target: BotTarget, bot: PlannedBot, displayName: string): string {
  const config: Record<string, unknown> = { ...target.config };
  if (bot.role === 'receiver') {
    config.startWithVideoMuted = true;
    config.startWithAudioMuted = true;
  }
  if (target.prejoin === false) config['prejoinConfig.enabled'] = false;
  return buildMeetingUrl(target.url, bot.conference, { config, displayName, checkWhitelist: target.kind !== 'testbed' });
}

/**
 * Jitsi Meet (and the testbed, which mimics it): open the meeting with hash config, pass the prejoin
 * screen when it shows (fill the name, click join), and poll `APP.conference` until joined.
 * Receivers start with camera and microphone muted.
 */
export const jitsiJoinFlow: JoinFlow = async (request) => {
  const { page, bot, target } = request;
  await navigate(request, meetingUrlFor(target, bot, request.displayName));
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
    if (target.prejoin !== false && request.now() - clickedAt > 5_000) {
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
};

function fillTemplate(text: string, request: JoinRequest): string {
  return text.replaceAll('{room}', request.bot.conference).replaceAll('{bot}', request.bot.id).replaceAll('{displayName}', request.displayName);
}

/** A `page` target: runs the scenario's steps in order; done when the last step is. */
export const pageJoinFlow: JoinFlow = async (request) => {
  const { page } = request;
  for (const [index, step] of (request.target.steps ?? []).entries()) {
    checkAborted(request);
    if ('goto' in step) {
      await navigate(request, new URL(fillTemplate(step.goto, request), request.target.url).toString());
      continue;
    }
    try {
      const timeout = remaining(request);
      if ('fill' in step) await page.fill(fillTemplate(step.fill, request), fillTemplate(step.value, request), { timeout });
      else if ('click' in step) await page.click(fillTemplate(step.click, request), { timeout });
      else if ('waitFor' in step) await page.waitForSelector(fillTemplate(step.waitFor, request), { state: step.state ?? 'visible', timeout });
      else await page.evaluate(fillTemplate(step.evaluate, request));
    } catch (cause) {
      checkAborted(request);
      const timedOut = cause instanceof Error && cause.name === 'TimeoutError';
      throw new JoinFailure(timedOut ? 'timeout' : 'step', `step ${index + 1} (${Object.keys(step)[0]}) failed: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`, { cause });
    }
  }
  return undefined;
};

export const JOIN_FLOWS: Readonly<Record<TargetKind, JoinFlow>> = { jitsi: jitsiJoinFlow, testbed: jitsiJoinFlow, page: pageJoinFlow };
