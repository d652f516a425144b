import { describe, expect, it } from 'vitest';
import type { RunInfo, RunResult, Summary } from '@jlt/core';
import { junitXml } from './junit-output.js';

const run: RunInfo = {
  runId: 'r<1>',
  scenario: 'smoke & co',
  startedAt: 0,
  plan: { scenario: 'smoke', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 },
};

function result(status: RunResult['status'], thresholds: Summary['thresholds'], bots = { planned: 3, joined: 3, failed: 0 }): RunResult {
  const summary: Summary = {
    formatVersion: 1,
    meta: { scenario: 'smoke & co', runId: 'r<1>', startedAt: 0, durationMs: 20_500 },
    bots,
    thresholds,
    metrics: {},
    droppedSamples: 0,
  };
  return { status, endedAt: 20_500, thresholds: [], summary, insights: [], outputFailures: [] };
}

const rtt = (passed: boolean, observed: number | null): Summary['thresholds'][number] => ({
  key: 'webrtc_rtt_ms',
  expression: 'p(95)<150',
  aggregation: 'p(95)',
  unit: 'ms',
  passed,
  observed,
});

const attribute = (xml: string, element: string, name: string): string | undefined =>
  new RegExp(`<${element}\\b[^>]*\\b${name}="([^"]*)"`).exec(xml)?.[1];

describe('junitXml', () => {
  it.each([
    ['all passed', result('passed', [rtt(true, 40)]), { tests: '2', failures: '0', errors: '0' }],
    ['a failed threshold', result('thresholds-failed', [rtt(false, 210)]), { tests: '2', failures: '1', errors: '0' }],
    ['a threshold without samples and a missing bot', result('thresholds-failed', [rtt(false, null)], { planned: 3, joined: 2, failed: 1 }), { tests: '2', failures: '2', errors: '0' }],
    ['an interrupted run', result('interrupted', [rtt(true, 40)]), { tests: '3', failures: '0', errors: '1' }],
  ])('%s', (_name, runResult, expected) => {
    const xml = junitXml(run, runResult);
    expect({
      tests: attribute(xml, 'testsuite', 'tests'),
      failures: attribute(xml, 'testsuite', 'failures'),
      errors: attribute(xml, 'testsuite', 'errors'),
    }).toEqual(expected);
    expect(attribute(xml, 'testsuite', 'time')).toBe('20.500');
  });

  it('names the failing expression and what was observed, escaping XML', () => {
    const xml = junitXml(run, result('thresholds-failed', [rtt(false, 210)], { planned: 3, joined: 2, failed: 1 }));
    expect(xml).toContain('<testsuite name="smoke &amp; co" id="r&lt;1&gt;"');
    expect(xml).toContain('name="webrtc_rtt_ms p(95)&lt;150"');
    expect(xml).toContain('message="p(95)&lt;150 failed: p(95)=210');
    expect(xml).toContain('message="2 of 3 bots joined"');
  });
});
