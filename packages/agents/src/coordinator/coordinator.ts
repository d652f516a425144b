import {
  AGENT_CONNECTED_EVENT,
  AGENT_LOST_EVENT,
  AGENT_OVERSUBSCRIBED_EVENT,
  JltError,
  MessageStamper,
  REFUSAL_RUN_STARTED,
  botStateEvent,
  decodeMessage,
  encodeMessage,
  runPhaseEvent,
  type RunPhaseInfo,
  type AgentMessage,
  type AssignedScenario,
  type BotState,
  type ClockEstimate,
  type CoordinatorMessage,
  type MessageBody,
  type Logger,
  type Plan,
  type PlannedBot,
  type RunEvent,
  type Sample,
} from '@jlt/core';
import type { MessageChannel } from '../transport/channel.js';
import { botCostUnits, botsCostUnits } from '../worker/bot-costs.js';
import { DEFAULT_BOT_BUDGET, botsFittingCores } from '../worker/capacity.js';
import { shardPlan, type ShardOptions } from './shard.js';
import { tokensMatch } from './token.js';

export type AgentLossPolicy = 'fail' | 'continue' | 'redistribute';

/** Where the coordinator puts what agents send. Called synchronously on the event loop; must only buffer. */
export interface CoordinatorSink {
  samples(samples: Sample[]): void;
  events(events: RunEvent[]): void;
  /**
   * How long the oldest data taken but not yet durable has waited, ms. While it exceeds
   * `maxSinkBacklogMs`, acks are held: agents run out of credit and buffer on their side, so the
   * coordinator accepts only what it can make durable in time, whatever its speed.
   */
  backlogAgeMs?(): number;
}

export interface CoordinatorOptions {
  runId: string;
  /** The token agents must present; compared in constant time and never logged. */
  token: string;
  scenarioName: string;
  /** The agents' part of the validated scenario (`assignedScenario`), sent with each share. */
  scenario: AssignedScenario;
  plan: Plan;
  shard: ShardOptions;
  onAgentLoss: AgentLossPolicy;
  expectedAgents: number;
  sink: CoordinatorSink;
  logger: Logger;
  signal: AbortSignal;
  now?: () => number;
  agentWaitTimeoutMs?: number;
  readyTimeoutMs?: number;
  /** Margin between the barrier and the common start, so every agent receives `start` in time. */
  startDelayMs?: number;
  /**
   * Polled every 250 ms while the bots run, with the time since the common start (0 until then); a returned reason
   * ends the run as aborted (abortOnFail).
   */
  shouldAbort?: (elapsedMs: number) => string | undefined;
  /** Heartbeats an agent may miss before it counts as lost (1 s apart). */
  missedHeartbeats?: number;
  /**
   * Sink backlog age above which acks wait; default 100 ms, so that with the samples still in flight
   * (at most the agents' unacked batches) data becomes durable within a second of receipt.
   */
  maxSinkBacklogMs?: number;
}

export type CoordinatorStatus = 'completed' | 'interrupted' | 'agent-lost' | 'aborted';

export interface AgentSummary {
  id: string;
  name: string;
  remoteAddress: string;
  capacity: { cores: number; memoryBytes: number; maxBots: number };
  bots: string[];
  clock: ClockEstimate | undefined;
  lost: boolean;
  rejectedMessages: number;
}

export interface BotRecord {
  bot: PlannedBot;
  agentId: string;
  state: BotState | 'lost' | 'planned';
  reason?: string;
  bridge?: string;
  joined: boolean;
}

export interface CoordinatorResult {
  status: CoordinatorStatus;
  reason?: string;
  startedAt: number | undefined;
  endedAt: number;
  agents: AgentSummary[];
  bots: BotRecord[];
}

interface AgentConnection {
  channel: MessageChannel;
  stamper: MessageStamper<CoordinatorMessage>;
  id?: string;
  name?: string;
  capacity?: AgentSummary['capacity'];
  clock?: ClockEstimate;
  lastSeen: number;
  /** Silence the heartbeat checks counted since its last message (see checkHeartbeats). */
  silentMs: number;
  lastSeq: number;
  ready: boolean;
  /** It was sent an assignment, so it has bots to stop and will answer `stop` with `done`. */
  assigned: boolean;
  done: boolean;
  lost: boolean;
  closed: boolean;
  bots: PlannedBot[];
  rejectedMessages: number;
}

