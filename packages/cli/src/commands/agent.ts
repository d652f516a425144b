import type { ArgumentsCamelCase } from 'yargs';
import { UsageError } from '../errors.js';
import { booleanFlag, positiveIntegerFlag, stringFlag } from '../flags.js';
import type { ServeAgentOptions } from '../run/serve-agent.js';
import type { JltCommand } from './index.js';

/** Checks what yargs parsed for `jlt agent` and types it; any problem is a UsageError naming the flag. */
export function agentOptionsFromArgs(args: ArgumentsCamelCase): ServeAgentOptions {
  const coordinator = stringFlag(args, 'coordinator');
  const tokenFile = stringFlag(args, 'token-file');
  if (coordinator === undefined) throw new UsageError('jlt agent needs --coordinator ws://HOST:PORT');
  if (tokenFile === undefined) throw new UsageError('jlt agent needs --token-file F: the token the coordinator expects');
  if (!/^wss?:\/\/[^\s/]+/.test(coordinator)) throw new UsageError(`--coordinator must be a ws:// or wss:// URL (got ${JSON.stringify(coordinator)})`, 'for example --coordinator ws://10.0.0.5:7800');
  const name = stringFlag(args, 'name');
  const maxBots = positiveIntegerFlag(args, 'max-bots');
  const caFile = stringFlag(args, 'ca-file');
  return {
    coordinator,
    tokenFile,
    once: booleanFlag(args, 'once', false),
    ...(name === undefined ? {} : { name }),
    ...(maxBots === undefined ? {} : { maxBots }),
    ...(caFile === undefined ? {} : { caFile }),
  };
}

const command: JltCommand = {
  command: 'agent',
  describe: 'Run a worker agent that serves runs from a coordinator (jlt run --wait-agents) until stopped',
  builder: (yargs) =>
    yargs
      .option('coordinator', { type: 'string', describe: 'Coordinator URL, ws://HOST:PORT or wss://HOST:PORT' })
      .option('token-file', { type: 'string', describe: 'File holding the token the coordinator expects' })
      .option('name', { type: 'string', describe: 'Name shown in results (default: host name)' })
      .option('max-bots', { type: 'string', describe: 'Bots this agent may run at once (default: from cores and memory; more saturates it)' })
      .option('ca-file', { type: 'string', describe: 'PEM CA certificate to trust for wss://' })
      .option('once', { type: 'boolean', default: false, describe: 'Serve one run, then exit' }),
  async run(args, ctx) {
    const options = agentOptionsFromArgs(args);
    const { serveAgent } = await import('../run/serve-agent.js');
    return serveAgent(options, ctx);
  },
};
export default command;
