import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { findSample, parsePrometheusText } from './prometheus-text.js';

const exporterText = readFileSync(
  new URL('../test/fixtures/exporter-metrics.systemli-1.4.2.from-jvb-2.3.63.prom.txt', import.meta.url),
  'utf8',
);

describe('parsePrometheusText on the systemli exporter sample', () => {
  const families = parsePrometheusText(exporterText);

  it('finds one family per HELP/TYPE pair plus the misnamed sending-video sample', () => {
    const sampleLines = exporterText.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
    const typeLines = exporterText.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(families.reduce((n, family) => n + family.samples.length, 0)).toBe(sampleLines.length);
    expect(families).toHaveLength(typeLines.length + 1);
  });

  it('keeps types, help text, values and labels', () => {
    expect(families[0]).toEqual({
      name: 'jitsi_threads',
      type: 'gauge',
      help: 'The number of Java threads that the video bridge is using.',
      samples: [{ name: 'jitsi_threads', labels: {}, value: 58 }],
    });
    expect(findSample(families, 'jitsi_version_info')).toEqual({ name: 'jitsi_version_info', labels: { version: '2.3.63-g2a4cc2f8' }, value: 1 });
    expect(findSample(families, 'jitsi_total_bytes_sent')?.value).toBe(1314398151);
    expect(families.find((family) => family.name === 'jitsi_total_loss_controlled_participant_seconds')?.type).toBe('counter');
  });

  it('models the exporter quirks: HELP/TYPE under another name, families without samples', () => {
    expect(families.find((family) => family.name === 'jitsi_endpoint_sending_video')).toMatchObject({ type: 'gauge', samples: [] });
    expect(families.find((family) => family.name === 'jitsi_endpoints_sending_video')).toMatchObject({ type: 'untyped', samples: [{ value: 0 }] });
    expect(families.find((family) => family.name === 'jitsi_conference_sizes')).toMatchObject({ type: 'gauge', samples: [] });
    expect(findSample(families, 'total_ice_succeeded')?.value).toBe(32);
  });
});

describe('parsePrometheusText', () => {
  it.each([
    {
      name: 'escapes in label values and help',
      text: '# HELP m a \\\\ b\\nc\n# TYPE m gauge\nm{a="x\\"y",b="1\\\\2",c="l\\nm",} 1\n',
      samples: [{ name: 'm', labels: { a: 'x"y', b: '1\\2', c: 'l\nm' }, value: 1 }],
      help: 'a \\ b\nc',
    },
    {
      name: 'NaN, +Inf, -Inf, exponents and timestamps',
      text: 'a NaN\nb +Inf\nc -Inf 1700000000000\nd 1.5e+06\ne -0.25 -5\n',
      samples: [
        { name: 'a', labels: {}, value: Number.NaN },
        { name: 'b', labels: {}, value: Number.POSITIVE_INFINITY },
        { name: 'c', labels: {}, value: Number.NEGATIVE_INFINITY, timestampMs: 1_700_000_000_000 },
        { name: 'd', labels: {}, value: 1_500_000 },
        { name: 'e', labels: {}, value: -0.25, timestampMs: -5 },
      ],
    },
    {
      name: 'spaces inside braces, tabs, CRLF, blank lines and other comments',
      text: '# a plain comment\r\n\r\nm { a = "1" , b="2" }\t7\r\n',
      samples: [{ name: 'm', labels: { a: '1', b: '2' }, value: 7 }],
    },
  ])('$name', ({ text, samples, help }) => {
    const families = parsePrometheusText(text);
    expect(families.flatMap((family) => family.samples)).toEqual(samples);
    if (help !== undefined) expect(families[0]?.help).toBe(help);
  });

  it('groups histogram and summary series into their family', () => {
    const text = [
      '# TYPE h histogram',
      'h_bucket{le="0.1"} 1',
      'h_bucket{le="+Inf"} 3',
      'h_sum 0.9',
      'h_count 3',
      '# TYPE s summary',
      's{quantile="0.5"} 2',
      's_sum 4',
      's_count 2',
      'jitsi_jvb_conferences_created_total 5',
    ].join('\n');
    const families = parsePrometheusText(text);
    expect(families.map((family) => [family.name, family.type, family.samples.length])).toEqual([
      ['h', 'histogram', 4],
      ['s', 'summary', 3],
      ['jitsi_jvb_conferences_created_total', 'untyped', 1],
    ]);
  });

  it.each([
    ['m', 1, 'expected whitespace before the value'],
    ['m 1 2 3', 1, 'unexpected text after the timestamp'],
    ['ok 1\nm abc', 2, 'invalid value "abc"'],
    ['m 0x10', 1, 'invalid value "0x10"'],
    ['m 1 1.5', 1, 'invalid timestamp "1.5"'],
    ['m{a=1} 1', 1, 'expected a quoted value for label "a"'],
    ['m{a="1" b="2"} 1', 1, 'expected "," or "}"'],
    ['m{a="1",a="2"} 1', 1, 'duplicate label "a"'],
    ['m{a="x\\t"} 1', 1, 'invalid escape "\\t"'],
    ['m{a="x} 1', 1, 'unterminated label value'],
    ['m{1a="x"} 1', 1, 'expected a label name'],
    ['{a="x"} 1', 1, 'expected a metric name'],
    ['# TYPE m bogus', 1, 'unknown metric type "bogus"'],
    ['# TYPE m gauge\n# TYPE m counter', 2, 'second TYPE line for "m"'],
    ['# HELP m x\n# HELP m y', 2, 'second HELP line for "m"'],
    ['m 1\n# TYPE m gauge', 2, 'TYPE for "m" after its samples'],
    ['# TYPE 1m gauge', 1, 'invalid metric name "1m"'],
  ])('rejects %j at line %i', (text, line, message) => {
    expect(() => parsePrometheusText(text, { source: 'http://jvb:8080/metrics' })).toThrow(`http://jvb:8080/metrics:${line}: ${message}`);
    expect(() => parsePrometheusText(text)).toThrow(`line ${line}: ${message}`);
  });

  it('findSample matches on a subset of labels', () => {
    const families = parsePrometheusText('x{jvb="a",k="1"} 1\nx{jvb="b",k="1"} 2\n');
    expect(findSample(families, 'x', { jvb: 'b' })?.value).toBe(2);
    expect(findSample(families, 'x')?.value).toBe(1);
    expect(findSample(families, 'x', { jvb: 'c' })).toBeUndefined();
  });
});
