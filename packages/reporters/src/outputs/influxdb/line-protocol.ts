import { escape } from '@influxdata/influxdb-client';
import { TagsMemo, type Sample, type Tags } from '@jlt/core';
import { liveMetricName, sanitizeName } from '../live/metric-names.js';

export type Precision = 'ns' | 'us' | 'ms' | 's';

/**
 * A run's samples as InfluxDB line protocol, named like the Prometheus output (the measurement is
 * the base name, e.g. `jlt_webrtc_rtt_seconds`, the value scaled to its base unit): tags are
 * run_id, the sample's tags (scenario, agent, bridge, conference, …) and the output's extra tags,
 * sorted by key; fields are `value` and the sample's meta (bot, endpoint) — unindexed, so bot ids
 * never become series. Escaping is the client's (`escape`).
 *
 * InfluxDB keeps one point per series and timestamp: two bots of one conference on one bridge and
 * agent share a series, so samples that land on the same timestamp would overwrite each other. At
 * `us` and `ns` precision the second, third, … of a flush get the next free microsecond or
 * nanosecond; at `ms` and `s` precision they cannot be told apart and the last one wins.
 */
export class LineProtocolEncoder {
  private readonly prefixes = new TagsMemo<string>();
  private readonly baseTags: [string, string][];
  private readonly unitsPerMs: bigint;

  constructor(
    baseTags: Readonly<Record<string, string>>,
    private readonly precision: Precision,
  ) {
    this.baseTags = Object.entries(baseTags);
    this.unitsPerMs = { ns: 1_000_000n, us: 1_000n, ms: 1n, s: 1n }[precision];
  }

  /** One line per finite sample, in the order given. */
  encode(samples: readonly Sample[]): string[] {
    const lines: string[] = [];
    const lastTimestamp = new Map<string, bigint>();
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      const prefix = this.prefixOf(sample.metric, sample.tags);
      let timestamp = this.timestampOf(sample.time);
      if (this.precision === 'us' || this.precision === 'ns') {
        const previous = lastTimestamp.get(prefix);
        if (previous !== undefined && timestamp <= previous && previous - timestamp < this.unitsPerMs) timestamp = previous + 1n;
        lastTimestamp.set(prefix, timestamp);
      }
      lines.push(`${prefix} ${this.fieldsOf(sample)} ${timestamp}`);
    }
    return lines;
  }

  private timestampOf(timeMs: number): bigint {
    if (this.precision === 's') return BigInt(Math.floor(timeMs / 1000));
    if (this.precision === 'ms') return BigInt(Math.round(timeMs));
    // Sub-millisecond parts of coordinator times are kept to the microsecond.
    const micros = BigInt(Math.round(timeMs * 1000));
    return this.precision === 'us' ? micros : micros * 1000n;
  }

  private fieldsOf(sample: Sample): string {
    let fields = `value=${liveMetricName(sample.metric).toBase(sample.value)}`;
    if (sample.meta !== undefined) {
      for (const [key, value] of Object.entries(sample.meta)) {
        if (key === 'value') continue;
        fields += `,${escape.tag(key)}=${typeof value === 'number' ? (Number.isFinite(value) ? String(value) : escape.quoted(String(value))) : escape.quoted(value)}`;
      }
    }
    return fields;
  }

  private prefixOf(metric: string, tags: Tags): string {
    return this.prefixes.get(tags, metric, this.computePrefix);
  }

  private readonly computePrefix = (metric: string, tags: Tags): string => {
    const merged = new Map<string, string>(this.baseTags);
    for (const [key, value] of Object.entries(tags)) merged.set(sanitizeName(key), value);
    const tagText = [...merged]
      .filter(([, value]) => value !== '')
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, value]) => `,${escape.tag(key)}=${escape.tag(value)}`)
      .join('');
    return `${escape.measurement(liveMetricName(metric).name)}${tagText}`;
  };
}
