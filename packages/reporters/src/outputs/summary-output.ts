import { writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { makeDirectory, type Output, type RunResult, type Writable } from '@jlt/core';
import { formatEndOfRun } from '../summary/format-summary.js';

export interface SummaryOutputOptions {
  stdout: Writable;
  /** ANSI colours, for a terminal. */
  color: boolean;
  resultsDir: string;
  /** Paths inside it are printed relative to it. */
  cwd: string;
  /** `--summary-export`: the summary as JSON, also written here. */
  exportFile?: string;
}

/**
 * The end-of-test summary on the terminal (k6's layout, then the insights' warnings, the failed
 * outputs, the files written and the results directory), and `--summary-export`. Put it last:
 * it then sees the failures and files of every output before it.
 */
export class SummaryOutput implements Output {
  readonly name = 'summary';

  constructor(private readonly options: SummaryOutputOptions) {}

  async start(): Promise<void> {
    if (this.options.exportFile !== undefined) await makeDirectory(dirname(this.options.exportFile), 'directory of --summary-export');
  }

  addSamples(): void {}

  addEvents(): void {}

  async onRunEnd(result: RunResult): Promise<void> {
    const { stdout, color, resultsDir, cwd, exportFile } = this.options;
    stdout.write(`\n${formatEndOfRun(result, { color, resultsDir, cwd })}`);
    if (result.reason !== undefined && result.status !== 'passed') stdout.write(`run ended: ${result.reason}\n`);
    if (exportFile !== undefined) await writeFile(exportFile, `${JSON.stringify(result.summary, null, 2)}\n`);
  }

  async stop(): Promise<void> {}
}
