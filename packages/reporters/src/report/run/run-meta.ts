import * as z from 'zod';
import type { ResultsReader } from '@jlt/core';

const agentMeta = z.object({
  id: z.string(),
  name: z.string().optional(),
  address: z.string().optional(),
  bots: z.number().optional(),
  lost: z.boolean().optional(),
  clockOffsetMs: z.number().optional(),
  clockUncertaintyMs: z.number().optional(),
  clockRttMs: z.number().optional(),
  /** CPU cores the agent reported at hello; what "90 % of its cores" is measured against. */
  cores: z.number().optional(),
  memoryBytes: z.number().optional(),
  maxBots: z.number().optional(),
});

const botMeta = z.object({
  id: z.string(),
  conference: z.string(),
  agent: z.string().optional(),
  state: z.string().optional(),
  bridge: z.string().optional(),
  reason: z.string().optional(),
});

/**
 * The keys of `run_meta` (mirrored in run.json) that reports read. A run writes them as it goes, so
 * a killed run has only the early ones; every key is optional and one malformed key is dropped
 * without losing the others.
 */
const RUN_META_KEYS = {
  runId: z.string(),
  scenario: z.string(),
  scenarioFile: z.string(),
  createdAt: z.string(),
  /** The jlt version that ran it. */
  version: z.string(),
  plan: z.object({ bots: z.number(), conferences: z.number(), rampUpMs: z.number(), holdMs: z.number(), description: z.string().optional() }),
  thresholds: z.array(z.string()),
  status: z.string(),
  reason: z.string(),
  error: z.string(),
  startedAt: z.string(),
  endedAt: z.string(),
  target: z.object({
    kind: z.string(),
    url: z.string().optional(),
    bridges: z.array(z.object({ id: z.string(), restUrl: z.string().optional(), mediaAddress: z.string().optional() })).optional(),
  }),
  placement: z.object({ conferences: z.number(), splitConferences: z.number(), maxSimultaneousSplit: z.number(), mismatches: z.number(), unknownBridgeAddresses: z.array(z.string()) }).partial(),
  collectorPolls: z.record(z.string(), z.object({ polls: z.number(), failures: z.number(), skipped: z.number() }).partial()),
  agents: z.array(agentMeta),
  bots: z.array(botMeta),
  outputFailures: z.array(z.object({ output: z.string(), phase: z.string(), message: z.string() })),
} as const;

type Keys = typeof RUN_META_KEYS;
export type RunMeta = { [K in keyof Keys]?: z.output<Keys[K]> };
export type AgentMeta = z.output<typeof agentMeta>;
export type BotMeta = z.output<typeof botMeta>;

export interface LoadedRunMeta {
  meta: RunMeta;
  /** Keys present but not in the expected shape, for a note in the report. */
  malformed: string[];
}

export async function loadRunMeta(reader: ResultsReader): Promise<LoadedRunMeta> {
  const rows = await reader.rows<{ key: string; value: unknown }>('SELECT key, value FROM run_meta');
  const meta: RunMeta & Record<string, unknown> = {};
  const malformed: string[] = [];
  for (const { key, value } of rows) {
    if (!Object.hasOwn(RUN_META_KEYS, key) || value === null) continue;
    const parsed = RUN_META_KEYS[key as keyof Keys].safeParse(value);
    if (parsed.success) meta[key] = parsed.data;
    else malformed.push(key);
  }
  return { meta, malformed };
}

/** An ISO time from run_meta as epoch ms, or undefined. */
export function metaTime(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
