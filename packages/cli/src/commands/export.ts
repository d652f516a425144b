import { join, resolve } from 'node:path';
import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

/** `jlt export DIR --format parquet|csv`: the run's samples, events and placement as files. */
const exportCommand: JltCommand = {
  command: 'export <dir>',
  describe: "Write a run's samples, events and placement as Parquet or CSV files",
  builder: (yargs) =>
    yargs
      .positional('dir', { type: 'string', describe: 'Results directory of one run (results/<run-id>)', demandOption: true })
      .option('format', { choices: ['parquet', 'csv'] as const, demandOption: true, describe: 'File format' })
      .option('out', { type: 'string', describe: 'Output directory (default: DIR/export)' })
      .example('$0 export results/abc --format parquet', 'results/abc/export/{samples,events,placement}.parquet'),
  async run(args, ctx) {
    const { exportResults } = await import('@jlt/reporters');
    const dir = resolve(ctx.cwd, args.dir as string);
    const out = args.out === undefined ? join(dir, 'export') : resolve(ctx.cwd, args.out as string);
    const exported = await exportResults(dir, args.format as 'parquet' | 'csv', out);
    for (const { file, rows } of exported) ctx.stdout.write(`${file} (${rows} ${rows === 1 ? 'row' : 'rows'})\n`);
    return { exitCode: ExitCode.passed };
  },
};

export default exportCommand;
