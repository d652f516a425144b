import type { ValueUnit } from '../page-model.js';

const SI = ['', 'k', 'M', 'G', 'T'];

/** Compact text for a chart value: axis ticks and the live legend. */
export function formatValue(value: number | null | undefined, unit: ValueUnit): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  switch (unit) {
    case 'ms':
      return Math.abs(value) >= 1000 ? `${trim(value / 1000)} s` : `${trim(value)} ms`;
    case 'bytes':
      return scaled(value, 1000, ['B', 'kB', 'MB', 'GB', 'TB']);
    case 'kbps':
      return Math.abs(value) >= 1000 ? `${trim(value / 1000)} Mbps` : `${trim(value)} kbps`;
    case 'bps':
      return scaled(value, 1000, ['bps', 'kbps', 'Mbps', 'Gbps']);
    case 'percent':
      return `${trim(value)} %`;
    case 'px':
      return `${Math.round(value)} px`;
    case 'packets/s':
      return `${scaled(value, 1000, SI)} pkt/s`;
    case 'cores':
      return `${trim(value)} ${value === 1 ? 'core' : 'cores'}`;
    case 'fps':
      return `${trim(value)} fps`;
    case 'count':
    case 'ratio':
    case '':
      return scaled(value, 1000, SI);
  }
}

function scaled(value: number, base: number, units: readonly string[]): string {
  let v = value;
  let i = 0;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  const unit = units[i]!;
  return unit === '' ? trim(v) : `${trim(v)} ${unit}`;
}

/** Three significant digits at most, without trailing zeros. */
function trim(value: number): string {
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 10 ? 1 : abs >= 1 ? 2 : 3;
  return String(Number(value.toFixed(digits)));
}

/** An x-axis tick: `12:03` when ticks are a minute or more apart, else `12:03:10`; elapsed ticks as formatTime. */
export function formatTick(seconds: number, kind: 'clock' | 'elapsed', incrementSeconds: number): string {
  if (kind === 'elapsed') return formatTime(seconds, kind);
  const date = new Date(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const hm = `${two(date.getHours())}:${two(date.getMinutes())}`;
  return incrementSeconds >= 60 ? hm : `${hm}:${two(date.getSeconds())}`;
}

/** `12:03:10` (local time) for clock axes, `+1:02:03` / `+2:03` for elapsed ones. */
export function formatTime(seconds: number, kind: 'clock' | 'elapsed'): string {
  if (kind === 'clock') return new Date(seconds * 1000).toLocaleTimeString([], { hour12: false });
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `+${h}:${String(m).padStart(2, '0')}:${s}` : `+${m}:${s}`;
}
