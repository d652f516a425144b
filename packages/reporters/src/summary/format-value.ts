import type { MetricInfo } from '@jlt/core';

type Unit = MetricInfo['unit'];

/** A threshold's observed value: rates of pass/fail metrics as percentages, counts as numbers. */
export function formatThresholdValue(aggregation: string, value: number, unit: Unit): string {
  if (aggregation === 'rate' && unit === '') return formatPercent(value);
  if (aggregation === 'count' || aggregation === 'rate') return formatNumber(value);
  return formatValue(value, unit);
}

/** A value in its metric's unit, scaled for reading: `1.25s`, `42.10ms`, `1.5 GB`, `830.20 kbps`. */
export function formatValue(value: number, unit: Unit): string {
  switch (unit) {
    case 'ms':
      return formatMilliseconds(value);
    case 'bytes':
      return formatBytes(value);
    case '':
    case 'count':
    case 'ratio':
      return formatNumber(value);
    default:
      return `${formatNumber(value)} ${unit}`;
  }
}

function formatMilliseconds(ms: number): string {
  const abs = Math.abs(ms);
  if (abs >= 60_000) return formatDuration(ms);
  if (abs >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (abs >= 1 || abs === 0) return `${ms.toFixed(2)}ms`;
  return `${(ms * 1000).toFixed(2)}µs`;
}

export function formatDuration(ms: number): string {
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  return `${hours > 0 ? `${hours}h` : ''}${hours > 0 || minutes > 0 ? `${minutes}m` : ''}${seconds}s`;
}

function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let index = 0;
  while (Math.abs(value) >= 1000 && index < units.length - 1) {
    value /= 1000;
    index++;
  }
  return `${index === 0 ? String(value) : value.toFixed(1)} ${units[index]}`;
}

export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}
