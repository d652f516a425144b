import * as z from 'zod';
import { JltError } from '../errors.js';
import { quoted } from './issues.js';
import { duration, httpUrl, nonEmptyString, positiveInt } from './fields.js';

const roomPrefix = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, { error: 'must be letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .describe('Room names are `<roomPrefix>-NN`; defaults to the scenario name');

const bridgesSchema = z
  .union([
    z
      .strictObject({
        urls: z
          .array(httpUrl('Base URL of one bridge\'s private REST API (serves /colibri/stats and /debug)'))
          .min(1, { error: 'must list at least one bridge URL' })
          .describe('Bridge REST API base URLs, e.g. http://jvb-0.jvb:8080'),
      })
      .describe('Bridges listed by URL'),
    z
      .strictObject({
        discover: z.literal('kubernetes').describe('Find bridge pods with kubectl'),
        namespace: nonEmptyString('Kubernetes namespace of the Jitsi release').default('default'),
        release: nonEmptyString('Helm release name of the jitsi/jitsi-meet chart'),
        context: nonEmptyString('kubectl context; the current one when omitted').optional(),
      })
      .describe('Bridges discovered in a Kubernetes cluster'),
  ])
  .describe('Where the Jitsi Videobridges are, for server-side stats and conference→bridge placement');

/** Jitsi URL-hash overrides keyed by dotted config path, e.g. `p2p.enabled: false`. */
const jitsiConfig = z
  .record(
    z.string().regex(/^[A-Za-z_$][A-Za-z0-9_$]*(?:\.[A-Za-z_$][A-Za-z0-9_$]*)*$/, {
      error: 'config keys are dotted Jitsi config paths such as p2p.enabled',
    }),
    z.json(),
  )
  .describe('Jitsi config overrides appended to the meeting URL hash (config.KEY=JSON), e.g. { p2p.enabled: false }');

export const jitsiTargetSchema = z
  .strictObject({
    kind: z.literal('jitsi').describe('A Jitsi Meet deployment'),
    url: httpUrl(
      'Meeting base URL, e.g. https://meet.example.org; may be left out and given at run time with --target-url or JLT_TARGET_URL',
    ).optional(),
    roomPrefix: roomPrefix.optional(),
    config: jitsiConfig.optional(),
    bridges: bridgesSchema.optional(),
    prejoin: z.boolean().default(true).describe('Pass the prejoin screen (enter a display name, press Join)'),
  })
  .describe('A Jitsi Meet deployment reached over the network');

export const testbedTargetSchema = z
  .strictObject({
    kind: z.literal('testbed').describe('A local Jitsi-compatible target started by jlt'),
    bridges: positiveInt('Number of bridges the testbed starts').default(1),
    octo: z.boolean().default(false).describe('Relay conferences between bridges (Octo) instead of keeping each on one bridge'),
    strategy: z
      .enum(['region', 'split'])
      .default('region')
      .describe(
        "Bridge selection, as Jicofo's RegionBasedBridgeSelectionStrategy (region) or SplitBridgeSelectionStrategy (split: spread one conference over every bridge)",
      ),
    roomPrefix: roomPrefix.optional(),
    config: jitsiConfig
      .describe('URL-hash config for the meeting page, as for jitsi targets (any key); testbed.pageErrors: true makes each page throw and log errors once joined')
      .optional(),
  })
  .describe('The embedded testbed: a local meeting page, focus and N bridges that behave like Jitsi where jlt looks');

/**
 * Placeholders every string of a page target (url, initScript, step values, joinedWhen) may hold;
 * each bot fills in its own. `{index}`, `{conferenceIndex}` and `{participantIndex}` are plain digits,
 * for apps that accept only letters and digits in a name or a number as a room.
 */
export const PAGE_TEMPLATES = {
  bot: 'the bot id, e.g. c01-p02',
  index: "the bot's 0-based position in start order, e.g. 7",
  room: 'the room (conference) name, e.g. mytest-01',
  conferenceIndex: "the 0-based index of the bot's conference",
  participantIndex: "the bot's 0-based index within its conference",
  displayName: 'the display name jlt gives the bot (its id)',
} as const;
export type PageTemplateName = keyof typeof PAGE_TEMPLATES;

const templateList = Object.keys(PAGE_TEMPLATES)
  .map((name) => `{${name}}`)
  .join(', ');

/** `text` with every `{name}` of PAGE_TEMPLATES replaced by the bot's value; other braces stay as they are. */
export function fillPageTemplate(text: string, values: Readonly<Record<PageTemplateName, string>>): string {
  return text.replace(/\{(\w+)\}/g, (placeholder, name: string) => (Object.hasOwn(values, name) ? values[name as PageTemplateName] : placeholder));
}

const pageStepShape = {
  goto: nonEmptyString(`Navigate to this URL, absolute or relative to target.url; may use ${templateList}`).optional(),
  fill: z
    .strictObject({
      selector: nonEmptyString('CSS selector of the input'),
      value: z.string().describe(`Text to type; may use ${templateList}`),
    })
    .describe('Type text into an input')
    .optional(),
  click: nonEmptyString('CSS selector of the element to click').optional(),
  waitFor: z
    .union([
      nonEmptyString('CSS selector to wait for (visible)'),
      z.strictObject({
        selector: nonEmptyString('CSS selector to wait for'),
        state: z.enum(['attached', 'detached', 'visible', 'hidden']).optional().describe('Element state to wait for; default visible'),
        timeout: duration('How long this step may wait; default what is left of join.timeout').optional(),
      }),
    ])
    .describe('Wait until an element reaches a state')
    .optional(),
  evaluate: nonEmptyString(`JavaScript expression evaluated in the page (awaited if it returns a promise); may use ${templateList}`).optional(),
};
const pageStepNames = Object.keys(pageStepShape).sort();

export const pageStepSchema = z
  .strictObject(pageStepShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown step ${issue.keys.map(quoted).join(', ')}; available: ${pageStepNames.join(', ')}`
        : undefined,
  })
  .superRefine(
    (step, ctx) => {
    const count = Object.values(step).filter((v) => v !== undefined).length;
    if (count !== 1) {
      ctx.addIssue({ code: 'custom', message: `each step has exactly one of ${pageStepNames.join(', ')} (got ${count})` });
    }
  }, {
    // Only a well-formed entry is counted: an unknown name is already reported as such.
    when: (payload) => payload.issues.length === 0,
  })
  .meta({ minProperties: 1, maxProperties: 1 })
  .describe('One step: an object with exactly one key');

export const joinedWhenSchema = z
  .union([
    z
      .strictObject({
        selector: nonEmptyString(`CSS selector that appears once the app has let the bot in; may use ${templateList}`),
        state: z.enum(['attached', 'visible']).optional().describe('Element state that counts; default visible'),
      })
      .describe('Joined when an element appears'),
    z
      .strictObject({ expression: nonEmptyString(`JavaScript expression that is truthy once the bot is in; may use ${templateList}`) })
      .describe('Joined when an expression, polled in the page, is truthy'),
    z
      .strictObject({
        remoteMedia: z.enum(['audio', 'video', 'any']).describe('Kind of media that must arrive'),
      })
      .describe("Joined when RTP packets of that kind arrive on one of the page's peer connections"),
  ], {
    error: (issue) =>
      issue.input === undefined
        ? 'is required for a page target: how jlt knows the app let a bot in, one of { selector: CSS }, { expression: JS } or { remoteMedia: audio | video | any }'
        : undefined,
  })
  .describe(
    'How jlt knows the app accepted a bot, checked after the last step until join.timeout: { selector }, { expression } or { remoteMedia: audio | video | any }. A bot whose condition does not hold is a failed join, whatever its steps did',
  );

export const pageTargetSchema = z
  .strictObject({
    kind: z.literal('page').describe('Any web page driven by scripted steps'),
    url: httpUrl(
      `Page each bot opens first, before its steps; may use ${templateList}; may be left out and given at run time with --target-url`,
    ).optional(),
    initScript: nonEmptyString(
      `JavaScript run in every page of the bot before the page's own scripts (e.g. to set globals the app reads); may use ${templateList}`,
    ).optional(),
    steps: z.array(pageStepSchema).default([]).describe('Steps run in order once target.url has loaded'),
    joinedWhen: joinedWhenSchema,
  })
  .describe('Any WebRTC web app: open a URL, run scripted steps, and count a bot joined when joinedWhen holds (no Jitsi join flow)');

