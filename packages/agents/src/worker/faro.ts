import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { BrowserContext } from 'playwright-core';
import type { RunEvent } from '@jlt/core';

/**
 * Grafana Faro in a bot's page. Its browser bundle runs as an init script, before the page's own
 * scripts, with the errors, console (warnings and errors only) and web-vitals instrumentations and
 * one transport: batches go, as the body Faro's own fetch transport would POST
 * (`getTransportBody`), through a Playwright binding to the agent. There `faroRecords` turns them
 * into run events and samples, and the share may forward each body unchanged to a Faro collector.
 *
 * An unhandled rejection whose reason is an Error reaches Faro as a plain exception; the script
 * marks it (`context.source: unhandledrejection`, in the forwarded body too) by its name and message,
 * seen by a listener of its own.
 */
export const FARO_BINDING = '__jltFaro';

export interface FaroPageOptions {
  bot: string;
  conference: string;
  scenario: string;
}

/** What Faro sends (faro-core `TransportBody`), as far as jlt reads it. */
export interface FaroBody {
  meta?: { session?: { id?: string } } & Record<string, unknown>;
  exceptions?: { type?: string; value?: string; timestamp?: string; stacktrace?: { frames?: { filename?: string; function?: string; lineno?: number; colno?: number }[] }; context?: Record<string, string> }[];
  logs?: { level?: string; message?: string; timestamp?: string; context?: Record<string, string> }[];
  measurements?: { type?: string; values?: Record<string, number>; timestamp?: string }[];
  events?: unknown[];
}

const require = createRequire(import.meta.url);
let bundle: string | undefined;

