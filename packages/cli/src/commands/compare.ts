import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

const FORMATS = ['html', 'md', 'json'] as const;

/** Where `--format html` writes without `--out`: a page belongs in a file, not on a terminal. */
const DEFAULT_HTML_FILE = 'comparison.html';

/** `jlt compare A B [C...]`: the first run is the baseline; every other run is compared with it. */
const compare: JltCommand = {
  command: 'compare <dirs..>',
  describe: 'Compare two or more runs: percentiles, deltas and a verdict per metric that accounts for run-to-run noise',
  builder: (yargs) =>
    yargs
      .positional('dirs', { type: 'string', array: true, describe: 'Results directories; the first is the baseline', demandOption: true })
      .option('labels', { type: 'string', describe: 'Comma-separated names for the runs, e.g. single,octo (default A,B,…)' })
      .option('format', {
        choices: FORMATS,
        default: 'html',
        describe: `html: one self-contained page (default file ${DEFAULT_HTML_FILE}); md: a table for a pull-request comment; json: for scripts`,
      })
      .option('out', { type: 'string', describe: `Write to this file (html: default ./${DEFAULT_HTML_FILE}; md and json: default standard output)` })
      .example('$0 compare results/single results/octo --labels single,octo', 'does Octo help? comparison.html with timelines and a verdict per metric')
      .example('$0 compare results/single results/octo --format md', 'the same as a Markdown table for a pull request'),
  async run(args, ctx) {
    const { compareRuns, formatComparisonMarkdown, writeComparisonPage } = await import('@jlt/reporters');
    const dirs = (args.dirs as string[]).map((dir) => resolve(ctx.cwd, dir));
    const labels = args.labels === undefined ? undefined : (args.labels as string).split(',').map((l) => l.trim());
    const comparison = await compareRuns(dirs, labels === undefined ? {} : { labels });
    const out = args.out as string | undefined;
    if (args.format === 'html') {
      const { JLT_VERSION } = await import('../version.js');
      const file = resolve(ctx.cwd, out ?? DEFAULT_HTML_FILE);
      const bytes = await writeComparisonPage(comparison, file, { toolVersion: JLT_VERSION });
      const untrustworthy = comparison.untrustworthy.length > 0 ? ' (untrustworthy: see its banner)' : '';
      ctx.stdout.write(`comparison: ${file} (${Math.ceil(bytes / 1024)} KiB)${untrustworthy}\n`);
      return { exitCode: ExitCode.passed };
    }
    const text = args.format === 'json' ? `${JSON.stringify(comparison, null, 2)}\n` : formatComparisonMarkdown(comparison);
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
