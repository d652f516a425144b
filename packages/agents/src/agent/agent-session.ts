import {
  ClockEstimator,
  DEFAULT_MAX_UNACKED_BATCHES,
  JltError,
  MessageStamper,
  REFUSAL_RUN_STARTED,
  decodeMessage,
  encodeMessage,
  type AgentMessage,
  type MessageBody,
  type CoordinatorMessage,
  type Logger,
  type RunEvent,
} from '@jlt/core';
import type { MessageChannel } from '../transport/channel.js';
import { SampleBatcher } from './sample-batcher.js';
import type { Share, ShareFactory, ShareSink } from './share.js';

export interface AgentCapacity {
  cores: number;
  memoryBytes: number;
  maxBots: number;
}

export interface AgentSessionOptions {
  channel: MessageChannel;
  token: string;
  name: string;
  version: string;
  capacity: AgentCapacity;
  createShare: ShareFactory;
  logger: Logger;
  signal: AbortSignal;
  now?: () => number;
  /**
   * Time exchanges at connect (default 16); the min-RTT one is kept. More exchanges give a busy
   * machine more chances at one without queueing delay, whose error is only half the path asymmetry.
   */
  initialExchanges?: number;
  /** How often the clock is re-synchronised during a run. */
  resyncIntervalMs?: number;
}

export type SessionEnd =
  | { kind: 'refused'; reason: string }
  | { kind: 'disconnected'; reason: string }
  | { kind: 'aborted' };

const HEARTBEAT_INTERVAL_MS = 1_000;
const EVENTS_INTERVAL_MS = 250;
const WELCOME_TIMEOUT_MS = 10_000;

/**
 * One agent's side of the protocol, over one channel, serving one run after another until the
 * channel closes or `signal` aborts:
 * 1. hello → welcome (or refused, which ends the session with the coordinator's reason);
 * 2. NTP-style exchanges, then a clock-report; re-synchronised every `resyncIntervalMs`;
 * 3. assign → share.prepare() → ready; start → share.start at the agreed coordinator time;
 * 4. samples go up in acked batches, events and bot states as they happen, a heartbeat every second;
 * 5. stop (or the share finishing) → every bot leaves, all samples are acked, then done.
 */
