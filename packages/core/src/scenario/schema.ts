import * as z from 'zod';
import type { ExecutorDefinition } from '../executors/executor.js';
import { EXECUTOR_NAMES, EXECUTORS, type ExecutorName } from '../executors/registry.js';
import { baseScenarioSchema, refineBotsForTarget, type BaseScenario } from './base-schema.js';

/** The whole scenario for one executor: common fields plus that executor's options, all strict. */
export function scenarioSchemaFor<Shape extends z.ZodRawShape>(executor: ExecutorDefinition<Shape>) {
  return baseScenarioSchema
    .extend({
      executor: z
        .literal(executor.name)
        .default(executor.name)
        .describe(`How bots are scheduled: ${EXECUTOR_NAMES.join(', ')}; ${executor.name}: ${executor.describe()}`),
      ...executor.options.shape,
    })
    // The extended object's output is exactly BaseScenario & the executor's options; TypeScript
    // cannot see that through zod's generic mapped types.
    // `when`: cross-field checks run even when other fields have problems, so every problem is
    // reported at once; refine() must therefore tolerate fields that failed their own schema.
    .superRefine(
      (scenario, ctx) => {
        if (typeof scenario !== 'object' || scenario === null) return;
        refineBotsForTarget(scenario as { target?: unknown; bots?: unknown }, ctx);
        executor.refine?.(scenario as BaseScenario & z.output<z.ZodObject<Shape>>, ctx);
      },
      { when: () => true },
    );
}

export const SCENARIO_SCHEMAS = {
  'conference-grid': scenarioSchemaFor(EXECUTORS['conference-grid']),
} as const satisfies Record<ExecutorName, z.ZodType>;

/** A validated scenario with defaults applied; durations are integer milliseconds. */
export type Scenario = z.output<(typeof SCENARIO_SCHEMAS)[ExecutorName]>;
/** A scenario as written in the file (before defaults and duration parsing). */
export type ScenarioInput = z.input<(typeof SCENARIO_SCHEMAS)[ExecutorName]>;

/** The JSON Schema of a scenario file (what an editor completes against); generated, never hand-edited. */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schemas = EXECUTOR_NAMES.map((name) => SCENARIO_SCHEMAS[name]);
  const [only] = schemas;
  const root = schemas.length === 1 && only ? only : z.union(schemas);
  const generated = z.toJSONSchema(root, { io: 'input', unrepresentable: 'throw' });
  return {
    ...generated,
    $id: 'https://jlt.dev/scenario.schema.json',
    title: 'jlt scenario',
    description: 'A jlt load-test scenario. Generated from the zod schema in packages/core; run `jlt schema --write scenarios/schema.json` after changing it.',
  };
}
