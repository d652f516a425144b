import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import type { Insight, RunInfo, RunResult, Summary } from '@jlt/core';
import { junitXml } from './junit-output.js';

const run: RunInfo = {
  runId: 'r<1>',
  scenario: 'smoke & co',
  startedAt: 0,
  plan: { scenario: 'smoke', executor: 'conference-grid', conferences: [], bots: [], rampUpMs: 0, holdMs: 0, totalMs: 0 },
};

function result(status: RunResult['status'], thresholds: Summary['thresholds'], bots = { planned: 3, joined: 3, failed: 0 }, insights: Insight[] = []): RunResult {
  const summary: Summary = {
    formatVersion: 1,
    meta: { scenario: 'smoke & co', runId: 'r<1>', startedAt: 0, durationMs: 20_500 },
    bots,
    thresholds,
    metrics: {},
    droppedSamples: 0,
  };
  return { status, endedAt: 20_500, thresholds: [], summary, insights, outputFailures: [], files: [], deliveries: [] };
}

const rtt = (passed: boolean, observed: number | null): Summary['thresholds'][number] => ({
  key: 'webrtc_rtt_ms',
  expression: 'p(95)<150',
  aggregation: 'p(95)',
  unit: 'ms',
  passed,
  observed,
});

/** The XML as a DOM, through a real parser that throws on anything malformed. */
function parse(xml: string): { suite: Element; cases: { classname: string; name: string; failure?: { message: string; type: string }; error?: string }[] } {
  const doc = new DOMParser({ onError: (level, message) => { throw new Error(`${level}: ${message}`); } }).parseFromString(xml, 'text/xml');
  const suite = doc.getElementsByTagName('testsuite')[0]!;
  const cases = Array.from(doc.getElementsByTagName('testcase')).map((c) => {
    const failure = c.getElementsByTagName('failure')[0];
    const error = c.getElementsByTagName('error')[0];
    return {
      classname: c.getAttribute('classname') ?? '',
      name: c.getAttribute('name') ?? '',
      ...(failure ? { failure: { message: failure.getAttribute('message') ?? '', type: failure.getAttribute('type') ?? '' } } : {}),
      ...(error ? { error: error.getAttribute('message') ?? '' } : {}),
    };
  });
  return { suite, cases };
}

describe('junitXml', () => {
  it.each([
    ['all passed', result('passed', [rtt(true, 40)]), { tests: '2', failures: '0', errors: '0' }],
    ['a failed threshold', result('thresholds-failed', [rtt(false, 210)]), { tests: '2', failures: '1', errors: '0' }],
    ['a threshold without samples and a missing bot', result('thresholds-failed', [rtt(false, null)], { planned: 3, joined: 2, failed: 1 }), { tests: '2', failures: '2', errors: '0' }],
    ['an interrupted run', result('interrupted', [rtt(true, 40)]), { tests: '3', failures: '0', errors: '1' }],
  ])('%s', (_name, runResult, expected) => {
    const { suite } = parse(junitXml(run, runResult));
    expect({ tests: suite.getAttribute('tests'), failures: suite.getAttribute('failures'), errors: suite.getAttribute('errors') }).toEqual(expected);
    expect(suite.getAttribute('time')).toBe('20.500');
  });

  it('names the failing expression and what was observed, escaping XML', () => {
    const { suite, cases } = parse(junitXml(run, result('thresholds-failed', [rtt(false, 210)], { planned: 3, joined: 2, failed: 1 })));
    expect([suite.getAttribute('name'), suite.getAttribute('id')]).toEqual(['smoke & co', 'r<1>']);
    expect(cases[0]).toEqual({ classname: 'smoke & co.thresholds', name: 'webrtc_rtt_ms p(95)<150', failure: { message: 'p(95)<150 failed: p(95)=210.00ms', type: 'threshold' } });
    expect(cases[1]?.failure).toEqual({ message: '2 of 3 bots joined', type: 'bots' });
  });

  it('fails one test case per insight that makes the run untrustworthy, and none for milder ones', () => {
    const insights: Insight[] = [
      { rule: 'saturated-agent', severity: 'untrustworthy', message: 'agent-1 CPU at 98 % of 2 cores', subject: 'agent-1' },
      { rule: 'saturated-agent', severity: 'untrustworthy', message: 'agent-2 event-loop lag p95 240 ms', subject: 'agent-2' },
      { rule: 'collector-gap', severity: 'warning', message: 'jvb-1 not polled for 12 s', subject: 'jvb-1' },
    ];
    const { suite, cases } = parse(junitXml(run, result('passed', [rtt(true, 40)], undefined, insights)));
    expect([suite.getAttribute('tests'), suite.getAttribute('failures')]).toEqual(['4', '2']);
    expect(cases.filter((c) => c.classname === 'smoke & co.trustworthy')).toEqual([
      { classname: 'smoke & co.trustworthy', name: 'saturated-agent agent-1', failure: { message: 'agent-1 CPU at 98 % of 2 cores', type: 'untrustworthy' } },
      { classname: 'smoke & co.trustworthy', name: 'saturated-agent agent-2', failure: { message: 'agent-2 event-loop lag p95 240 ms', type: 'untrustworthy' } },
    ]);
  });
});
