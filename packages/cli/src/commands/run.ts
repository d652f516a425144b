import { resolve } from 'node:path';
import { ExitCode, makeDirectory } from '@jlt/core/essentials';
import { runOptionsFromArgs } from '../run/run-options.js';
import type { JltCommand } from './index.js';

const command: JltCommand = {
  command: 'run <file>',
  describe: 'Run a scenario: bots join, stats and bridge metrics are collected, thresholds decide the exit code',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', describe: 'Scenario YAML file', demandOption: true })
      .option('target-url', { type: 'string', describe: 'Meeting server URL for a jitsi target (overrides JLT_TARGET_URL and target.url)' })
      .option('results', { type: 'string', describe: 'Results directory (default results/<run-id>)' })
      .option('out', {
        type: 'string',
        describe: 'Add an output, k6-style: NAME[=ARG], e.g. json, junit=ci/junit.xml, html=report.html, ./my-output.mjs (repeatable)',
      })
      .option('report', { type: 'boolean', default: true, describe: 'Write the HTML report into the results directory (--no-report: do not)' })
      .option('summary-export', { type: 'string', describe: 'Write the end-of-test summary as JSON to this file' })
      .option('agents', { type: 'string', describe: 'Run N local agent processes instead of one agent inside this process' })
      .option('max-bots', { type: 'string', describe: "Bots the agents started here may run, overriding the measured capacity (saturates them: the run is flagged)" })
      .option('wait-agents', { type: 'string', describe: 'Wait for N remote agents (with --token-file)' })
      .option('listen', { type: 'string', describe: 'HOST:PORT where remote agents connect (ws://, or wss:// with --tls-cert/--tls-key); default 127.0.0.1:0' })
      .option('token-file', { type: 'string', describe: 'File holding the token remote agents must present' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate for wss://' })
      .option('tls-key', { type: 'string', describe: 'PEM private key for wss://' })
      .example('$0 run scenarios/testbed-smoke.yaml --out json --out junit=ci/junit.xml', 'NDJSON into the results directory, JUnit where CI looks'),
  async run(args, ctx) {
    const options = runOptionsFromArgs(args);
    // Before the run's modules load (seconds on a busy machine): a results directory that cannot be made is an input error at once.
    if (options.resultsDir !== undefined) await makeDirectory(resolve(ctx.cwd, options.resultsDir), 'results directory');
    ctx.logger.log('info', `loading ${options.file}`);
    const { runScenario } = await import('../run/run-scenario.js');
    const outcome = await runScenario(options, ctx);
    // A signal at any moment, even while the last report was written, ends the command as interrupted.
    return { exitCode: ctx.signal.aborted ? ExitCode.interrupted : outcome.exitCode };
  },
};
export default command;