export const targetSchema = z
  .discriminatedUnion('kind', [jitsiTargetSchema, testbedTargetSchema, pageTargetSchema])
  .describe('What the bots connect to');

/** The target as an agent's bots get it: the URL resolved, and without what only the coordinator uses. */
export const assignedTargetSchema = z
  .discriminatedUnion('kind', [
    // roomPrefix: the planner has named the rooms; bridges: the coordinator collects from them.
    jitsiTargetSchema.omit({ roomPrefix: true, bridges: true }).extend({ url: httpUrl('Meeting base URL') }),
    // Bridges, relay and strategy are how the coordinator started the testbed; bots need its URL and the page's config.
    testbedTargetSchema.pick({ kind: true, config: true }).extend({ url: httpUrl('Meeting base URL of the started testbed') }),
    pageTargetSchema.extend({ url: httpUrl('Page each bot opens first') }),
  ])
  .describe('The target as the coordinator assigns it to agents');

export type AssignedTarget = z.output<typeof assignedTargetSchema>;

/** `target` for agents, with `url` resolved (see resolveTargetUrl, or the testbed's once started). */
export function assignedTarget(target: Target, url: string): AssignedTarget {
  switch (target.kind) {
    case 'jitsi': {
      const { roomPrefix: _planned, bridges: _collected, ...forBots } = target;
      return { ...forBots, url };
    }
    case 'testbed':
      return target.config === undefined ? { kind: 'testbed', url } : { kind: 'testbed', url, config: target.config };
    case 'page':
      return { ...target, url };
  }
}

