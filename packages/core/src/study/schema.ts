import * as z from 'zod';
import { EXECUTORS } from '../executors/registry.js';
import { baseScenarioShape } from '../scenario/base-schema.js';
import { duration, httpUrl, nonEmptyString, positiveInt } from '../scenario/fields.js';
import { jitsiTargetSchema, testbedTargetSchema } from '../scenario/target.js';

const stateName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, { error: 'must be 1-63 letters, digits, ".", "_" or "-", starting with a letter or digit' })
  .describe('Names the state in directories, labels and comparisons, e.g. single or octo');

/** The testbed's shape, as in a scenario's `target: { kind: testbed, … }`. */
const testbedShape = testbedTargetSchema.omit({ kind: true, roomPrefix: true }).describe('A local testbed of this shape, started for each run');

const testbedState = z
  .strictObject({ name: stateName, testbed: testbedShape })
  .describe('A testbed shape: bridges, octo, strategy');

const urlState = z
  .strictObject({
    name: stateName,
    url: httpUrl('Meeting base URL of a deployment you prepared in this state, e.g. https://meet.example.org'),
    bridges: jitsiTargetSchema.shape.bridges,
  })
  .describe('A Jitsi deployment you put into this state yourself');

/** Defaults of `jlt deploy` that the bots' target depends on. */
export const DEPLOY_DEFAULTS = { namespace: 'jitsi', release: 'jitsi' } as const;

const deployState = z
  .strictObject({
    name: stateName,
    deploy: z
      .strictObject({
        state: z.enum(['single', 'octo']).describe('single: one bridge, no Octo; octo: bridges relaying conferences'),
        bridges: positiveInt('Bridges in the octo state, one per node (default 2)').optional(),
        chartVersion: nonEmptyString("jitsi/jitsi-meet chart version: 1.5.x (the study's, default 1.5.2) or 2.0.0 to 3.x").optional(),
        namespace: nonEmptyString(`Namespace of the Jitsi release (default ${DEPLOY_DEFAULTS.namespace})`).optional(),
        release: nonEmptyString(`Name of the Jitsi release (default ${DEPLOY_DEFAULTS.release})`).optional(),
        publicUrl: httpUrl('Where Jitsi is reached once applied, e.g. https://meet.example.org: the URL the bots open'),
        ingressClass: nonEmptyString('IngressClass for the web Ingress').optional(),
        turnHost: nonEmptyString('TURN/STUN host the clients reach').optional(),
        turnPort: positiveInt('TURN/STUN port (default 3478)').optional(),
        turnSecretFile: nonEmptyString('File holding the TURN shared secret, relative to the study file (else JLT_TURN_SECRET)').optional(),
        maxBridgeParticipants: positiveInt("Jicofo's max participants of one conference on one bridge").optional(),
        bridgeSelection: z.enum(['split', 'region']).optional().describe("Jicofo's strategy when not the chart's own (chart 3.2.0 or later)"),
      })
      .describe('What `jlt deploy apply` gets: the study applies it before the state’s first run'),
  })
  .describe('A `jlt deploy` state of a Kubernetes cluster, applied by the study');

/**
 * A state is the shape of the target every scenario runs against: a testbed, a URL the user
 * prepared, or a `jlt deploy` state that the study applies before the state's runs.
 */
export const studyStateSchema = z
  .union([testbedState, urlState, deployState])
  .describe('One target shape: a testbed, a URL you prepared, or a jlt deploy state');

/** Every top-level scenario field with its description; an override may set any but `target`,
 * which belongs to the states. */
const SCENARIO_FIELDS: Record<string, z.ZodType> = Object.assign({}, baseScenarioShape, ...Object.values(EXECUTORS).map((e) => e.options.shape)) as Record<string, z.ZodType>;

/** One instance, so the JSON Schema defines the recursive JSON value once. */
const JSON_VALUE = z.json();

export const scenarioOverridesSchema = z
  .strictObject(
    Object.fromEntries(
      Object.entries(SCENARIO_FIELDS)
        .filter(([key]) => key !== 'target')
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([key, field]) => [key, JSON_VALUE.optional().describe(`${field.description ?? key} (checked when merged into the scenario)`)]),
    ),
  )
  .describe(
    'Scenario fields to replace for this study, e.g. { duration: 45s }: mappings merge key by key into the file’s, other values replace them; the result is checked like a scenario file. `target` comes from the states.',
  );

const studyScenarioEntry = z
  .union([
    nonEmptyString('Scenario file, relative to this study file'),
    z.strictObject({
      file: nonEmptyString('Scenario file, relative to this study file'),
      name: stateName.describe('Names the scenario in directories and comparisons; defaults to the scenario’s own name').optional(),
      overrides: scenarioOverridesSchema.optional(),
    }),
  ])
  .describe('A scenario file, or { file, name, overrides }');

export const studySchema = z
  .strictObject({
    name: stateName.describe('The study’s name: its default results directory is results/study-<name>'),
    description: z.string().optional().describe('Free text shown on the study index page'),
    pause: duration('Pause between runs so bridges return to idle, e.g. 30s').default(30_000),
    states: z.array(studyStateSchema).min(1, { error: 'must list at least one state' }).describe('Target shapes, in order; the first is the baseline of every comparison'),
    scenarios: z.array(studyScenarioEntry).min(1, { error: 'must list at least one scenario' }).describe('Scenarios run in every state, in order'),
  })
  .superRefine(
    (study, ctx) => {
      if (!Array.isArray(study.states)) return;
      const seen = new Set<string>();
      study.states.forEach((state, index) => {
        if (typeof state?.name !== 'string') return;
        if (seen.has(state.name)) ctx.addIssue({ code: 'custom', path: ['states', index, 'name'], message: `state "${state.name}" is named twice; names must be unique` });
        seen.add(state.name);
      });
    },
    { when: () => true },
  )
  .describe('A jlt study: every scenario in every state, then a comparison per scenario across states');

export type Study = z.output<typeof studySchema>;
export type StudyState = z.output<typeof studyStateSchema>;
export type ScenarioOverrides = z.output<typeof scenarioOverridesSchema>;

/** The JSON Schema of a study file; generated, never hand-edited. */
export function studyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(studySchema, { io: 'input', unrepresentable: 'throw' }),
    $id: 'https://jlt.dev/study.schema.json',
    title: 'jlt study',
    description: 'A jlt study file. Generated from the zod schema in packages/core; run `jlt schema --study --write scenarios/study.schema.json` after changing it.',
  };
}
