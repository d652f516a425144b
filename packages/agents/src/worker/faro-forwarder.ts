import { deadlineSignal, type Logger } from '@jlt/core';
import type { FaroBody } from './faro.js';

const MAX_IN_FLIGHT = 4;
const MAX_QUEUED = 200;
const TIMEOUT_MS = 5_000;

/**
 * Forwards Faro bodies from a share's bot pages, unchanged, to a Faro collector (Grafana Alloy's
 * `faro.receiver`, Grafana Cloud Frontend Observability): one POST of the JSON body per batch, as
 * Faro's own fetch transport does (with its `x-faro-session-id` header). Never blocks a bot: at most
 * MAX_IN_FLIGHT requests run, MAX_QUEUED wait, the rest are dropped and counted. The first failure
 * is logged once; `close` waits (bounded) for what is in flight and logs the counts.
 */
export class FaroForwarder {
  private readonly queue: { body: string; session?: string }[] = [];
  private inFlight = 0;
  private idle: (() => void) | undefined;
  private forwarded = 0;
  private dropped = 0;
  private failureLogged = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  forward(body: FaroBody): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped++;
      return;
    }
    const session = body.meta?.session?.id;
    this.queue.push({ body: JSON.stringify(body), ...(session === undefined ? {} : { session }) });
    this.pump();
  }

  /** Waits up to `timeoutMs` for queued and running requests, then reports what was forwarded and dropped. */
  async close(timeoutMs = TIMEOUT_MS): Promise<void> {
    if (this.inFlight > 0 || this.queue.length > 0) {
      await Promise.race([new Promise<void>((resolve) => (this.idle = resolve)), new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    }
    this.dropped += this.queue.splice(0).length;
    if (this.forwarded > 0 || this.dropped > 0) {
      this.logger.log(this.dropped > 0 ? 'warn' : 'info', `faro: forwarded ${this.forwarded} payloads to ${this.url}, dropped ${this.dropped}`);
    }
  }

  private pump(): void {
    while (this.inFlight < MAX_IN_FLIGHT && this.queue.length > 0) {
      const next = this.queue.shift()!;
      this.inFlight++;
      void this.send(next).finally(() => {
        this.inFlight--;
        if (this.queue.length > 0) this.pump();
        else if (this.inFlight === 0) this.idle?.();
      });
    }
  }

  private async send(item: { body: string; session?: string }): Promise<void> {
    const deadline = deadlineSignal(TIMEOUT_MS);
    try {
      const response = await this.fetchImpl(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(item.session === undefined ? {} : { 'x-faro-session-id': item.session }) },
        body: item.body,
        signal: deadline.signal,
      });
      await response.body?.cancel().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      this.forwarded++;
    } catch (error) {
      this.dropped++;
      const reason = deadline.timedOut ? `no answer within ${TIMEOUT_MS} ms` : error instanceof Error ? ((error.cause as { code?: string } | undefined)?.code ?? error.message) : String(error);
      if (!this.failureLogged) {
        this.failureLogged = true;
        this.logger.log('warn', `faro: cannot forward to ${this.url}: ${reason}; bots go on, payloads that cannot be forwarded are dropped`);
      }
    } finally {
      deadline.dispose();
    }
  }
}
