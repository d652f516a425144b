import { randomBytes } from 'node:crypto';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  ExitCode,
  JltError,
  MetricRegistry,
  ThresholdEvaluator,
  buildSummary,
  formatSummary,
  loadScenarioFile,
  resolveTargetUrl,
  type RunContext,
  type RunEvent,
  type RunStatus,
  type Sample,
  type Tags,
  type Scenario,
  type Summary,
  type Output,
  type RunInfo,
  type ThresholdResult,
  OutputManager,
  assignedScenario,
  scenarioOutputs,
} from '@jlt/core';
import {
  Coordinator,
  botCapacity,
  createChannelPair,
  hostResources,
  listenForChannels,
  runAgentSession,
  workerShareFactory,
  DEFAULT_BOT_BUDGET,
  type ChannelServer,
  type CoordinatorResult,
  bridgeSourceFromTarget,
  startServerCollectors,
} from '@jlt/agents';
import { ResultsStore, builtinOutputRegistry } from '@jlt/reporters';
import { startLocalAgents, type LocalAgents } from './local-agents.js';
import { startProgress } from './progress.js';
import { assertReachable } from './reachability.js';
import { makeRunId } from './run-id.js';

export interface RunOverrides {
  targetUrl?: string;
  /** Results directory; default `results/<run-id>` under the working directory. */
  out?: string;
  summaryExport?: string;
  /** Local agent processes; 0 runs one agent inside this process. */
  agents?: number;
  /** Remote agents to wait for (with `listen`). */
  waitAgents?: number;
  /** `HOST:PORT` where remote agents connect. */
  listen?: string;
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Terminal colours for the end summary. */
  color?: boolean;
}


export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
  resultsDir: string;
  summary: Summary;
  thresholds: ThresholdResult[];
}

const STATUS_EXIT_CODES: Record<RunStatus, number> = {
  passed: ExitCode.passed,
  'thresholds-failed': ExitCode.thresholdsFailed,
  aborted: ExitCode.abortedByThreshold,
  interrupted: ExitCode.interrupted,
  'agent-lost': ExitCode.agentLost,
  error: ExitCode.internalError,
};

/** What runs at the end in reverse order of registration, each step even if an earlier one failed. */
class Cleanup {
  private readonly steps: { name: string; run: () => Promise<void> }[] = [];
  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }
  async runAll(ctx: RunContext): Promise<void> {
    for (const step of this.steps.reverse()) {
      await step.run().catch((error: unknown) => ctx.logger.log('warn', `cleanup of ${step.name} failed: ${(error as Error).message}`));
    }
  }
}

/**
 * Runs one scenario end to end, in this order: load and plan → results store → target (testbed
 * started here, or a reachable URL) → coordinator and agents (in-process, local processes, or remote)
 * → ingest until the plan ends → thresholds → summary. Everything collected is kept whatever
 * happens; the status says how the run ended and only the CLI turns it into an exit code.
 */
