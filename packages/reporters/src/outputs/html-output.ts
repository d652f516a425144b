import { BUILTIN_OUTPUTS, defineOutput, type Output, type ResultsReader, type RunInfo, type RunResult } from '@jlt/core';
import { buildRunReport } from '../report/run/build-run-report.js';
import { REPORT_FILE, writeAtomically } from '../report/run/write-run-report.js';
import { outputFilePath } from './output-file.js';

/**
 * The HTML run report, written once at the end of the run from the run's own results store (so it
 * shows exactly what `jlt report DIR` would rebuild later), with the insights, summary, status and
 * output failures the run computed. Takes no samples itself: the store has them all.
 */
export class HtmlOutput implements Output {
  readonly name = 'html';
  private written = false;

  constructor(
    private readonly path: string,
    private readonly resultsDir: string,
    private readonly results: ResultsReader,
  ) {}

  async start(_run: RunInfo): Promise<void> {}

  addSamples(): void {}

  addEvents(): void {}

  async onRunEnd(result: RunResult): Promise<void> {
    const page = await buildRunReport(this.results, {
      insights: result.insights,
      summary: result.summary,
      status: result.status,
      outputFailures: result.outputFailures,
      resultsDir: this.resultsDir,
    });
    await writeAtomically(this.path, page);
    this.written = true;
  }

  async stop(): Promise<void> {}

  writtenFiles(): readonly string[] {
    return this.written ? [this.path] : [];
  }
}

export const htmlOutput = defineOutput({
  name: 'html',
  optionsSchema: BUILTIN_OUTPUTS.html.options,
  describe: BUILTIN_OUTPUTS.html.describe,
  argument: BUILTIN_OUTPUTS.html.argument,
  create: (options, { context, resultsDir, results }) => new HtmlOutput(outputFilePath(options.file, REPORT_FILE, { cwd: context.cwd, resultsDir }), resultsDir, results),
});
