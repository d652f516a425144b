import type { JltCommand } from './index.js';

const command: JltCommand = {
  command: 'run <file>',
  describe: 'Run a scenario: bots join, stats and bridge metrics are collected, thresholds decide the exit code',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', describe: 'Scenario YAML file', demandOption: true })
      .option('target-url', { type: 'string', describe: 'Meeting server URL for a jitsi target (overrides JLT_TARGET_URL and target.url)' })
      .option('out', { type: 'string', describe: 'Results directory (default results/<run-id>)' })
      .option('summary-export', { type: 'string', describe: 'Write the end-of-test summary as JSON to this file' })
      .option('agents', { type: 'number', describe: 'Run N local agent processes instead of one agent inside this process' })
      .option('wait-agents', { type: 'number', describe: 'Wait for N remote agents (with --listen)' })
      .option('listen', { type: 'string', describe: 'HOST:PORT where remote agents connect (ws://, or wss:// with --tls-cert/--tls-key)' })
      .option('token-file', { type: 'string', describe: 'File holding the token remote agents must present' })
      .option('tls-cert', { type: 'string', describe: 'PEM certificate for wss://' })
      .option('tls-key', { type: 'string', describe: 'PEM private key for wss://' })
      .check((argv) => {
        if (argv.agents !== undefined && (!Number.isInteger(argv.agents) || argv.agents < 1)) throw new Error('--agents must be a positive integer');
        if (argv['wait-agents'] !== undefined && (!Number.isInteger(argv['wait-agents']) || argv['wait-agents'] < 1))
          throw new Error('--wait-agents must be a positive integer');
        if ((argv['tls-cert'] === undefined) !== (argv['tls-key'] === undefined)) throw new Error('--tls-cert and --tls-key go together');
        if (argv['wait-agents'] !== undefined && argv['token-file'] === undefined)
          throw new Error('--wait-agents needs --token-file: remote agents must present a token');
        return true;
      }),
  async run(args, ctx) {
    const { runScenario } = await import('../run/run-scenario.js');
    const outcome = await runScenario(
      args.file as string,
      {
        ...(args.targetUrl !== undefined ? { targetUrl: args.targetUrl as string } : {}),
        ...(args.out !== undefined ? { out: args.out as string } : {}),
        ...(args.summaryExport !== undefined ? { summaryExport: args.summaryExport as string } : {}),
        ...(args.agents !== undefined ? { agents: args.agents as number } : {}),
        ...(args.waitAgents !== undefined ? { waitAgents: args.waitAgents as number } : {}),
        ...(args.listen !== undefined ? { listen: args.listen as string } : {}),
        ...(args.tokenFile !== undefined ? { tokenFile: args.tokenFile as string } : {}),
        ...(args.tlsCert !== undefined ? { tlsCert: args.tlsCert as string, tlsKey: args.tlsKey as string } : {}),
        color: process.stdout.isTTY === true,
      },
      ctx,
    );
    return { exitCode: outcome.exitCode };
  },
};
export default command;