export type Target = z.output<typeof targetSchema>;
export type JitsiTarget = z.output<typeof jitsiTargetSchema>;
export type TestbedTarget = z.output<typeof testbedTargetSchema>;
export type PageTarget = z.output<typeof pageTargetSchema>;
export type PageStep = z.output<typeof pageStepSchema>;
export type JoinedWhen = z.output<typeof joinedWhenSchema>;

export interface TargetUrlOptions {
  /** `--target-url`; wins over everything. */
  targetUrl?: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The URL bots open: `--target-url` > env `JLT_TARGET_URL` > the file. A testbed target has no URL
 * until it has started, so this returns undefined for it (and refuses an explicit override).
 */
export function resolveTargetUrl(scenario: { target: Target }, options: TargetUrlOptions): string | undefined {
  const { target } = scenario;
  if (target.kind === 'testbed') {
    if (options.targetUrl !== undefined) {
      throw new JltError('INVALID_ARGUMENT', '--target-url does not apply to a testbed target', {
        hint: 'drop --target-url, or use a scenario with target.kind: jitsi',
      });
    }
    return undefined;
  }
  const fromEnv = target.kind === 'jitsi' ? options.env.JLT_TARGET_URL : undefined;
  const [source, url] =
    options.targetUrl !== undefined
      ? ['--target-url', options.targetUrl]
      : fromEnv !== undefined && fromEnv !== ''
        ? ['JLT_TARGET_URL', fromEnv]
        : ['target.url', target.url];
  if (url === undefined) {
    throw new JltError('INVALID_ARGUMENT', 'no target URL: the scenario has no target.url', {
      hint:
        target.kind === 'page'
          ? "pass --target-url with the app's page, e.g. --target-url https://janus.example.org/videoroomtest.html, or add target.url to the scenario"
          : 'pass --target-url https://meet.example.org, set JLT_TARGET_URL, or add target.url to the scenario',
    });
  }
  if (!httpUrl('').safeParse(url).success) {
    throw new JltError('INVALID_ARGUMENT', `${source} must be an http:// or https:// URL (got ${JSON.stringify(url)})`, {
      hint: 'use the meeting base URL, e.g. https://meet.example.org',
    });
  }
  return url;
}