const HEARTBEAT_MS = 1_000;
const TICK_MS = 250;
const HELD_ACK_POLL_MS = 20;

/**
 * Runs one plan over the agents that connect: authenticate → clock sync → shard by capacity →
 * assign → barrier (every agent ready) → one absolute start time → ingest until the plan's end,
 * an interrupt, a lost agent under `fail`, or a threshold abort → stop → wait for done.
 * A malformed, oversized, out-of-order or unauthenticated message is rejected and logged with the
 * agent it came from; it never ends the run.
 *
 * It tells the run how it goes through its sink, as events: a `run-phase` event as it starts
 * waiting for agents (`agents`), assigns them (`preparing`), sends the start (`running`, with the
 * start time) and stops the bots (`stopping`); `agent-connected` and `agent-lost` per agent; and a
 * `bot-state` event whenever an agent reports that a bot's state changed.
 */
export class Coordinator {
  private readonly connections = new Set<AgentConnection>();
  private readonly bots = new Map<string, BotRecord>();
  private readonly now: () => number;
  private nextAgentNumber = 1;
  private lastHeartbeatCheck: number | undefined;
  private phase: 'waiting' | 'assigning' | 'running' | 'stopping' | 'over' = 'waiting';
  private wake: () => void = () => {};
  private lostReason: string | undefined;
  private heldAcks: { connection: AgentConnection; seq: number }[] = [];
  private heldAckTimer: NodeJS.Timeout | undefined;
  /** A bot's share of an agent's capacity: the bench's measured cost of the scenario's browser and the bot's mode. */
  private readonly botCost = (bot: PlannedBot): number => botCostUnits(this.options.scenario.bots.browser, bot.mode);
  /** The capacity an agent's assigned bots take, in the same units. */
  private readonly assignedCost = (bots: readonly PlannedBot[]): number => botsCostUnits(this.options.scenario.bots.browser, bots.map((bot) => bot.mode));

