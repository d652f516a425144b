import type { ArgumentsCamelCase } from 'yargs';
import { UsageError } from './errors.js';

/**
 * Reading flag values that yargs parsed as strings (so the value the user typed is still there to
 * quote). A repeated scalar flag keeps its last value, as in k6; a negated one (`--no-agents`) or a
 * missing value is a UsageError naming the flag.
 */

function last(value: unknown): unknown {
  return Array.isArray(value) ? value.at(-1) : value;
}

/** `--name VALUE` as given, or undefined when absent. */
export function stringFlag(args: ArgumentsCamelCase, name: string): string | undefined {
  const value = last(args[name]);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new UsageError(`--${name} needs a value`);
  if (value === '') throw new UsageError(`--${name} needs a value (got an empty one)`);
  return value;
}

/** Every `--name VALUE` of a repeatable flag, in order. */
export function repeatedFlag(args: ArgumentsCamelCase, name: string): string[] {
  const value = args[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return values.map((v) => {
    if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
    return v;
  });
}

/** `--name N` for a positive whole number, quoting what was typed when it is not one. */
export function positiveIntegerFlag(args: ArgumentsCamelCase, name: string): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const value = /^\s*\d{1,9}\s*$/.test(text) ? Number(text) : 0;
  if (value < 1) throw new UsageError(`--${name} must be a positive whole number (got ${JSON.stringify(text)})`);
  return value;
}

/** A boolean flag with its default (yargs parses these itself). */
export function booleanFlag(args: ArgumentsCamelCase, name: string, fallback: boolean): boolean {
  const value = last(args[name]);
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new UsageError(`--${name} takes no value`);
  return value;
}

/** `HOST:PORT`, with `[v6]:PORT` for IPv6. */
export function parseListen(value: string): { host: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(value);
  const port = match ? Number(match[2]) : NaN;
  if (!match || port > 65_535) throw new UsageError(`--listen must be HOST:PORT (got ${JSON.stringify(value)})`, 'for example --listen 0.0.0.0:7800');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
}
