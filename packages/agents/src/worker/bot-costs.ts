import type { BotBrowser, BotMode } from '@jlt/core';

/** What one way of running bots cost per bot in a bench run. */
export interface MeasuredBotCost {
  browser: BotBrowser;
  mode: BotMode;
  coresPerBot: number;
  pssMiBPerBot: number;
}

/**
 * Per-bot costs measured by `bench/bots-per-core.ts` (bench/README.md, "Headless shell and lite
 * receivers"): `node dist/bots-per-core.js --shape 1x5:1 --seconds 15 --ways
 * script,agent,agent-shell,lite-receivers`, 1 Dec 2026, one conference of 5 with 1 sender,
 * 320×180@15 + audio, ways (b), (b-shell) and (c). Each figure is a conference's average, so the lite
 * one includes its full sender and understates what a lite receiver saves. The first entry is the
 * reference: a full chromium bot, which `BotBudget` and every agent's `maxBots` count in.
 */
export const MEASURED_BOT_COSTS: readonly [MeasuredBotCost, ...MeasuredBotCost[]] = [
  { browser: 'chromium', mode: 'full', coresPerBot: 0.124, pssMiBPerBot: 169 },
  { browser: 'headless-shell', mode: 'full', coresPerBot: 0.109, pssMiBPerBot: 94 },
  { browser: 'headless-shell', mode: 'lite', coresPerBot: 0.087, pssMiBPerBot: 96 },
];

/**
 * A bot's share of an agent's capacity, in full chromium bots: the larger of its measured CPU and
 * memory ratios to the reference (capacity is the smaller of the CPU and memory limits, so whichever
 * binds, the bot fits). A way not measured (a lite bot on chromium) costs a full bot of its browser.
 */
export function botCostUnits(browser: BotBrowser, mode: BotMode, costs: readonly [MeasuredBotCost, ...MeasuredBotCost[]] = MEASURED_BOT_COSTS): number {
  const [reference] = costs;
  const measured = costs.find((c) => c.browser === browser && c.mode === mode) ?? costs.find((c) => c.browser === browser && c.mode === 'full') ?? reference;
  return Math.max(measured.coresPerBot / reference.coresPerBot, measured.pssMiBPerBot / reference.pssMiBPerBot);
}

/** The capacity a set of bots takes, in full chromium bots. */
export function botsCostUnits(browser: BotBrowser, modes: readonly BotMode[]): number {
  return modes.reduce((sum, mode) => sum + botCostUnits(browser, mode), 0);
}
