import type * as z from 'zod';
import { JltError } from '../errors.js';
import { baseScenarioSchema, type BaseScenario } from './base-schema.js';
import { assignedTarget, assignedTargetSchema } from './target.js';

/**
 * What an agent's bots get of a scenario, as the `assign` message carries it: core's own schemas for
 * every common field except those only the coordinator side uses, and the target with its URL
 * resolved. A field added to the scenario travels here unless it is omitted below; the agent takes
 * each field by name (`everyFieldHandled`), so a new one fails typecheck there until the bot uses it.
 */
export const assignedScenarioSchema = baseScenarioSchema
  .omit({
    // Shown in reports.
    description: true,
    // The planner has scheduled the bots; they arrive planned.
    executor: true,
    // The coordinator shards the plan over agents.
    placement: true,
    // Server-side collectors run beside the coordinator.
    collect: true,
    // Evaluated centrally, on raw samples.
    thresholds: true,
    // The cli's outputs.
    outputs: true,
  })
  .extend({ target: assignedTargetSchema });

export type AssignedScenario = z.output<typeof assignedScenarioSchema>;

/** The scenario's part for agents, with the target URL the coordinator resolved (or the started testbed's). */
export function assignedScenario(scenario: BaseScenario, targetUrl: string): AssignedScenario {
  const { name, media, bots, join, stats } = scenario;
  return { name, target: assignedTarget(scenario.target, targetUrl), media, bots, join, stats };
}

/**
 * For consumers that take an object's fields by destructuring: `rest` is what is left, and must be
 * empty. At compile time a field nobody took fails here; at run time, one that arrived anyway.
 */
export function everyFieldHandled(rest: Readonly<Record<string, never>>, where: string): void {
  const left = Object.keys(rest);
  if (left.length > 0) throw new JltError('INTERNAL', `${where} does not handle ${left.map((key) => JSON.stringify(key)).join(', ')}`);
}
