import { z } from 'zod';
import { JltError } from '@jlt/core';
import type { BotTarget, PageStep } from '../worker/join-flows.js';

/**
 * The part of a scenario an agent needs, as the coordinator sends it in `assign.scenario`: the target
 * with its URL already resolved (a testbed's URL exists only once the coordinator started it), the
 * cheap-bot switches and the join policy. Validated at the agent's boundary like every message.
 */
export const agentScenarioSchema = z.object({
  name: z.string().min(1),
  target: z.object({
    kind: z.enum(['jitsi', 'testbed', 'page']),
    url: z.string().url(),
    config: z.record(z.string(), z.unknown()).optional(),
    prejoin: z.boolean().optional(),
    steps: z
      .array(
        z.object({
          goto: z.string().optional(),
          fill: z.object({ selector: z.string(), value: z.string() }).optional(),
          click: z.string().optional(),
          waitFor: z
            .union([z.string(), z.object({ selector: z.string(), state: z.enum(['attached', 'detached', 'visible', 'hidden']).optional() })])
            .optional(),
          evaluate: z.string().optional(),
        }),
      )
      .optional(),
  }),
  bots: z.object({
    renderRemoteVideo: z.boolean(),
    receiverAudioProcessing: z.boolean(),
    viewport: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }),
    faro: z.object({ enabled: z.boolean(), collectorUrl: z.string().url().optional() }).optional(),
  }),
  join: z.object({ timeout: z.number().positive(), retries: z.number().int().nonnegative(), retryDelay: z.number().nonnegative() }),
});
export type AgentScenario = z.infer<typeof agentScenarioSchema>;

export function parseAgentScenario(value: unknown): AgentScenario {
  const parsed = agentScenarioSchema.safeParse(value);
  if (!parsed.success) {
    throw new JltError('PROTOCOL_ERROR', `the coordinator sent an unusable scenario: ${z.prettifyError(parsed.error)}`, {
      hint: 'run the same jlt version on the coordinator and the agents',
    });
  }
  return parsed.data;
}

export function botTargetOf(scenario: AgentScenario): BotTarget {
  const { target } = scenario;
  const steps = target.steps?.map((step): PageStep => {
    if (step.goto !== undefined) return { goto: step.goto };
    if (step.fill !== undefined) return { fill: step.fill.selector, value: step.fill.value };
    if (step.click !== undefined) return { click: step.click };
    if (step.waitFor !== undefined)
      return typeof step.waitFor === 'string'
        ? { waitFor: step.waitFor }
        : { waitFor: step.waitFor.selector, ...(step.waitFor.state ? { state: step.waitFor.state } : {}) };
    return { evaluate: step.evaluate ?? '' };
  });
  return {
    kind: target.kind,
    url: target.url,
    ...(target.config ? { config: target.config } : {}),
    ...(target.prejoin !== undefined ? { prejoin: target.prejoin } : {}),
    ...(steps ? { steps } : {}),
  };
}