function faroBundle(): string {
  bundle ??= readFileSync(require.resolve('@grafana/faro-web-sdk/dist/bundle/faro-web-sdk.iife.js'), 'utf8').replace(/\n\/\/# sourceMappingURL=.*$/, '');
  return bundle;
}

interface FaroScriptConfig extends FaroPageOptions {
  binding: string;
  version: string;
}

/** The part of the bundle's namespace (`GrafanaFaroWebSdk`) the page script uses. */
interface FaroSdk {
  BaseTransport: new () => object;
  getTransportBody(items: unknown[]): unknown;
  LogLevel: Record<'TRACE' | 'DEBUG' | 'LOG' | 'INFO', string>;
  initializeFaro(config: unknown): unknown;
  ErrorsInstrumentation: new () => unknown;
  ConsoleInstrumentation: new () => unknown;
  WebVitalsInstrumentation: new () => unknown;
  SessionInstrumentation: new () => unknown;
}

/** Runs in the page right after the bundle, with the bundle's namespace. */
function startFaro(sdk: FaroSdk | undefined, config: FaroScriptConfig): void {
  const w = window as unknown as Record<string, unknown>;
  if (w.__jltFaroStarted === true || sdk === undefined) return;
  w.__jltFaroStarted = true;
  const faro = sdk;
  // Faro applies beforeSend when a batch goes out, so rejections are matched by what Faro reports
  // for them (Error name and message), not by timing.
  const rejections = new Map<string, number>();
  window.addEventListener('unhandledrejection', (event) => {
    const reason: unknown = event.reason;
    if (!(reason instanceof Error)) return;
    const key = `${reason.name}\u0000${reason.message}`;
    rejections.set(key, (rejections.get(key) ?? 0) + 1);
  });
  const send = w[config.binding] as (body: unknown) => Promise<void>;
  class AgentTransport extends sdk.BaseTransport {
    readonly name = '@jlt/faro-agent-transport';
    readonly version = config.version;
    send(items: unknown): void {
      send(faro.getTransportBody(Array.isArray(items) ? items : [items])).catch(() => undefined);
    }
    isBatched(): boolean {
      return true;
    }
  }
  const level = sdk.LogLevel;
  sdk.initializeFaro({
    app: { name: 'jlt-bot', version: config.version },
    user: { id: config.bot, attributes: { conference: config.conference, scenario: config.scenario } },
    transports: [new AgentTransport()],
    instrumentations: [new sdk.ErrorsInstrumentation(), new sdk.ConsoleInstrumentation(), new sdk.WebVitalsInstrumentation(), new sdk.SessionInstrumentation()],
    consoleInstrumentation: { disabledLevels: [level.TRACE, level.DEBUG, level.LOG, level.INFO], consoleErrorAsLog: true },
    sessionTracking: { enabled: true, persistent: false },
    isolate: true,
    preventGlobalExposure: true,
    beforeSend(item: { type: string; payload: { type?: string; value?: string; context?: Record<string, string> } }) {
      if (item.type !== 'exception') return item;
      const key = `${item.payload.type ?? ''}\u0000${item.payload.value ?? ''}`;
      const pending = rejections.get(key) ?? 0;
      if (pending > 0) {
        if (pending === 1) rejections.delete(key);
        else rejections.set(key, pending - 1);
        item.payload.context = { ...item.payload.context, source: 'unhandledrejection' };
      }
      return item;
    },
  });
}

/** The init script: the SDK bundle and `startFaro`, in one function scope (no globals left behind). */
export function faroInitScript(options: FaroPageOptions): string {
  const config: FaroScriptConfig = { ...options, binding: FARO_BINDING, version: FARO_SDK_VERSION };
  return `(function () {\n${faroBundle()}\n;(${startFaro.toString()})(typeof GrafanaFaroWebSdk === 'undefined' ? undefined : GrafanaFaroWebSdk, ${JSON.stringify(config)});\n})();`;
}

/** Installs Faro into every page of `context`; each batch reaches `onBody` as Faro's JSON body. */
export async function attachFaro(context: BrowserContext, options: FaroPageOptions, onBody: (body: FaroBody) => void): Promise<void> {
  await context.exposeBinding(FARO_BINDING, (_source, body: FaroBody) => {
    if (typeof body === 'object' && body !== null) onBody(body);
  });
  await context.addInitScript({ content: faroInitScript(options) });
}

export const FARO_SDK_VERSION: string = (require('@grafana/faro-web-sdk/package.json') as { version: string }).version;

/** Web vitals Faro measures, in ms, and the one without a unit. */
const MS_VITALS = new Set(['fcp', 'lcp', 'ttfb', 'inp', 'fid']);
const MAX_MESSAGE = 500;

export interface FaroRecord {
  events: Omit<RunEvent, 'tags'>[];
  vitals: { metric: string; value: number; time: number; vital?: string }[];
}

/**
 * Run events and web-vitals samples from one Faro body, times on the page's clock (ms):
 * `page.error` (uncaught errors), `page.unhandled_rejection`, `page.console_error` and
 * `page.console_warning`; meta carries the bot, Faro's exception type, the first stack frame and
 * the Faro session. Other console levels, Faro's own events and unknown vitals are left out.
 */
export function faroRecords(body: FaroBody, bot: string, now: () => number): FaroRecord {
  const events: FaroRecord['events'] = [];
  const vitals: FaroRecord['vitals'] = [];
  const session = body.meta?.session?.id;
  const base = (): Record<string, string> => (session === undefined ? { bot } : { bot, faroSession: session });
  for (const exception of body.exceptions ?? []) {
    const rejection = exception.context?.source === 'unhandledrejection' || exception.type === 'UnhandledRejection';
    const frame = exception.stacktrace?.frames?.[0];
    const text = truncate(`${exception.type ?? 'Error'}: ${exception.value ?? ''}`);
    events.push({
      time: timeOf(exception.timestamp, now),
      kind: rejection ? 'page.unhandled_rejection' : 'page.error',
      level: 'error',
      message: `${bot}: ${rejection ? 'unhandled rejection' : 'uncaught error'} in the page: ${text}`,
      meta: {
        ...base(),
        type: exception.type ?? 'Error',
        value: truncate(exception.value ?? ''),
        ...(frame?.filename === undefined ? {} : { at: `${frame.filename}:${frame.lineno ?? '?'}:${frame.colno ?? '?'}` }),
      },
    });
  }
  for (const log of body.logs ?? []) {
    if (log.level !== 'error' && log.level !== 'warn') continue;
    // Faro prefixes console errors it keeps as logs with `console.error: `; the kind says it already.
    const text = truncate((log.message ?? '').replace(/^console\.error: /, ''));
    events.push({
      time: timeOf(log.timestamp, now),
      kind: log.level === 'error' ? 'page.console_error' : 'page.console_warning',
      level: log.level === 'error' ? 'warn' : 'info',
      message: `${bot}: console.${log.level} in the page: ${text}`,
      meta: { ...base(), value: text },
    });
  }
  for (const measurement of body.measurements ?? []) {
    if (measurement.type !== 'web-vitals' || measurement.values === undefined) continue;
    const time = timeOf(measurement.timestamp, now);
    for (const [name, value] of Object.entries(measurement.values)) {
      if (typeof value !== 'number' || !Number.isFinite(value)) continue;
      if (MS_VITALS.has(name)) vitals.push({ metric: 'page_web_vitals_ms', value, time, vital: name });
      else if (name === 'cls') vitals.push({ metric: 'page_layout_shift', value, time });
    }
  }
  return { events, vitals };
}

function timeOf(timestamp: string | undefined, now: () => number): number {
  const parsed = timestamp === undefined ? NaN : Date.parse(timestamp);
  return Number.isFinite(parsed) ? parsed : now();
}

function truncate(text: string): string {
  return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
}
