import { describe, expect, it } from 'vitest';
import { faroInitScript, faroRecords, type FaroBody } from './faro.js';

const now = () => 1_000;

describe('faroRecords', () => {
  it.each<[string, FaroBody, { kind: string; level: string; message: string }[]]>([
    [
      'an uncaught error with its first frame',
      { exceptions: [{ type: 'TypeError', value: 'x is undefined', timestamp: '2026-01-01T00:00:00.000Z', stacktrace: { frames: [{ filename: 'http://h/app.js', function: 'f', lineno: 3, colno: 7 }] } }] },
      [{ kind: 'page.error', level: 'error', message: 'b1: uncaught error in the page: TypeError: x is undefined' }],
    ],
    [
      'a rejection marked by the page script, and one with a primitive reason',
      {
        exceptions: [
          { type: 'Error', value: 'nope', context: { source: 'unhandledrejection' } },
          { type: 'UnhandledRejection', value: 'Non-Error promise rejection captured with value: 42' },
        ],
      },
      [
        { kind: 'page.unhandled_rejection', level: 'error', message: 'b1: unhandled rejection in the page: Error: nope' },
        { kind: 'page.unhandled_rejection', level: 'error', message: 'b1: unhandled rejection in the page: UnhandledRejection: Non-Error promise rejection captured with value: 42' },
      ],
    ],
    [
      'console errors and warnings; other levels are left out',
      { logs: [{ level: 'error', message: 'console.error: boom' }, { level: 'warn', message: 'careful' }, { level: 'info', message: 'chatty' }] },
      [
        { kind: 'page.console_error', level: 'warn', message: 'b1: console.error in the page: boom' },
        { kind: 'page.console_warning', level: 'info', message: 'b1: console.warn in the page: careful' },
      ],
    ],
  ])('%s', (_name, body, expected) => {
    const { events } = faroRecords({ ...body, meta: { session: { id: 's1' } } }, 'b1', now);
    expect(events.map(({ kind, level, message }) => ({ kind, level, message }))).toEqual(expected);
    for (const event of events) expect(event.meta).toMatchObject({ bot: 'b1', faroSession: 's1' });
  });

  it('keeps the page time of an item and falls back to now', () => {
    const { events } = faroRecords({ logs: [{ level: 'warn', message: 'a', timestamp: '2026-01-01T00:00:01.500Z' }, { level: 'warn', message: 'b' }] }, 'b1', now);
    expect(events.map((e) => e.time)).toEqual([Date.parse('2026-01-01T00:00:01.500Z'), 1_000]);
  });

  it('turns web vitals into samples: ms vitals by name, CLS apart, deltas and attribution left out', () => {
    const { vitals } = faroRecords(
      { measurements: [{ type: 'web-vitals', values: { fcp: 120, delta: 120 } }, { type: 'web-vitals', values: { cls: 0.02 } }, { type: 'custom', values: { fcp: 1 } }] },
      'b1',
      now,
    );
    expect(vitals).toEqual([
      { metric: 'page_web_vitals_ms', value: 120, time: 1_000, vital: 'fcp' },
      { metric: 'page_layout_shift', value: 0.02, time: 1_000 },
    ]);
  });
});

describe('faroInitScript', () => {
  it('wraps the SDK bundle so it leaves no globals, and names the bot', () => {
    const script = faroInitScript({ bot: 'c01-p01', conference: 'c01', scenario: 's' });
    expect(script.startsWith('(function () {\n"use strict";var GrafanaFaroWebSdk=')).toBe(true);
    expect(script).toContain('"bot":"c01-p01"');
    expect(script).not.toContain('sourceMappingURL');
  });
});
