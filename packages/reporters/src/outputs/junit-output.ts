import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BUILTIN_OUTPUTS, defineOutput, makeDirectory, type Output, type RunInfo, type RunResult } from '@jlt/core';
import { formatThresholdValue } from '../summary/format-value.js';
import { outputFilePath } from './output-file.js';

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/**
 * JUnit XML for CI, k6-style: one test suite for the run, one test case per threshold expression
 * (`<failure>` when it fails, with the observed value), one case for the bots that should have
 * joined, and one failing case per insight that makes the run untrustworthy (a saturated agent), so
 * CI goes red when the numbers cannot be believed. Written once, at the end of the run.
 */
export class JunitOutput implements Output {
  readonly name = 'junit';
  private run: RunInfo | undefined;
  private written = false;

  constructor(private readonly path: string) {}

  async start(run: RunInfo): Promise<void> {
    this.run = run;
    await makeDirectory(dirname(this.path), 'directory of the junit output');
  }

  addSamples(): void {}

  addEvents(): void {}

  async onRunEnd(result: RunResult): Promise<void> {
    await writeFile(this.path, junitXml(this.run!, result));
    this.written = true;
  }

  async stop(): Promise<void> {}

  writtenFiles(): readonly string[] {
    return this.written ? [this.path] : [];
  }
}

export function junitXml(run: RunInfo, result: RunResult): string {
  const { summary } = result;
  const suite = escapeXml(run.scenario);
  const seconds = (summary.meta.durationMs / 1000).toFixed(3);
  const cases = summary.thresholds.map((t) => {
    const name = escapeXml(`${t.key} ${t.expression}`);
    const observed = t.observed === null ? 'no samples' : `${t.aggregation}=${formatThresholdValue(t.aggregation, t.observed, t.unit)}`;
    const failure = t.passed ? '' : `\n      <failure message="${escapeXml(`${t.expression} failed: ${observed}`)}" type="threshold"/>`;
    return `    <testcase classname="${suite}.thresholds" name="${name}" time="${seconds}">${failure}\n    </testcase>`;
  });
  const { planned, joined } = summary.bots;
  const botFailure =
    joined === planned ? '' : `\n      <failure message="${escapeXml(`${joined} of ${planned} bots joined`)}" type="bots"/>`;
  cases.push(`    <testcase classname="${suite}.bots" name="every planned bot joined" time="${seconds}">${botFailure}\n    </testcase>`);
  const untrustworthy = result.insights.filter((i) => i.severity === 'untrustworthy');
  for (const insight of untrustworthy) {
    const name = escapeXml(`${insight.rule}${insight.subject ? ` ${insight.subject}` : ''}`);
    cases.push(
      `    <testcase classname="${suite}.trustworthy" name="${name}" time="${seconds}">\n` +
        `      <failure message="${escapeXml(insight.message)}" type="untrustworthy"/>\n    </testcase>`,
    );
  }
  const failures = summary.thresholds.filter((t) => !t.passed).length + (joined === planned ? 0 : 1) + untrustworthy.length;
  const errors = result.status === 'passed' || result.status === 'thresholds-failed' ? 0 : 1;
  const errorCase =
    errors === 0 ? '' : `\n    <testcase classname="${suite}.run" name="run completed"><error message="run ended: ${escapeXml(result.status)}"/></testcase>`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="jlt" tests="${cases.length + errors}" failures="${failures}" errors="${errors}" time="${seconds}">\n` +
    `  <testsuite name="${suite}" id="${escapeXml(run.runId)}" tests="${cases.length + errors}" failures="${failures}" errors="${errors}" time="${seconds}" timestamp="${new Date(summary.meta.startedAt).toISOString()}">\n` +
    `${cases.join('\n')}${errorCase}\n  </testsuite>\n</testsuites>\n`
  );
}

export const junitOutput = defineOutput({
  name: 'junit',
  optionsSchema: BUILTIN_OUTPUTS.junit.options,
  describe: BUILTIN_OUTPUTS.junit.describe,
  argument: BUILTIN_OUTPUTS.junit.argument,
  create: (options, { context, resultsDir }) => new JunitOutput(outputFilePath(options.file, 'junit.xml', { cwd: context.cwd, resultsDir })),
});
