import {
  BUILTIN_OUTPUTS,
  PeriodicFlusher,
  authorizationHeader,
  defineOutput,
  resolveHttpCredentials,
  type BuiltinOutputOptions,
  type Logger,
  type RunInfo,
} from '@jlt/core';
import { BufferedLiveOutput } from '../live/buffered-live-output.js';
import { LiveOutputCounts } from '../live/live-output-counts.js';
import { sendWithRetry, type RetryPolicy } from '../live/retrying-sender.js';
import { encodeWriteRequest, type EncodedMetadata, type EncodedSeries } from './remote-write-proto.js';
import { RemoteWriteSeries } from './remote-write-series.js';
import { snappyCompress } from './snappy.js';

export type PrometheusOutputOptions = BuiltinOutputOptions<'prometheus'>;

const RETRY: Omit<RetryPolicy, 'timeoutMs'> = { attempts: 5, backoffMs: 250, maxBackoffMs: 5_000 };

export interface PrometheusOutputDeps {
  logger: Logger;
  /** Coordinator clock, for the time of cumulative series. */
  now(): number;
  env: Readonly<Record<string, string | undefined>>;
  fetch?: typeof fetch;
}

/**
 * Streams a run to a Prometheus remote-write 1.0 endpoint (Prometheus with
 * `--web.enable-remote-write-receiver`, Mimir, Cortex, Thanos receive, Grafana Cloud).
 *
 * `addSamples` only buffers. Every `flushInterval` the flusher folds the buffer into the series
 * state (RemoteWriteSeries: histograms for trends, counters, gauges), encodes every series as
 * protobuf in requests of at most `maxSamplesPerRequest` samples, snappy-compresses and POSTs them
 * with the spec's headers, retrying network errors, 429 and 5xx with backoff within the interval.
 * A destination that is down or slow only costs this output's own flusher: the buffer is bounded,
 * and what cannot be written is dropped and counted. The first failure is logged once; at stop the
 * output says how many samples it wrote and dropped. Every series carries `run_id`.
 */
export class PrometheusOutput extends BufferedLiveOutput {
  readonly name = 'prometheus';
  private readonly flusher: PeriodicFlusher;
  private readonly headers: Record<string, string>;
  private readonly fetch: typeof fetch;
  private readonly counts: LiveOutputCounts;
  private readonly stopping = new AbortController();
  private series: RemoteWriteSeries | undefined;
  private requests = 0;
  private seriesSamples = 0;
  private stopDeadline = Infinity;

  constructor(
    private readonly options: PrometheusOutputOptions,
    private readonly deps: PrometheusOutputDeps,
  ) {
    super();
    const credentials = resolveHttpCredentials(options.auth, deps.env, 'outputs.prometheus.auth');
    this.headers = {
      'content-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'user-agent': 'jlt',
      'x-prometheus-remote-write-version': '0.1.0',
      ...(options.tenant === undefined ? {} : { 'x-scope-orgid': options.tenant }),
      ...(credentials === undefined ? {} : { authorization: authorizationHeader(credentials) }),
    };
    this.fetch = deps.fetch ?? fetch;
    this.counts = new LiveOutputCounts('prometheus', options.url, deps.logger);
    this.flusher = new PeriodicFlusher(() => this.flush(), {
      intervalMs: options.flushInterval,
      onError: (error) => this.counts.failed(error instanceof Error ? error.message : String(error)),
    });
  }

  async start(run: RunInfo): Promise<void> {
    this.series = new RemoteWriteSeries({ ...this.options.labels, run_id: run.runId });
    this.flusher.start();
  }

  /** Flushes what is left, giving the last write at most one request timeout, then reports the counts. */
  protected async finish(): Promise<void> {
    this.stopDeadline = Date.now() + this.options.timeout;
    const giveUp = setTimeout(() => this.stopping.abort(), this.options.timeout);
    try {
      await this.flusher.stop();
    } finally {
      clearTimeout(giveUp);
    }
    this.counts.dropped(this.buffer.dropped, 'while the buffer was full');
    this.counts.dropped(this.series?.late ?? 0, 'out of order for their series');
    this.counts.report(`${this.seriesSamples} remote-write samples in ${this.requests} requests`);
  }

  /** Run samples written and dropped; final once `onRunEnd` (or `stop`) resolved. */
  get sampleCounts(): { written: number; dropped: number } {
    return { written: this.counts.writtenCount, dropped: this.counts.droppedCount };
  }

  private async flush(): Promise<void> {
    const series = this.series;
    if (series === undefined) return;
    const drained = this.buffer.drain();
    const taken = series.add(drained);
    const { series: timeseries, metadata } = series.collect(this.deps.now());
    if (timeseries.length === 0) return;
    const deadline = Math.min(this.stopDeadline, Date.now() + Math.max(this.options.flushInterval, this.options.timeout));
    let failure: string | undefined;
    let first = true;
    for (const chunk of chunks(timeseries, this.options.maxSamplesPerRequest)) {
      const body = snappyCompress(encodeWriteRequest(chunk.series, first ? metadata : noMetadata));
      first = false;
      const result = await sendWithRetry(
        (signal) => this.fetch(this.options.url, { method: 'POST', headers: this.headers, body, signal }),
        { ...RETRY, timeoutMs: this.options.timeout },
        { deadline, signal: this.stopping.signal },
      );
      this.requests++;
      if (result.ok) this.seriesSamples += chunk.samples;
      else failure ??= result.reason;
    }
    if (failure === undefined) this.counts.wrote(taken);
    else {
      this.counts.failed(failure);
      this.counts.dropped(taken, 'their write failed');
    }
  }
}

const noMetadata: readonly EncodedMetadata[] = [];

/** Series split into requests of at most `limit` samples; a series longer than that is split too. */
function* chunks(series: readonly EncodedSeries[], limit: number): Generator<{ series: EncodedSeries[]; samples: number }> {
  let current: EncodedSeries[] = [];
  let count = 0;
  for (const one of series) {
    let rest = one.samples;
    while (rest.length > 0) {
      const take = Math.min(rest.length, limit - count);
      current.push(take === rest.length ? { labels: one.labels, samples: rest } : { labels: one.labels, samples: rest.slice(0, take) });
      rest = rest.slice(take);
      count += take;
      if (count === limit) {
        yield { series: current, samples: count };
        current = [];
        count = 0;
      }
    }
  }
  if (count > 0) yield { series: current, samples: count };
}

export const prometheusOutput = defineOutput({
  name: 'prometheus',
  optionsSchema: BUILTIN_OUTPUTS.prometheus.options,
  describe: BUILTIN_OUTPUTS.prometheus.describe,
  argument: BUILTIN_OUTPUTS.prometheus.argument,
  create: (options, { context }) => new PrometheusOutput(options, { logger: context.logger, now: () => context.now(), env: context.env }),
});
