import { resolveTargetUrl, type RunContext, type Scenario } from '@jlt/core';
import type { Cleanup } from './cleanup.js';
import { untilInterrupted } from './interrupt.js';
import { assertReachable } from './reachability.js';

export interface StartedTarget {
  /** The URL bots open, credentials included (never print it: use redactUrl). */
  url: string;
  bridges: { id: string; restUrl: string; mediaAddress: string }[];
}

/**
 * A meeting or page URL must answer HTTP before the run creates its results directory: a dead or
 * mistyped host is bad input, reported at once with nothing to clean up. A testbed is started
 * later, by startTarget. An interrupt ends the wait at once.
 */
export async function checkTargetUrl(scenario: Scenario, targetUrl: string | undefined, ctx: RunContext): Promise<void> {
  if (scenario.target.kind === 'testbed') return;
  const url = resolveTargetUrl(scenario, { targetUrl, env: ctx.env })!;
  await untilInterrupted(assertReachable(url, ctx.signal), ctx.signal, 'loading');
}

/**
 * The target the bots join: the testbed, started here in a worker thread (stopped in cleanup), or
 * the meeting URL checkTargetUrl found reachable. An interrupt ends the wait at once; a testbed
 * still starting is stopped by the cleanup registered before it was asked to start.
 */
export async function startTarget(scenario: Scenario, targetUrl: string | undefined, ctx: RunContext, cleanup: Cleanup): Promise<StartedTarget> {
  if (scenario.target.kind === 'testbed') {
    const { startTestbedThread } = await import('./testbed-thread.js');
    const starting = startTestbedThread({ bridges: scenario.target.bridges, octo: scenario.target.octo, strategy: scenario.target.strategy }, ctx.logger);
    cleanup.add('testbed', async () => (await starting.catch(() => undefined))?.stop());
    const testbed = await untilInterrupted(starting, ctx.signal, 'target');
    ctx.logger.log('info', `testbed up at ${testbed.url} with ${testbed.bridges.length} bridge(s)`);
    return { url: testbed.url, bridges: testbed.bridges };
  }
  return { url: resolveTargetUrl(scenario, { targetUrl, env: ctx.env })!, bridges: [] };
}
