import { describe, expect, it } from 'vitest';
import type { RunResult } from '@jlt/core';
import { sampleSummary as summary } from '@jlt/core/test-support';
import { formatEndOfRun, formatSummary } from './format-summary.js';
import { formatValue } from './format-value.js';

describe('formatSummary', () => {
  const plain = formatSummary(summary(), { color: false });
  const lines = plain.split('\n');

  it.each([
    "    ✓ 'p(95)<150' p(95)=95.05ms",
    "    ✗ 'max<50' max=100.00ms",
    "    ✗ 'rate>0.99' rate=96.67%",
    "    ✗ 'avg<30' avg=no samples",
    '    planned: 30  joined: 29  failed: 1',
    '    bot_join_success............: 96.67% 29 out of 30',
    '    webrtc_quality_limitation...: 30 0.10/s',
    '    agent_memory_bytes..........: value=1.5 GB avg=1.5 GB min=1.5 GB med=1.5 GB max=1.5 GB p(90)=1.5 GB p(95)=1.5 GB',
    '  10x3 · run r-42 · 5m0s · thresholds-failed',
    '  1 samples were dropped for non-finite values',
  ])('has the line %j', (line) => {
    expect(lines).toContain(line);
  });

  it('groups thresholds under their key, in order', () => {
    const start = lines.indexOf('    webrtc_rtt_ms');
    expect(lines.slice(start, start + 3)).toEqual(['    webrtc_rtt_ms', "    ✓ 'p(95)<150' p(95)=95.05ms", "    ✗ 'max<50' max=100.00ms"]);
  });

  it('aligns every metric value in one column', () => {
    const metricLines = lines.filter((l) => /^ {4}[a-z_]+\.+: /.test(l));
    expect(metricLines).toHaveLength(5);
    expect(new Set(metricLines.map((l) => l.indexOf(': '))).size).toBe(1);
  });

  it('shows a gauge latest value first', () => {
    expect(lines.find((l) => l.startsWith('    jvb_stress'))).toMatch(/: value=0\.60 avg=0\.60 min=0\.40 /);
  });

  it('colours marks only when asked', () => {
    const colored = formatSummary(summary(), { color: true });
    expect(colored).toContain('\x1b[32m✓\x1b[0m');
    expect(colored).toContain('\x1b[31m✗\x1b[0m');
    expect(plain).not.toContain('\x1b[');
    expect(colored.replace(new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g'), '')).toBe(plain);
  });
});

describe('formatValue', () => {
  it.each([
    [0.25, 'ms', '250.00µs'],
    [0, 'ms', '0.00ms'],
    [42.1, 'ms', '42.10ms'],
    [1250, 'ms', '1.25s'],
    [125_000, 'ms', '2m5s'],
    [3_700_000, 'ms', '1h1m40s'],
    [512, 'bytes', '512 B'],
    [1_500_000, 'bytes', '1.5 MB'],
    [830.2, 'kbps', '830.20 kbps'],
    [30, 'fps', '30 fps'],
    [0.123, 'ratio', '0.12'],
    [7, 'count', '7'],
  ] as const)('%s %s → %s', (value, unit, expected) => {
    expect(formatValue(value, unit)).toBe(expected);
  });
});

describe('formatEndOfRun', () => {
  const end = (extra: Partial<Pick<RunResult, 'insights' | 'outputFailures' | 'files' | 'deliveries'>>) =>
    formatEndOfRun(
      { summary: summary(), insights: [], outputFailures: [], files: [], deliveries: [], ...extra },
      { color: false, resultsDir: '/work/results/r-42', cwd: '/work' },
    ).split('\n');

  it('warns loudly, first, when an insight says the numbers are untrustworthy, and lists every insight by severity', () => {
    const lines = end({
      insights: [
        { rule: 'collector-gap', severity: 'warning', message: 'jvb-1 was not polled for 12 s', subject: 'jvb-1' },
        { rule: 'saturated-agent', severity: 'untrustworthy', message: 'agent-1 CPU at 98 % of 2 cores for 40 s', subject: 'agent-1' },
      ],
    });
    expect(lines[0]).toBe("   UNTRUSTWORTHY  this run's numbers cannot be trusted: agent-1 CPU at 98 % of 2 cores for 40 s");
    const warnings = lines.indexOf('  WARNINGS');
    expect(warnings).toBeGreaterThan(0);
    expect(lines.slice(warnings + 2, warnings + 4)).toEqual([
      '    ✗ untrustworthy agent-1 CPU at 98 % of 2 cores for 40 s (saturated-agent, agent-1)',
      '    ! warning jvb-1 was not polled for 12 s (collector-gap, jvb-1)',
    ]);
  });

  it('has no banner and no warnings section for a run without insights', () => {
    const lines = end({});
    expect(lines.some((l) => l.includes('UNTRUSTWORTHY') || l.includes('WARNINGS'))).toBe(false);
    expect(lines.at(-2)).toBe('  results: results/r-42');
  });

  it('lists failed outputs and the files written, the HTML report first, with paths relative to the working directory', () => {
    const lines = end({
      outputFailures: [{ output: 'influxdb', phase: 'addSamples', message: 'connection refused' }],
      files: [
        { output: 'junit', path: '/work/results/r-42/junit.xml' },
        { output: 'html', path: '/work/results/r-42/report.html' },
        { output: 'json', path: '/elsewhere/samples.ndjson' },
      ],
    });
    expect(lines).toContain('    ✗ influxdb failed in addSamples: connection refused');
    expect(lines.slice(-5, -1)).toEqual([
      '  report:  results/r-42/report.html',
      '  junit:   results/r-42/junit.xml',
      '  json:    /elsewhere/samples.ndjson',
      '  results: results/r-42',
    ]);
  });

  it("lists each live output's written and dropped samples, in digit groups, before the files", () => {
    const lines = end({
      deliveries: [
        { output: 'prometheus', written: 12_345, dropped: 0 },
        { output: 'influxdb', written: 0, dropped: 1_234_567 },
      ],
      files: [{ output: 'junit', path: '/work/results/r-42/junit.xml' }],
    });
    expect(lines.slice(-5, -1)).toEqual([
      '  prometheus: 12 345 samples written, 0 dropped',
      '  influxdb:   0 samples written, 1 234 567 dropped',
      '  junit:      results/r-42/junit.xml',
      '  results:    results/r-42',
    ]);
  });

  it('paints the banner only with colour on', () => {
    const colored = formatEndOfRun(
      { summary: summary(), insights: [{ rule: 'saturated-agent', severity: 'untrustworthy', message: 'saturated' }], outputFailures: [], files: [], deliveries: [] },
      { color: true, resultsDir: '/r' },
    );
    expect(colored.split('\n')[0]).toContain('\x1b[1;41;97m UNTRUSTWORTHY \x1b[0m');
  });
});