export async function runScenario(file: string, overrides: RunOverrides, ctx: RunContext): Promise<RunOutcome> {
  const loaded = await loadScenarioFile(resolve(ctx.cwd, file), { env: ctx.env, targetUrl: overrides.targetUrl });
  const { scenario, plan, thresholds } = loaded;
  const registry = new MetricRegistry();
  const evaluator = new ThresholdEvaluator(thresholds, registry);
  const runId = makeRunId(scenario.name, ctx.now());
  const resultsDir = resolve(ctx.cwd, overrides.out ?? join('results', runId));
  const cleanup = new Cleanup();
  const store = await ResultsStore.create(resultsDir, {
    runId,
    scenario: scenario.name,
    scenarioFile: file,
    createdAt: new Date(ctx.now()).toISOString(),
    plan: { bots: plan.bots.length, conferences: plan.conferences.length, rampUpMs: plan.rampUpMs, holdMs: plan.holdMs },
    thresholds: thresholds.map((t) => `${t.key}: ${t.expression.source}`),
    status: 'running',
  });
  cleanup.add('results store', () => store.close());
  ctx.logger.log('info', `run ${runId}: results in ${resultsDir}`);

  let coordinatorResult: CoordinatorResult | undefined;
  const joined = new Set<string>();
  const failed = new Set<string>();
  let startedAt: number | undefined;
  try {
    const target = await startTarget(scenario, overrides, ctx, cleanup);
    await store.updateMeta({ target: { kind: scenario.target.kind, url: redactUrl(target.url), bridges: target.bridges } });

    const outputs = await startOutputs(scenario, { runId, file, plan, resultsDir, startedAt: ctx.now() }, ctx, cleanup);
    const ingest = (samples: readonly Sample[]): void => {
      for (const sample of samples) registry.add(sample);
      store.addSamples(samples);
      outputs.addSamples(samples);
    };
    const recordEvents = (events: RunEvent[]): void => {
      store.addEvents(events);
      outputs.addEvents(events);
      for (const event of events) {
        if (event.level !== 'info') ctx.logger.log(event.level, event.message, event.meta?.bot ? { bot: event.meta.bot } : undefined);
      }
    };
    const collectors = await startServerCollectors({
      scenario: scenario.name,
      collect: scenario.collect,
      ...withDefined('bridges', bridgeSourceFromTarget(scenario.target, scenario.target.kind === 'testbed' ? { kind: 'testbed', bridges: target.bridges } : undefined)),
      bridgeAddresses: Object.fromEntries(target.bridges.map((b) => [b.mediaAddress, b.id])),
      env: ctx.env,
      now: () => ctx.now(),
      sink: { samples: ingest, events: recordEvents, placement: (records) => store.addPlacement(records) },
      logger: ctx.logger,
      signal: ctx.signal,
    });
    cleanup.add('server collectors', () => collectors.stop());
    const retag = (sample: Sample, retagged: Map<Tags, Tags>): Sample => {
      const bridge = sample.tags.bridge;
      const id = bridge === undefined ? undefined : collectors.placement.resolveBridge(bridge);
      if (id === undefined || id === bridge) return sample;
      // Samples of one batch share their tags object; so do their retagged copies.
      let tags = retagged.get(sample.tags);
      if (tags === undefined) {
        tags = { ...sample.tags, bridge: id };
        retagged.set(sample.tags, tags);
      }
      return { ...sample, tags };
    };
    const sink = {
      samples(samples: Sample[]): void {
        const retagged = new Map<Tags, Tags>();
        const tagged = samples.map((sample) => retag(sample, retagged));
        for (const sample of tagged) {
          if (sample.metric === 'bot_join_success' && typeof sample.meta?.bot === 'string') {
            (sample.value === 1 ? joined : failed).add(sample.meta.bot);
          }
        }
        collectors.placement.observeBotSamples(tagged);
        ingest(tagged);
      },
      events: recordEvents,
      backlogAgeMs: () => store.pendingAgeMs(),
    };

    const token = overrides.tokenFile ? await readToken(overrides.tokenFile) : randomBytes(24).toString('hex');
    const remote = overrides.listen !== undefined || (overrides.waitAgents ?? 0) > 0;
    const localProcesses = overrides.agents ?? 0;
    const expectedAgents = remote ? Math.max(1, overrides.waitAgents ?? 1) : Math.max(1, localProcesses);
    const coordinator = new Coordinator({
      runId,
      token,
      scenarioName: scenario.name,
      scenario: assignedScenario(scenario, target.url),
      plan,
      shard: { placement: scenario.placement.strategy, keepConferencesTogether: scenario.placement.keepConferencesTogether },
      onAgentLoss: scenario.placement.onAgentLoss,
      expectedAgents,
      sink,
      logger: ctx.logger,
      signal: ctx.signal,
      now: () => ctx.now(),
      agentWaitTimeoutMs: remote ? 300_000 : 60_000,
      shouldAbort: () => {
        if (startedAt === undefined) return undefined;
        const failing = evaluator.poll({ elapsedMs: ctx.now() - startedAt }).abort[0];
        return failing && `threshold ${failing.definition.key} ${failing.definition.expression.source} failed (abortOnFail)`;
      },
    });

    let server: ChannelServer | undefined;
    let localAgents: LocalAgents | undefined;
    let inProcessAgent: Promise<unknown> | undefined;
    if (remote || localProcesses > 0) {
      const [host, port] = parseListen(overrides.listen ?? '127.0.0.1:0');
      server = await listenForChannels({
        host,
        port,
        ...(overrides.tlsCert && overrides.tlsKey ? { tls: { certFile: overrides.tlsCert, keyFile: overrides.tlsKey } } : {}),
        onChannel: (channel) => coordinator.addChannel(channel),
      });
      const listening = server;
      cleanup.add('agent listener', () => listening.close());
      if (remote) ctx.logger.log('info', `waiting for ${expectedAgents} agent(s) at ${server.url}`);
      if (localProcesses > 0) {
        localAgents = await startLocalAgents(localProcesses, server.url, token, ctx.logger);
        const started = localAgents;
        cleanup.add('local agents', () => started.stop());
      }
    } else {
      // The coordinator stops this agent (stop → bots leave → done) also on Ctrl-C; its own signal
      // only fires in cleanup, if the orderly stop did not finish.
      const agentAbort = new AbortController();
      cleanup.add('in-process agent', async () => agentAbort.abort());
      const [coordinatorSide, agentSide] = createChannelPair();
      coordinator.addChannel(coordinatorSide);
      const host = hostResources();
  const capacity = botCapacity(host, DEFAULT_BOT_BUDGET);
      inProcessAgent = runAgentSession({
        channel: agentSide,
        token,
        name: hostname(),
        version: 'in-process',
        capacity: { cores: host.cores, memoryBytes: host.totalMemoryBytes, maxBots: capacity.maxBots },
        createShare: workerShareFactory({ logger: ctx.logger, artifactsDir: join(resultsDir, 'artifacts') }),
        logger: ctx.logger,
        signal: agentAbort.signal,
        now: () => ctx.now(),
      });
    }

    const stopProgress = startProgress(ctx.stderr, {
      elapsedMs: () => (startedAt === undefined ? 0 : ctx.now() - startedAt),
      totalMs: plan.totalMs,
      botsPlanned: plan.bots.length,
      botsJoined: () => joined.size,
      botsFailed: () => failed.size,
      samples: () => registry.sampleCount,
    });
    cleanup.add('progress', async () => stopProgress());
    const watchStart = setInterval(() => {
      startedAt ??= coordinator.startedAt;
    }, 100);
    try {
      coordinatorResult = await coordinator.run();
    } finally {
      clearInterval(watchStart);
      await inProcessAgent?.catch((error: unknown) => ctx.logger.log('error', `in-process agent failed: ${(error as Error).message}`));
    }
    startedAt = coordinatorResult.startedAt ?? startedAt;
    await collectors.stop();
    await store.updateMeta({
      placement: collectors.placement.summary(),
      collectorPolls: collectors.counts(),
      startedAt: startedAt && new Date(startedAt).toISOString(),
      agents: coordinatorResult.agents.map((a) => ({
        id: a.id,
        name: a.name,
        address: a.remoteAddress,
        bots: a.bots.length,
        lost: a.lost,
        clockOffsetMs: a.clock?.offsetMs,
        clockUncertaintyMs: a.clock?.uncertaintyMs,
        clockRttMs: a.clock?.rttMs,
        rejectedMessages: a.rejectedMessages,
      })),
      bots: coordinatorResult.bots.map((b) => ({ id: b.bot.id, conference: b.bot.conference, agent: b.agentId, state: b.state, bridge: b.bridge && (collectors.placement.resolveBridge(b.bridge) ?? b.bridge), reason: b.reason })),
    });
    const outcome = await finishRun();
    await outputs.runEnd({
      status: outcome.status,
      endedAt: coordinatorResult.endedAt,
      thresholds: outcome.thresholds,
      summary: outcome.summary,
      insights: [],
      outputFailures: outputs.failures.map((f) => ({ output: f.output, phase: f.phase, message: f.error instanceof Error ? f.error.message : String(f.error) })),
    });
    return outcome;
  } catch (error) {
    await store.updateMeta({ status: 'error', error: (error as Error).message }).catch(() => {});
    throw error;
  } finally {
    await cleanup.runAll(ctx).catch(() => {});
  }

  /** Final thresholds, summary and status, written while the store is still open. */
  async function finishRun(): Promise<RunOutcome> {
    const endedAt = coordinatorResult?.endedAt ?? ctx.now();
    const durationMs = startedAt === undefined ? 0 : endedAt - startedAt;
    const finalResults = evaluator.final({ elapsedMs: durationMs });
    const status = statusOf(coordinatorResult, finalResults.every((r) => r.passed));
    const summary = buildSummary(
      registry,
      finalResults,
      {
        planned: plan.bots.length,
        joined: coordinatorResult?.bots.filter((b) => b.joined).length ?? joined.size,
        failed: coordinatorResult?.bots.filter((b) => b.state === 'failed').length ?? failed.size,
      },
      { scenario: scenario.name, runId, startedAt: startedAt ?? endedAt, durationMs, status },
    );
    await writeSummaryFiles(summary, store, overrides, ctx);
    await store.updateMeta({ status, endedAt: new Date(endedAt).toISOString(), ...(coordinatorResult?.reason ? { reason: coordinatorResult.reason } : {}) });
    ctx.stdout.write(`\n${formatSummary(summary, { color: overrides.color ?? false })}\n`);
    if (coordinatorResult?.reason && status !== 'passed') ctx.stderr.write(`run ended: ${coordinatorResult.reason}\n`);
    ctx.stdout.write(`results: ${resultsDir}\n`);
    return { status, exitCode: STATUS_EXIT_CODES[status], resultsDir, summary, thresholds: finalResults };
  }
}

