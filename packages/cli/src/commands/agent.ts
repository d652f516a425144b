import type { JltCommand } from './index.js';

const command: JltCommand = {
  command: 'agent',
  describe: 'Run a worker agent that serves runs from a coordinator (jlt run --listen) until stopped',
  builder: (yargs) =>
    yargs
      .option('coordinator', { type: 'string', demandOption: true, describe: 'Coordinator URL, ws://HOST:PORT or wss://HOST:PORT' })
      .option('token-file', { type: 'string', demandOption: true, describe: 'File holding the token the coordinator expects' })
      .option('name', { type: 'string', describe: 'Name shown in results (default: host name)' })
      .option('max-bots', { type: 'number', describe: 'Bots this agent may run at once (default: from cores and memory)' })
      .option('ca-file', { type: 'string', describe: 'PEM CA certificate to trust for wss://' })
      .option('once', { type: 'boolean', default: false, describe: 'Serve one run, then exit' }),
  async run(args, ctx) {
    const { serveAgent } = await import('../run/serve-agent.js');
    return serveAgent(
      {
        coordinator: args.coordinator as string,
        tokenFile: args.tokenFile as string,
        ...(args.name !== undefined ? { name: args.name as string } : {}),
        ...(args.maxBots !== undefined ? { maxBots: args.maxBots as number } : {}),
        ...(args.caFile !== undefined ? { caFile: args.caFile as string } : {}),
        once: args.once as boolean,
      },
      ctx,
    );
  },
};
export default command;
