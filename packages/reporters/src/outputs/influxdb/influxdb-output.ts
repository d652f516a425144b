import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client';
import {
  BUILTIN_OUTPUTS,
  PeriodicFlusher,
  defineOutput,
  requireSecretEnv,
  type BuiltinOutputOptions,
  type Logger,
  type RunInfo,
} from '@jlt/core';
import { BufferedLiveOutput } from '../live/buffered-live-output.js';
import { LiveOutputCounts } from '../live/live-output-counts.js';
import { LineProtocolEncoder } from './line-protocol.js';

export type InfluxdbOutputOptions = BuiltinOutputOptions<'influxdb'>;

/** Lines the client keeps for retries at most; past it the oldest are dropped (and counted). */
const MAX_RETRY_LINES = 200_000;

export interface InfluxdbOutputDeps {
  logger: Logger;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * Streams a run to the InfluxDB v2 write API (`/api/v2/write`: InfluxDB 2, InfluxDB 3, and 1.8+
 * through its v2 compatibility endpoint) with `@influxdata/influxdb-client`: its batching (at most
 * `batchSize` lines a request), gzip, and retries (network errors, 429 and 5xx with backoff and
 * `Retry-After`; never other 4xx) with a bounded retry buffer.
 *
 * `addSamples` only buffers; every `flushInterval` the flusher encodes the buffer as line protocol
 * (LineProtocolEncoder) and hands it to the client. Samples are counted written when the server
 * took them and dropped when the client gives up on them, the retry buffer overflows, or they are
 * still unsent at stop, which waits for the last write for at most one request timeout.
 */
export class InfluxdbOutput extends BufferedLiveOutput {
  readonly name = 'influxdb';
  private readonly flusher: PeriodicFlusher;
  private readonly counts: LiveOutputCounts;
  private readonly token: string | undefined;
  private writeApi: WriteApi | undefined;
  private encoder: LineProtocolEncoder | undefined;
  /** Lines handed to the client; at stop, those neither written nor dropped yet are dropped. */
  private handed = 0;
  /** Set at stop: the client's late callbacks no longer change the counts. */
  private settled = false;

  constructor(
    private readonly options: InfluxdbOutputOptions,
    private readonly deps: InfluxdbOutputDeps,
  ) {
    super();
    this.token = options.tokenEnv === undefined ? undefined : requireSecretEnv(deps.env, options.tokenEnv, 'outputs.influxdb.tokenEnv');
    this.counts = new LiveOutputCounts('influxdb', `${options.url} (org ${options.org}, bucket ${options.bucket})`, deps.logger);
    this.flusher = new PeriodicFlusher(() => this.flush(), {
      intervalMs: options.flushInterval,
      // A rejected flush was already reported through writeFailed.
      onError: () => undefined,
    });
  }

  async start(run: RunInfo): Promise<void> {
    routeClientLog(this.deps.logger);
    const { options } = this;
    const counts = this.counts;
    const maxRetries = options.maxRetries;
    const live = (): boolean => !this.settled;
    this.encoder = new LineProtocolEncoder({ ...options.tags, run_id: run.runId }, options.precision);
    this.writeApi = new InfluxDB({ url: options.url, timeout: options.timeout, ...(this.token === undefined ? {} : { token: this.token }) }).getWriteApi(
      options.org,
      options.bucket,
      options.precision,
      {
        batchSize: options.batchSize,
        // Only this output's flusher sends; the client's own timer stays off.
        flushInterval: 0,
        maxRetries,
        maxRetryTime: Math.max(30_000, options.timeout * (maxRetries + 1)),
        minRetryDelay: 500,
        maxRetryDelay: 5_000,
        retryJitter: 200,
        maxBufferLines: MAX_RETRY_LINES,
        gzipThreshold: options.gzip ? 1_000 : Number.POSITIVE_INFINITY,
        writeSuccess(lines) {
          if (live()) counts.wrote(lines.length);
        },
        writeFailed(error, lines, attempt) {
          if (!live()) return;
          counts.failed(describe(error));
          // The client retries network errors, 429 and 5xx while attempts are left; the rest are gone.
          const retried = !(error instanceof HttpError && error.statusCode < 429) && attempt <= maxRetries && !/max retry time/i.test(error.message);
          if (!retried) counts.dropped(lines.length, 'their write failed');
        },
        writeRetrySkipped(entry) {
          if (live()) counts.dropped(entry.lines.length, 'while the retry buffer was full');
        },
      },
    );
    this.flusher.start();
  }

  /** Flushes what is left within one request timeout, waits for the client's retries, then reports the counts. */
  protected async finish(): Promise<void> {
    const deadline = Date.now() + this.options.timeout;
    let timer: NodeJS.Timeout | undefined;
    const outOfTime = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.options.timeout)));
    await Promise.race([this.flusher.stop().then(() => this.writeApi?.flush(true)).catch(() => undefined), outOfTime]);
    clearTimeout(timer);
    // Retries run on the client's own timers: wait (within the same bound) until every line is settled.
    while (this.unsettled() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.writeApi?.dispose();
    this.settled = true;
    this.counts.dropped(this.unsettled(), 'unsent at stop');
    this.counts.dropped(this.buffer.dropped, 'while the buffer was full');
    this.counts.report();
  }

  private unsettled(): number {
    return this.handed - this.counts.writtenCount - this.counts.droppedCount;
  }

  /** Run samples written and dropped; final once `onRunEnd` (or `stop`) resolved. */
  get sampleCounts(): { written: number; dropped: number } {
    return { written: this.counts.writtenCount, dropped: this.counts.droppedCount };
  }

  private async flush(): Promise<void> {
    const samples = this.buffer.drain();
    if (samples.length === 0 || this.writeApi === undefined || this.encoder === undefined) return;
    const lines = this.encoder.encode(samples);
    this.handed += lines.length;
    this.writeApi.writeRecords(lines);
    await this.writeApi.flush();
  }
}

function describe(error: Error): string {
  if (error instanceof HttpError) return `HTTP ${error.statusCode}${error.body ? `: ${error.body.trim().slice(0, 200)}` : ''}`;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : error.message;
}

/**
 * The client logs through a process-wide logger (the console by default); library code does not
 * write to the console, so its messages go to the debug log of the output that started last.
 * Failures reach people once, through writeFailed.
 */
function routeClientLog(logger: Logger): void {
  const log = (message: string, error?: unknown): void =>
    logger.log('debug', `influxdb client: ${message}${error instanceof Error ? ` ${error.message}` : ''}`);
  setLogger({ error: log, warn: log });
}

export const influxdbOutput = defineOutput({
  name: 'influxdb',
  optionsSchema: BUILTIN_OUTPUTS.influxdb.options,
  describe: BUILTIN_OUTPUTS.influxdb.describe,
  argument: BUILTIN_OUTPUTS.influxdb.argument,
  create: (options, { context }) => new InfluxdbOutput(options, { logger: context.logger, env: context.env }),
});