  constructor(private readonly options: CoordinatorOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Hands the coordinator a new connection (from the WebSocket server or an in-process pair). */
  addChannel(channel: MessageChannel): void {
    const connection: AgentConnection = {
      channel,
      stamper: new MessageStamper<CoordinatorMessage>(this.now),
      lastSeen: this.now(),
      silentMs: 0,
      lastSeq: -1,
      ready: false,
      assigned: false,
      done: false,
      lost: false,
      closed: false,
      bots: [],
      rejectedMessages: 0,
    };
    this.connections.add(connection);
    channel.onMessage((frame) => this.onFrame(connection, frame, this.now()));
    channel.onClose((reason) => {
      connection.closed = true;
      if (!connection.id) this.connections.delete(connection);
      else if (!connection.done && (this.phase === 'running' || this.phase === 'assigning')) {
        this.markLost(connection, `connection closed: ${reason}`);
      }
      this.wake();
    });
  }

  async run(): Promise<CoordinatorResult> {
    const { options } = this;
    const log = options.logger;
    let startedAt: number | undefined;
    let status: CoordinatorStatus = 'completed';
    let reason: string | undefined;
    try {
      this.emitPhase({ phase: 'agents' });
      await this.waitUntil(
        () => this.synced().length >= options.expectedAgents,
        options.agentWaitTimeoutMs ?? 60_000,
        () =>
          new JltError(
            'AGENT_LOST',
            `${this.synced().length} of ${options.expectedAgents} agents connected within ${Math.round((options.agentWaitTimeoutMs ?? 60_000) / 1000)} s`,
            { hint: 'start agents with `jlt agent --coordinator URL --token-file F`, or lower --wait-agents' },
          ),
      );
      if (options.signal.aborted) return this.result('interrupted', 'interrupted before start', undefined);

      this.phase = 'assigning';
      const agents = this.synced();
      this.emitPhase({ phase: 'preparing', agents: agents.length });
      const sharded = shardPlan(
        options.plan.bots,
        agents.map((a) => ({ id: a.id!, maxBots: a.capacity!.maxBots })),
        options.shard,
        this.botCost,
      );
      for (const name of sharded.splitConferences) {
        this.emitEvent('conference-split-over-agents', 'warn', `conference ${name} did not fit on one agent and was split`);
      }
      for (const agent of agents) {
        agent.bots = sharded.byAgent.get(agent.id!) ?? [];
        for (const bot of agent.bots) this.bots.set(bot.id, { bot, agentId: agent.id!, state: 'planned', joined: false });
        agent.assigned = true;
        await this.send(agent, {
          type: 'assign',
          runId: options.runId,
          scenario: options.scenario,
          bots: agent.bots,
        });
        log.log('info', `agent ${agent.id} (${agent.name}) runs ${agent.bots.length} bots`);
        const fits = botsFittingCores(agent.capacity!.cores);
        if (this.assignedCost(agent.bots) > fits + 1e-9) {
          this.emitEvent(
            AGENT_OVERSUBSCRIBED_EVENT,
            'warn',
            `agent ${agent.id} (${agent.name}) runs ${agent.bots.length} bots but its ${agent.capacity!.cores} cores fit ${fits} at ${DEFAULT_BOT_BUDGET.coresPerBot} cores per bot: it will be saturated`,
            agent.id,
            undefined,
            { bots: agent.bots.length, fits, cores: agent.capacity!.cores },
          );
        }
      }

      await this.waitUntil(
        () => agents.every((a) => a.ready || a.lost),
        options.readyTimeoutMs ?? 120_000,
        () => new JltError('AGENT_LOST', `agents not ready in time: ${agents.filter((a) => !a.ready).map((a) => a.id).join(', ')}`),
      );
      if (this.lostReason && options.onAgentLoss === 'fail') return this.result('agent-lost', this.lostReason, undefined);
      if (options.signal.aborted) return this.result('interrupted', 'interrupted before start', undefined);

      const maxRtt = Math.max(0, ...agents.map((a) => a.clock?.rttMs ?? 0));
      startedAt = this.now() + (options.startDelayMs ?? 1_000) + maxRtt;
      this.phase = 'running';
      for (const agent of agents) if (!agent.lost) await this.send(agent, { type: 'start', runId: options.runId, atMs: startedAt });
      this.emitPhase({ phase: 'running', startedAt, totalMs: options.plan.totalMs, agents: agents.length });
      log.log('info', `run ${options.runId} starts with ${agents.length} agent(s); ${options.plan.bots.length} bots`);

      const endAt = startedAt + options.plan.totalMs;
      while (this.now() < endAt) {
        if (options.signal.aborted) {
          status = 'interrupted';
          reason = 'interrupted';
          break;
        }
        if (this.lostReason && options.onAgentLoss === 'fail') {
          status = 'agent-lost';
          reason = this.lostReason;
          break;
        }
        if (agents.every((a) => a.lost)) {
          status = 'agent-lost';
          reason = 'every agent was lost';
          break;
        }
        const abort = options.shouldAbort?.(Math.max(0, this.now() - startedAt));
        if (abort) {
          status = 'aborted';
          reason = abort;
          break;
        }
        this.checkHeartbeats();
        await this.sleep(Math.min(TICK_MS, Math.max(1, endAt - this.now())));
      }
      await this.stopAgents(reason ?? 'the plan is complete');
      return this.result(status, reason, startedAt);
    } catch (error) {
      await this.stopAgents('coordinator error');
      throw error;
    } finally {
      this.phase = 'over';
      clearInterval(this.heldAckTimer);
      for (const connection of this.connections) connection.channel.close('run over');
    }
  }

  private result(status: CoordinatorStatus, reason: string | undefined, startedAt: number | undefined): CoordinatorResult {
    for (const record of this.bots.values()) {
      if (record.state === 'planned' || record.state === 'launching' || record.state === 'joining') {
        record.state = 'failed';
        record.reason = startedAt === undefined ? 'the run ended before it started' : 'the run ended before it joined';
        this.emitBotState(record);
      }
    }
    return {
      status,
      ...(reason ? { reason } : {}),
      startedAt,
      endedAt: this.now(),
      agents: this.registered().map((a) => ({
        id: a.id!,
        name: a.name!,
        remoteAddress: a.channel.remoteAddress,
        capacity: a.capacity!,
        bots: a.bots.map((b) => b.id),
        clock: a.clock,
        lost: a.lost,
        rejectedMessages: a.rejectedMessages,
      })),
      bots: [...this.bots.values()].sort((a, b) => a.bot.index - b.bot.index),
    };
  }

  private async stopAgents(reason: string): Promise<void> {
    this.phase = 'stopping';
    // Only an agent with an assignment has bots to stop and answers with `done`.
    const live = this.registered().filter((a) => a.assigned && !a.lost && !a.closed);
    if (live.length > 0) this.emitPhase({ phase: 'stopping' });
    for (const agent of live) await this.send(agent, { type: 'stop', runId: this.options.runId, reason }).catch(() => {});
    // Bots need time to hang up and agents to send their last samples; a stuck agent cannot hold the run.
    await this.waitUntil(() => live.every((a) => a.done || a.closed), 45_000, () => undefined, { evenIfAborted: true }).catch(() => {});
    for (const agent of live.filter((a) => !a.done && !a.closed)) {
      this.emitEvent('agent-stop-timeout', 'warn', `agent ${agent.id} did not confirm it stopped within 45 s`);
    }
  }

  private registered(): AgentConnection[] {
    return [...this.connections].filter((c) => c.id !== undefined);
  }

  private synced(): AgentConnection[] {
    return this.registered().filter((c) => c.clock !== undefined && !c.closed);
  }

  private onFrame(connection: AgentConnection, frame: string | Uint8Array, receivedAt: number): void {
    if (typeof frame !== 'string') return this.reject(connection, `binary frame of ${frame.byteLength} bytes; the protocol sends JSON text frames`);
    const decoded = decodeMessage(frame, { from: 'agent' });
    if (!decoded.ok) {
      this.reject(connection, decoded.error.message);
      if (decoded.error.code === 'wrong-version' && !connection.id) {
        // The refusal travels in this side's version: an agent that cannot read it learns the version from it.
        this.sendNow(connection, { type: 'refused', reason: `${decoded.error.message}; run the same jlt version on the coordinator and its agents` });
        setTimeout(() => connection.channel.close('protocol version mismatch'), 100);
      }
      return;
    }
    const message = decoded.message;
    if (!connection.id && message.type !== 'hello') {
      this.reject(connection, `${message.type} before hello`);
      connection.channel.close('not authenticated');
      return;
    }
    if (message.seq <= connection.lastSeq) {
      this.reject(connection, `out-of-order message ${message.type} seq ${message.seq} after ${connection.lastSeq}`);
      return;
    }
    connection.lastSeq = message.seq;
    connection.lastSeen = receivedAt;
    connection.silentMs = 0;
    this.handle(connection, message, receivedAt);
  }

  private handle(connection: AgentConnection, message: AgentMessage, receivedAt: number): void {
    const { options } = this;
    switch (message.type) {
      case 'hello': {
        if (connection.id) return this.reject(connection, 'second hello');
        if (!tokensMatch(message.token, options.token)) {
          options.logger.log('warn', `refused agent "${message.name}" from ${connection.channel.remoteAddress}: wrong token`);
          this.sendNow(connection, { type: 'refused', reason: 'wrong token' });
          setTimeout(() => connection.channel.close('wrong token'), 100);
          return;
        }
        if (this.phase !== 'waiting' && !(this.phase === 'running' && options.onAgentLoss === 'redistribute')) {
          this.sendNow(connection, { type: 'refused', reason: REFUSAL_RUN_STARTED });
          setTimeout(() => connection.channel.close('late'), 100);
          return;
        }
        connection.id = `agent-${this.nextAgentNumber++}`;
        connection.name = message.name;
        connection.capacity = message.capacity;
        // Coordinator messages carry the addressed agent's id in the envelope; welcome is how it learns it.
        connection.stamper.agentId = connection.id;
        this.sendNow(connection, { type: 'welcome', runId: options.runId });
        options.logger.log('info', `agent ${connection.id} "${message.name}" connected from ${connection.channel.remoteAddress}`, {
          maxBots: message.capacity.maxBots,
        });
        this.emitEvent(AGENT_CONNECTED_EVENT, 'info', `agent ${connection.id} "${message.name}" connected (room for ${message.capacity.maxBots} bots)`, connection.id);
        return;
      }
      case 'time-request':
        this.sendNow(connection, { type: 'time-response', t0: message.t0, t1: receivedAt, t2: this.now() });
        return;
      case 'clock-report':
        connection.clock = { offsetMs: message.offsetMs, rttMs: message.rttMs, uncertaintyMs: message.uncertaintyMs };
        this.wake();
        return;
      case 'ready':
        if (message.runId === options.runId) connection.ready = true;
        this.wake();
        return;
      case 'samples':
        if (message.runId !== options.runId) return this.reject(connection, `samples for unknown run ${message.runId}`);
        options.sink.samples(message.samples);
        this.ack(connection, message.seq);
        return;
      case 'events':
        if (message.runId !== options.runId) return this.reject(connection, `events for unknown run ${message.runId}`);
        options.sink.events(message.events);
        return;
      case 'bot-state': {
        const record = this.bots.get(message.botId);
        if (!record || record.agentId !== connection.id) return this.reject(connection, `bot-state for a bot it does not run: ${message.botId}`);
        if (record.state === 'lost') return;
        record.state = message.state;
        if (message.state === 'joined') record.joined = true;
        if (message.reason !== undefined) record.reason = message.reason;
        if (message.bridge !== undefined) record.bridge = message.bridge;
        this.emitBotState(record);
        return;
      }
      case 'heartbeat':
        return;
      case 'done':
        if (message.runId === options.runId) connection.done = true;
        this.wake();
        return;
    }
  }

  private sinkOverloaded(): boolean {
    return (this.options.sink.backlogAgeMs?.() ?? 0) > (this.options.maxSinkBacklogMs ?? 100);
  }

  /** Acks in arrival order; held while the sink is behind, released together once it caught up. */
  private ack(connection: AgentConnection, seq: number): void {
    if (this.heldAcks.length === 0 && !this.sinkOverloaded()) {
      this.sendNow(connection, { type: 'ack', upToSeq: seq });
      return;
    }
    this.heldAcks.push({ connection, seq });
    this.heldAckTimer ??= setInterval(() => {
      if (this.sinkOverloaded()) return;
      clearInterval(this.heldAckTimer);
      this.heldAckTimer = undefined;
      for (const held of this.heldAcks.splice(0)) {
        if (!held.connection.closed) this.sendNow(held.connection, { type: 'ack', upToSeq: held.seq });
      }
    }, HELD_ACK_POLL_MS);
  }

  private reject(connection: AgentConnection, why: string): void {
    connection.rejectedMessages++;
    const who = connection.id ?? `unauthenticated peer ${connection.channel.remoteAddress}`;
    this.options.logger.log('warn', `rejected a message from ${who}: ${why}`);
    if (connection.rejectedMessages <= 20) {
      this.emitEvent('agent-message-rejected', 'warn', `rejected a message from ${who}: ${why}`, connection.id);
    }
  }

  /**
   * An agent is lost after `missedHeartbeats` heartbeat intervals of silence, counted per check and
   * at most one interval per check: a check that runs late (this process's event loop stalled — a
   * loaded machine, and an in-process agent shares the loop) has not yet read what agents sent
   * meanwhile, so a stall of the coordinator alone never makes an agent lost.
   */
  private checkHeartbeats(): void {
    const limit = (this.options.missedHeartbeats ?? 3) * HEARTBEAT_MS;
    const now = this.now();
    const counted = Math.min(Math.max(0, now - (this.lastHeartbeatCheck ?? now)), HEARTBEAT_MS);
    this.lastHeartbeatCheck = now;
    for (const agent of this.registered()) {
      if (agent.lost || agent.done) continue;
      agent.silentMs += counted;
      if (agent.silentMs > limit) this.markLost(agent, `no heartbeat for ${Math.round((now - agent.lastSeen) / 1000)} s`);
    }
  }

  private markLost(agent: AgentConnection, why: string): void {
    if (agent.lost) return;
    agent.lost = true;
    const reason = `agent ${agent.id} lost: ${why}`;
    this.lostReason ??= reason;
    this.options.logger.log('error', reason);
    this.emitEvent(AGENT_LOST_EVENT, 'error', reason, agent.id);
    const orphans = agent.bots.filter((b) => {
      const state = this.bots.get(b.id)?.state;
      return state !== 'left' && state !== 'failed';
    });
    if (this.options.onAgentLoss === 'redistribute' && this.phase === 'running') this.redistribute(orphans);
    else if (this.options.onAgentLoss !== 'fail') for (const bot of orphans) this.markBotLost(bot, reason);
    agent.channel.close('lost');
  }

  private markBotLost(bot: PlannedBot, reason: string): void {
    const record = this.bots.get(bot.id);
    if (!record) return;
    record.state = 'lost';
    record.reason = reason;
    this.emitEvent('bot-lost', 'warn', `bot ${bot.id} lost with its agent`, record.agentId, bot);
    this.emitBotState(record);
  }

  private redistribute(orphans: PlannedBot[]): void {
    const survivors = this.registered().filter((a) => !a.lost && !a.closed);
    if (survivors.length === 0) {
      for (const bot of orphans) this.markBotLost(bot, 'no agent left to take it');
      return;
    }
    let sharded;
    try {
      sharded = shardPlan(
        orphans,
        survivors.map((a) => ({ id: a.id!, maxBots: a.capacity!.maxBots, assigned: this.assignedCost(a.bots) })),
        this.options.shard,
        this.botCost,
      );
    } catch (error) {
      for (const bot of orphans) this.markBotLost(bot, (error as Error).message);
      return;
    }
    for (const agent of survivors) {
      const moved = sharded.byAgent.get(agent.id!) ?? [];
      if (moved.length === 0) continue;
      agent.bots.push(...moved);
      for (const bot of moved) this.bots.set(bot.id, { bot, agentId: agent.id!, state: 'planned', joined: false });
      this.sendNow(agent, { type: 'add-bots', runId: this.options.runId, bots: moved });
      this.emitEvent('bots-redistributed', 'warn', `${moved.length} bots moved to agent ${agent.id}`, agent.id);
    }
  }

  private emitPhase(info: RunPhaseInfo): void {
    this.options.sink.events([runPhaseEvent(this.now(), info, { scenario: this.options.scenarioName })]);
  }

  private emitBotState(record: BotRecord): void {
    if (record.state === 'planned') return;
    this.options.sink.events([
      botStateEvent(
        this.now(),
        { bot: record.bot.id, state: record.state, ...(record.reason ? { reason: record.reason } : {}), ...(record.bridge ? { bridge: record.bridge } : {}) },
        { scenario: this.options.scenarioName, agent: record.agentId, conference: record.bot.conference },
      ),
    ]);
  }

  private emitEvent(kind: string, level: RunEvent['level'], message: string, agent?: string, bot?: PlannedBot, meta?: RunEvent['meta']): void {
    this.options.sink.events([
      {
        time: this.now(),
        kind,
        level,
        message,
        tags: { scenario: this.options.scenarioName, ...(agent ? { agent } : {}), ...(bot ? { conference: bot.conference } : {}) },
        ...(bot || meta ? { meta: { ...meta, ...(bot ? { bot: bot.id } : {}) } } : {}),
      },
    ]);
  }

  private async send(connection: AgentConnection, body: MessageBody<CoordinatorMessage>): Promise<void> {
    await connection.channel.send(encodeMessage(connection.stamper.stamp(body)));
  }

  private sendNow(connection: AgentConnection, body: MessageBody<CoordinatorMessage>): void {
    this.send(connection, body).catch((error: unknown) => {
      this.options.logger.log('debug', `send to ${connection.id ?? connection.channel.remoteAddress} failed: ${(error as Error).message}`);
    });
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      const signal = this.options.signal;
      const onAbort = (): void => done();
      signal.addEventListener('abort', onAbort, { once: true });
      this.wake = done;
      // The listener goes with the sleep: a run sleeps four times a second, for hours.
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve();
      }
    });
  }

  /**
   * Waits for `condition`, re-checked on every message that may change it and every tick. An interrupt
   * ends the wait, except `evenIfAborted` waits (agents stopping their bots after the interrupt).
   */
  private async waitUntil(
    condition: () => boolean,
    timeoutMs: number,
    onTimeout: () => Error | undefined,
    { evenIfAborted = false } = {},
  ): Promise<void> {
    const deadline = this.now() + timeoutMs;
    while (!condition()) {
      if (this.options.signal.aborted && !evenIfAborted) return;
      if (this.now() > deadline) {
        const error = onTimeout();
        if (error) throw error;
        return;
      }
      if (this.phase === 'running' || this.phase === 'stopping' || this.phase === 'assigning') this.checkHeartbeats();
      await this.sleep(TICK_MS);
    }
  }
}

