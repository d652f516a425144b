import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import {
  MetricRegistry,
  MetricsOutput,
  OutputManager,
  ThresholdEvaluator,
  assignedScenario,
  isJltError,
  loadScenarioFile,
  runPhaseEvent,
  type CollectOptions,
  type RunPhase,
} from '@jlt/core';
import { Coordinator, botsCostUnits, bridgeSourceFromTarget, startServerCollectors } from '@jlt/agents';
import { DEFAULT_OUTPUTS, ProgressOutput, REPORT_OUTPUT, ResultsStore, StoreOutput, SummaryOutput, builtinOutputRegistry, computeInsights } from '@jlt/reporters';
import type { CliContext } from '../context.js';
import { planTopology, startAgents } from './agent-topology.js';
import { Cleanup } from './cleanup.js';
import { finishRun, type RunOutcome } from './finish.js';
import { RunIngest } from './ingest.js';
import { throwIfInterrupted, untilInterrupted } from './interrupt.js';
import { createOutputs, selectOutputs } from './output-selection.js';
import { makeRunId } from './run-id.js';
import { failureMeta, initialMeta, outcomeMeta, targetMeta } from './run-metadata.js';
import type { RunOptions } from './run-options.js';
import { checkTargetUrl, startTarget } from './target.js';
import { readTokenFile } from './token-file.js';

export type { RunOutcome } from './finish.js';

/**
 * Runs one scenario end to end: load and plan → check the plan fits the agents → results store →
 * outputs → target → server collectors → coordinator and agents → finish (thresholds, insights,
 * reports). Everything a run collects enters one fan-out (RunIngest → OutputManager); this function
 * only composes. Whatever happens, what was collected stays in the results store; the status says
 * how the run ended, and only the CLI turns it into an exit code. An interrupt during a step that
 * the coordinator does not own ends that step at once (JltError INTERRUPTED, exit 130).
 */
