import { BUILTIN_OUTPUTS, defineOutput, type Output, type RunInfo, type RunResult } from '@jlt/core';
import { buildRunReport } from '../report/run/build-run-report.js';
import { REPORT_FILE, writeAtomically } from '../report/run/write-run-report.js';
import { ResultsDb } from '../store/results-db.js';
import type { StoreReader } from '../store/store-reader.js';
import { outputFilePath } from './output-file.js';

/** Opens a read-only view of the run's store for the report, and releases it after. */
export type OpenStoreReader = () => Promise<{ reader: StoreReader; close(): Promise<void> }>;

/**
 * The HTML run report, written once at the end of the run from the run's own results store (so it
 * shows exactly what `jlt report DIR` would rebuild later), with the insights, summary and status
 * the run computed. Takes no samples itself: the store has them all.
 */
export class HtmlOutput implements Output {
  readonly name = 'html';

  constructor(
    private readonly path: string,
    private readonly resultsDir: string,
    private readonly openReader: OpenStoreReader,
  ) {}

  async start(_run: RunInfo): Promise<void> {}

  addSamples(): void {}

  addEvents(): void {}

  async onRunEnd(result: RunResult): Promise<void> {
    const store = await this.openReader();
    try {
      const page = await buildRunReport(store.reader, {
        insights: result.insights,
        summary: result.summary,
        status: result.status,
        outputFailures: result.outputFailures,
        resultsDir: this.resultsDir,
      });
      await writeAtomically(this.path, page);
    } finally {
      await store.close();
    }
  }

  async stop(): Promise<void> {}
}

/** A snapshot of the store in `dir` (it is still open for writing while the run ends). */
function snapshotReader(dir: string): OpenStoreReader {
  return async () => {
    const db = await ResultsDb.open(dir);
    return { reader: db, close: () => db.close() };
  };
}

export const htmlOutput = defineOutput({
  name: 'html',
  optionsSchema: BUILTIN_OUTPUTS.html.options,
  describe: BUILTIN_OUTPUTS.html.describe,
  create: (options, { context, resultsDir }) => new HtmlOutput(outputFilePath(options.file, REPORT_FILE, { cwd: context.cwd, resultsDir }), resultsDir, snapshotReader(resultsDir)),
});