export async function runAgentSession(options: AgentSessionOptions): Promise<SessionEnd> {
  const now = options.now ?? Date.now;
  const stamper = new MessageStamper<AgentMessage>(now);
  // The window holds every connect-time exchange, so the best of them is kept until resyncs replace it.
  const clock = new ClockEstimator(16);
  const { channel, logger } = options;
  const send = async (body: MessageBody<AgentMessage>): Promise<number> => {
    const message = stamper.stamp(body);
    await channel.send(encodeMessage(message));
    return message.seq;
  };

  let share: Share | undefined;
  let runId: string | undefined;
  let end: SessionEnd | undefined;
  let resolveEnd: (end: SessionEnd) => void = () => {};
  const ended = new Promise<SessionEnd>((resolve) => (resolveEnd = resolve));
  const finish = (value: SessionEnd): void => {
    if (end) return;
    end = value;
    resolveEnd(value);
  };

  const pendingTimeRequests = new Map<number, (t3: number, t1: number, t2: number) => void>();
  const events: RunEvent[] = [];
  const batcher = new SampleBatcher(
    (samples) => send({ type: 'samples', runId: runId!, samples }),
    {
      maxUnacked: DEFAULT_MAX_UNACKED_BATCHES,
      maxBatch: 2_000,
      intervalMs: 200,
      onSendError: (error) => logger.log('error', `cannot send samples to the coordinator: ${error.message}`),
    },
  );

  const syncClock = async (exchanges: number): Promise<void> => {
    for (let i = 0; i < exchanges && !end; i++) {
      const t0 = now();
      const answered = new Promise<void>((resolve) => {
        pendingTimeRequests.set(t0, (t3, t1, t2) => {
          clock.addExchange({ t0, t1, t2, t3 });
          resolve();
        });
        setTimeout(resolve, 2_000);
      });
      await send({ type: 'time-request', t0 });
      await answered;
      pendingTimeRequests.delete(t0);
    }
    const estimate = clock.estimate();
    if (estimate) await send({ type: 'clock-report', ...estimate });
  };

  const onMessage = async (message: CoordinatorMessage): Promise<void> => {
    switch (message.type) {
      case 'welcome':
        stamper.agentId = message.agentId;
        await syncClock(options.initialExchanges ?? 16);
        return;
      case 'refused':
        logger.log(message.reason === REFUSAL_RUN_STARTED ? 'info' : 'error', `coordinator refused this agent: ${message.reason}`);
        finish({ kind: 'refused', reason: message.reason });
        return;
      case 'time-response':
        pendingTimeRequests.get(message.t0)?.(now(), message.t1, message.t2);
        return;
      case 'assign': {
        runId = message.runId;
        const sink: ShareSink = {
          samples: (samples) => batcher.add(samples),
          events: (list) => events.push(...list),
          botState: (botId, state, info) =>
            void send({ type: 'bot-state', runId: message.runId, botId, state, ...info }).catch(() => {}),
        };
        share = options.createShare(
          { runId: message.runId, agentId: stamper.agentId ?? options.name, scenario: message.scenario, bots: message.bots },
          sink,
          { toCoordinatorTime: (localMs) => clock.toCoordinatorTime(localMs) },
          options.signal,
        );
        batcher.start();
        try {
          await share.prepare();
          await send({ type: 'ready', runId: message.runId });
        } catch (error) {
          events.push({ time: clock.toCoordinatorTime(now()), kind: 'agent-prepare-failed', level: 'error', message: (error as Error).message });
          await flushEvents();
          throw error;
        }
        return;
      }
      case 'start': {
        const offset = clock.estimate()?.offsetMs ?? 0;
        const startLocal = message.atMs - offset;
        share?.start(startLocal, Number.POSITIVE_INFINITY);
        return;
      }
      case 'add-bots':
        share?.addBots(message.bots);
        return;
      case 'ack':
        batcher.ack(message.upToSeq);
        return;
      case 'stop':
        await stopRun(message.runId, message.reason);
        return;
    }
  };

  const flushEvents = async (): Promise<void> => {
    if (events.length === 0 || !runId) return;
    await send({ type: 'events', runId, events: events.splice(0) });
  };

  const stopRun = async (id: string, reason: string): Promise<void> => {
    if (!share || id !== runId) return;
    const current = share;
    share = undefined;
    await current.stop(reason);
    await flushEvents();
    await batcher.drain(now() + 30_000, now);
    await send({ type: 'done', runId: id });
    runId = undefined;
  };

  channel.onMessage((text) => {
    const decoded = decodeMessage(text, { from: 'coordinator' });
    if (!decoded.ok) {
      if (decoded.error.code === 'wrong-version') {
        // Nothing the coordinator says can be read, so waiting for its welcome would only time out.
        const reason = `the coordinator speaks another protocol (${decoded.error.message}); run the same jlt version on the coordinator and its agents`;
        logger.log('error', reason);
        finish({ kind: 'refused', reason });
        channel.close('protocol version mismatch');
        return;
      }
      logger.log('warn', `ignored a malformed message from the coordinator: ${decoded.error.message}`);
      return;
    }
    onMessage(decoded.message).catch((error: unknown) => {
      logger.log('error', `agent failed handling ${decoded.message.type}: ${(error as Error).message}`);
      channel.close('agent error');
    });
  });
  channel.onClose((reason) => finish({ kind: 'disconnected', reason }));

  const onAbort = (): void => finish({ kind: 'aborted' });
  options.signal.addEventListener('abort', onAbort, { once: true });
  const heartbeat = setInterval(() => {
    void send({ type: 'heartbeat', ...(runId ? { runId } : {}), activeBots: share?.activeBots() ?? 0 }).catch(() => {});
    void flushEvents().catch(() => {});
  }, HEARTBEAT_INTERVAL_MS);
  const eventsTimer = setInterval(() => void flushEvents().catch(() => {}), EVENTS_INTERVAL_MS);
  const resync = setInterval(() => {
    if (stamper.agentId && !end) void syncClock(2).catch(() => {});
  }, options.resyncIntervalMs ?? 10_000);
  const welcomeTimer = setTimeout(() => {
    if (!stamper.agentId) finish({ kind: 'disconnected', reason: 'no welcome from the coordinator within 10 s' });
  }, WELCOME_TIMEOUT_MS);

  try {
    await send({ type: 'hello', token: options.token, name: options.name, version: options.version, capacity: options.capacity });
    const result = await ended;
    // Bots never outlive their session: without a coordinator nobody would stop them.
    if (share) await share.stop(result.kind === 'aborted' ? 'agent interrupted' : 'lost the coordinator');
    return result;
  } catch (error) {
    throw new JltError('PROTOCOL_ERROR', `agent session failed: ${(error as Error).message}`, { cause: error });
  } finally {
    clearInterval(heartbeat);
    clearInterval(eventsTimer);
    clearInterval(resync);
    clearTimeout(welcomeTimer);
    batcher.stop();
    options.signal.removeEventListener('abort', onAbort);
    channel.close(end?.kind === 'aborted' ? 'agent stopped' : 'session over');
  }
}