export async function runScenario(options: RunOptions, ctx: CliContext): Promise<RunOutcome> {
  let phase: RunPhase = 'loading';
  throwIfInterrupted(ctx.signal, phase);
  const loaded = await untilInterrupted(loadScenarioFile(resolve(ctx.cwd, options.file), { env: ctx.env, targetUrl: options.targetUrl }), ctx.signal, phase);
  const { scenario, plan, thresholds } = loaded;
  registerSecrets(ctx, scenario.target.kind === 'testbed' ? undefined : scenario.target.url, scenario.collect);
  const room = botsCostUnits(scenario.bots.browser, plan.bots.map((bot) => bot.mode));
  const topology = planTopology(options, { bots: plan.bots.length, room }, ctx.logger);
  const registry = builtinOutputRegistry();
  const selected = await selectOutputs(registry, {
    requests: options.outputs,
    scenario,
    defaults: DEFAULT_OUTPUTS,
    ...(options.report ? {} : { withoutDefault: REPORT_OUTPUT }),
    cwd: ctx.cwd,
  });
  const token = options.tokenFile === undefined ? randomBytes(24).toString('hex') : await readTokenFile(options.tokenFile);
  ctx.redactor.add(token);
  await checkTargetUrl(scenario, options.targetUrl, ctx);
  throwIfInterrupted(ctx.signal, phase);

  phase = 'results';
  const runId = makeRunId(scenario.name, ctx.now());
  const resultsDir = resolve(ctx.cwd, options.resultsDir ?? join('results', runId));
  ctx.logger.log('info', `run ${runId}: results in ${resultsDir}`);
  const store = await ResultsStore.create(resultsDir, initialMeta(loaded, { runId, file: options.file, createdAt: ctx.now() }));
  const cleanup = new Cleanup();
  cleanup.add('results store', () => store.close());
  let interruptedWhile: RunPhase | undefined;
  const onInterrupt = (): void => void (interruptedWhile ??= phase);
  if (ctx.signal.aborted) onInterrupt();
  else ctx.signal.addEventListener('abort', onInterrupt, { once: true });

  try {
    throwIfInterrupted(ctx.signal, phase, resultsDir);
    phase = 'outputs';
    const metrics = new MetricsOutput(new MetricRegistry());
    const context = { context: ctx, resultsDir, results: store.results };
    const manager = new OutputManager(
      [
        metrics,
        new StoreOutput(store),
        new ProgressOutput({ terminal: ctx.terminal, plan: { bots: plan.bots.length, conferences: plan.conferences.length, totalMs: plan.totalMs }, now: () => ctx.now() }),
        ...(await createOutputs(registry, selected, context)),
        new SummaryOutput({ stdout: ctx.stdout, color: ctx.color, resultsDir, cwd: ctx.cwd, ...(options.summaryExport === undefined ? {} : { exportFile: resolve(ctx.cwd, options.summaryExport) }) }),
      ],
      ctx.logger,
    );
    await manager.start({ runId, scenario: scenario.name, scenarioFile: options.file, startedAt: ctx.now(), plan, scenarioJson: ctx.redactor.value(scenario) });
    cleanup.add('outputs', () => manager.stop());
    const ingest = new RunIngest(manager, store, ctx.redactor, (next) => (phase = next));
    const announce = (next: RunPhase): void => ingest.events([runPhaseEvent(ctx.now(), { phase: next }, { scenario: scenario.name })]);
    throwIfInterrupted(ctx.signal, phase, resultsDir);

    announce('target');
    const target = await startTarget(scenario, options.targetUrl, ctx, cleanup);
    await store.updateMeta(targetMeta(scenario.target.kind, target));
    throwIfInterrupted(ctx.signal, phase, resultsDir);

    const collectors = await startServerCollectors({
      scenario: scenario.name,
      collect: scenario.collect,
      ...withDefined('bridges', bridgeSourceFromTarget(scenario.target, scenario.target.kind === 'testbed' ? { kind: 'testbed', bridges: target.bridges } : undefined)),
      bridgeAddresses: Object.fromEntries(target.bridges.map((b) => [b.mediaAddress, b.id])),
      env: ctx.env,
      now: () => ctx.now(),
      sink: { samples: ingest.samples, events: ingest.events, placement: (records) => manager.addPlacement(records) },
      logger: ctx.logger,
      signal: ctx.signal,
    });
    cleanup.add('server collectors', () => collectors.stop());
    ingest.useCollectors(collectors);

    const evaluator = new ThresholdEvaluator(thresholds, metrics.registry);
    const coordinator = new Coordinator({
      runId,
      token,
      scenarioName: scenario.name,
      scenario: assignedScenario(scenario, target.url),
      plan,
      shard: { placement: scenario.placement.strategy, keepConferencesTogether: scenario.placement.keepConferencesTogether },
      onAgentLoss: scenario.placement.onAgentLoss,
      expectedAgents: topology.expectedAgents,
      sink: ingest.agentSink,
      logger: ctx.logger,
      signal: ctx.signal,
      now: () => ctx.now(),
      agentWaitTimeoutMs: topology.kind === 'remote' ? 300_000 : 60_000,
      shouldAbort: (elapsedMs) => {
        const failing = evaluator.poll({ elapsedMs }).abort[0];
        return failing && `threshold ${failing.definition.key} ${failing.definition.expression.source} failed (abortOnFail)`;
      },
    });
    const agents = await startAgents({ topology, coordinator, options, token, resultsDir, ctx, cleanup });
    let result;
    try {
      result = await coordinator.run();
    } finally {
      await agents.inProcess?.catch((error: unknown) => ctx.logger.log('error', `in-process agent failed: ${(error as Error).message}`));
    }
    await collectors.stop();
    await store.updateMeta(outcomeMeta(result, collectors));
    return await finishRun({
      result,
      scenario: scenario.name,
      runId,
      plannedBots: plan.bots.length,
      registry: metrics.registry,
      evaluator,
      outputs: manager,
      ingest,
      store,
      resultsDir,
      computeInsights,
      interruptedWhile: () => interruptedWhile,
      ctx,
    });
  } catch (error) {
    const interruptedNow = isJltError(error) && error.code === 'INTERRUPTED' ? (interruptedWhile ?? phase) : undefined;
    await store.updateMeta(failureMeta(error, interruptedNow)).catch(() => {});
    throw error;
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
    await cleanup.runAll(ctx.logger);
  }
}

/** Secrets the scenario makes this run handle, so that no log line, event or result shows them. */
function registerSecrets(ctx: CliContext, targetUrl: string | undefined, collect: CollectOptions): void {
  if (targetUrl !== undefined) {
    const password = URL.canParse(targetUrl) ? new URL(targetUrl).password : '';
    if (password !== '') ctx.redactor.add(password, decodeURIComponent(password));
  }
  const auth = collect.prometheus?.auth;
  if (auth !== undefined) ctx.redactor.add(ctx.env['basic' in auth ? auth.basic.passwordEnv : auth.bearerTokenEnv]);
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