/** Starts the scenario's outputs (json, junit, …) in order; they are stopped in reverse in cleanup. */
async function startOutputs(
  scenario: Scenario,
  run: { runId: string; file: string; plan: RunInfo['plan']; resultsDir: string; startedAt: number },
  ctx: RunContext,
  cleanup: Cleanup,
): Promise<OutputManager> {
  const registry = builtinOutputRegistry();
  const outputs: Output[] = [];
  for (const { name, options } of scenarioOutputs(scenario.outputs)) {
    outputs.push(await registry.create(name, options, { context: ctx, resultsDir: run.resultsDir }));
  }
  const manager = new OutputManager(outputs, ctx.logger);
  await manager.start({ runId: run.runId, scenario: scenario.name, scenarioFile: run.file, startedAt: run.startedAt, plan: run.plan, scenarioJson: scenario });
  cleanup.add('outputs', () => manager.stop());
  return manager;
}

function withDefined<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function statusOf(result: CoordinatorResult | undefined, thresholdsPassed: boolean): RunStatus {
  switch (result?.status) {
    case undefined:
      return 'error';
    case 'interrupted':
      return 'interrupted';
    case 'agent-lost':
      return 'agent-lost';
    case 'aborted':
      return 'aborted';
    case 'completed':
      return thresholdsPassed ? 'passed' : 'thresholds-failed';
  }
}

