import { resolve } from 'node:path';
import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

/** `jlt query DIR SQL`: SQL against one run's results store, read-only (a live run via a snapshot). */
const query: JltCommand = {
  command: 'query <dir> <sql>',
  describe: "Run SQL (DuckDB) against a run's results store, read-only",
  builder: (yargs) =>
    yargs
      .positional('dir', { type: 'string', describe: 'Results directory of one run (results/<run-id>)', demandOption: true })
      .positional('sql', { type: 'string', describe: 'SQL; tables: samples, events, placement, run_meta', demandOption: true })
      .option('format', { choices: ['table', 'json', 'csv'] as const, default: 'table' as const, describe: 'Output format' })
      .example('$0 query results/abc "SELECT bridge, quantile_cont(value, 0.95) FROM samples WHERE metric = \'webrtc_rtt_ms\' GROUP BY ALL"', 'p95 RTT per bridge')
      .example('$0 query results/abc "DESCRIBE samples"', 'the columns of the samples table'),
  async run(args, ctx) {
    const { queryStore, formatResult } = await import('@jlt/reporters');
    const result = await queryStore(resolve(ctx.cwd, args.dir as string), args.sql as string);
    ctx.stdout.write(formatResult(result, args.format as 'table' | 'json' | 'csv'));
    return { exitCode: ExitCode.passed };
  },
};

export default query;
