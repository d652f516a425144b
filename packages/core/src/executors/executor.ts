import type * as z from 'zod';
import type { BaseScenario } from '../scenario/base-schema.js';
import type { Plan } from './plan.js';

/**
 * An executor turns a scenario into a Plan. Its options sit at the top level of the scenario beside
 * the common fields, so their names must not collide with BaseScenario's. `plan` is pure and
 * deterministic: the same scenario always yields the same plan.
 */
export interface ExecutorDefinition<Shape extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  /** One line in words, for `jlt plan` and help texts. */
  describe(): string;
  options: z.ZodObject<Shape>;
  /**
   * Checks across option fields (and common fields) that a field schema cannot express. Runs even
   * when other fields failed, so it must check the types of what it reads.
   */
  refine?(scenario: BaseScenario & z.output<z.ZodObject<Shape>>, ctx: z.RefinementCtx): void;
  plan(scenario: BaseScenario & z.output<z.ZodObject<Shape>>): Plan;
}

export function defineExecutor<Shape extends z.ZodRawShape>(definition: ExecutorDefinition<Shape>): ExecutorDefinition<Shape> {
  return definition;
}
