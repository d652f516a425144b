import { resolve } from 'node:path';
import { ExitCode } from '@jlt/core';
import type { JltCommand } from './index.js';

/** `jlt report DIR [--out FILE]`: rebuilds a run's HTML report from its results directory alone. */
const report: JltCommand = {
  command: 'report <dir>',
  describe: "Rebuild a run's HTML report from its results directory (also of an interrupted or killed run)",
  builder: (yargs) =>
    yargs
      .positional('dir', { type: 'string', describe: 'Results directory of one run (results/<run-id>)', demandOption: true })
      .option('out', { type: 'string', describe: 'Where to write the report (default DIR/report.html)' })
      .example('$0 report results/abc', 'writes results/abc/report.html')
      .example('$0 report results/abc --out /tmp/abc.html', 'writes the report elsewhere'),
  async run(args, ctx) {
    const [{ writeRunReport }, { JLT_VERSION }] = await Promise.all([import('@jlt/reporters'), import('../version.js')]);
    const out = args.out === undefined ? undefined : resolve(ctx.cwd, args.out as string);
    const written = await writeRunReport(resolve(ctx.cwd, args.dir as string), { toolVersion: JLT_VERSION, ...(out ? { out } : {}) });
    const untrustworthy = written.insights.filter((i) => i.severity === 'untrustworthy').length;
    const notes = written.insights.length === 0 ? '' : ` (${written.insights.length} insight${written.insights.length === 1 ? '' : 's'}${untrustworthy > 0 ? `, ${untrustworthy} untrustworthy` : ''})`;
    ctx.stdout.write(`report: ${written.file}${notes}\n`);
    return { exitCode: ExitCode.passed };
  },
};

export default report;