async function writeSummaryFiles(summary: Summary, store: ResultsStore, overrides: RunOverrides, ctx: RunContext): Promise<void> {
  await store.writeJson('summary.json', summary);
  if (overrides.summaryExport) {
    const path = resolve(ctx.cwd, overrides.summaryExport);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, `${JSON.stringify(summary, null, 2)}\n`);
  }
}

interface StartedTarget {
  url: string;
  bridges: { id: string; restUrl: string; mediaAddress: string }[];
}

async function startTarget(scenario: Scenario, overrides: RunOverrides, ctx: RunContext, cleanup: Cleanup): Promise<StartedTarget> {
  if (scenario.target.kind === 'testbed') {
    const { startTestbedThread } = await import('./testbed-thread.js');
    const testbed = await startTestbedThread(
      { bridges: scenario.target.bridges, octo: scenario.target.octo, strategy: scenario.target.strategy },
      ctx.logger,
    );
    cleanup.add('testbed', () => testbed.stop());
    ctx.logger.log('info', `testbed up at ${testbed.url} with ${testbed.bridges.length} bridge(s)`);
    return { url: testbed.url, bridges: testbed.bridges };
  }
  const url = resolveTargetUrl(scenario, { targetUrl: overrides.targetUrl, env: ctx.env })!;
  await assertReachable(url, ctx.signal);
  return { url, bridges: [] };
}

async function readToken(file: string): Promise<string> {
  try {
    const token = (await readFile(file, 'utf8')).trim();
    if (token === '') throw new Error('the file is empty');
    return token;
  } catch (error) {
    throw new JltError('INVALID_ARGUMENT', `cannot read the agent token from ${file}: ${(error as Error).message}`, {
      hint: 'write a random token to a file readable only by you, e.g. `openssl rand -hex 24 > token && chmod 600 token`',
    });
  }
}

export function parseListen(value: string): [string, number] {
  const match = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535) {
    throw new JltError('INVALID_ARGUMENT', `--listen must be HOST:PORT (got "${value}")`, { hint: 'for example --listen 0.0.0.0:7800' });
  }
  return [match[1]!.replace(/^\[|\]$/g, ''), port];
}

/** Drops credentials from a URL before it is logged or stored. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.username || parsed.password) {
    parsed.username = 'redacted';
    parsed.password = '';
  }
  return parsed.toString();
}
