import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

const FORMATS = ['md', 'json'] as const;

/** `jlt compare A B [C...]`: the first run is the baseline; every other run is compared with it. */
const compare: JltCommand = {
  command: 'compare <dirs..>',
  describe: 'Compare two or more runs: percentiles, deltas and a verdict per metric that accounts for run-to-run noise',
  builder: (yargs) =>
    yargs
      .positional('dirs', { type: 'string', array: true, describe: 'Results directories; the first is the baseline', demandOption: true })
      .option('labels', { type: 'string', describe: 'Comma-separated names for the runs, e.g. single,octo (default A,B,…)' })
      .option('format', { choices: FORMATS, default: 'md', describe: 'md: a table for a pull-request comment; json: for scripts' })
      .option('out', { type: 'string', describe: 'Write to this file instead of standard output' })
      .example('$0 compare results/single results/octo --labels single,octo', 'does Octo help? a Markdown table with a verdict per metric'),
  async run(args, ctx) {
    const { compareRuns, formatComparisonMarkdown } = await import('@jlt/reporters');
    const dirs = (args.dirs as string[]).map((dir) => resolve(ctx.cwd, dir));
    const labels = args.labels === undefined ? undefined : (args.labels as string).split(',').map((l) => l.trim());
    const comparison = await compareRuns(dirs, labels === undefined ? {} : { labels });
    const text = args.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparisonMarkdown(comparison);
    const out = args.out as string | undefined;
    if (out === undefined) {
      ctx.stdout.write(text);
    } else {
      const path = resolve(ctx.cwd, out);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, text);
      ctx.stderr.write(`comparison: ${path}\n`);
    }
    return { exitCode: ExitCode.passed };
  },
};

export default compare;
