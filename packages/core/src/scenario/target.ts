import * as z from 'zod';
import { JltError } from '../errors.js';
import { httpUrl, nonEmptyString, positiveInt } from './fields.js';

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

const pageStepShape = {
  goto: httpUrl('Navigate to this URL').optional(),
  fill: z
    .strictObject({
      selector: nonEmptyString('CSS selector of the input'),
      value: z.string().describe('Text to type'),
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
        timeout: positiveInt('Milliseconds before the step fails').optional(),
      }),
    ])
    .describe('Wait until an element reaches a state')
    .optional(),
  evaluate: nonEmptyString('JavaScript expression evaluated in the page').optional(),
};
const pageStepNames = Object.keys(pageStepShape).sort();

export const pageStepSchema = z
  .strictObject(pageStepShape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown step ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}; available: ${pageStepNames.join(', ')}`
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

export const pageTargetSchema = z
  .strictObject({
    kind: z.literal('page').describe('Any web page driven by scripted steps'),
    url: httpUrl('Page each bot opens first'),
    steps: z.array(pageStepSchema).default([]).describe('Steps run in order after the page loads'),
  })
  .describe('A plain web page with scripted steps (no Jitsi join flow)');

export const targetSchema = z
  .discriminatedUnion('kind', [jitsiTargetSchema, testbedTargetSchema, pageTargetSchema])
  .describe('What the bots connect to');

export type Target = z.output<typeof targetSchema>;
export type JitsiTarget = z.output<typeof jitsiTargetSchema>;
export type TestbedTarget = z.output<typeof testbedTargetSchema>;
export type PageTarget = z.output<typeof pageTargetSchema>;

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
      hint: 'pass --target-url https://meet.example.org, set JLT_TARGET_URL, or add target.url to the scenario',
    });
  }
  if (!httpUrl('').safeParse(url).success) {
    throw new JltError('INVALID_ARGUMENT', `${source} must be an http:// or https:// URL (got ${JSON.stringify(url)})`, {
      hint: 'use the meeting base URL, e.g. https://meet.example.org',
    });
  }
  return url;
}
