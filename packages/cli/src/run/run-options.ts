import type { ArgumentsCamelCase } from 'yargs';
import { UsageError } from '../errors.js';
import { booleanFlag, parseListen, positiveIntegerFlag, repeatedFlag, stringFlag } from '../flags.js';
import { parseOutputFlag, type OutputRequest } from './output-flags.js';

/** `jlt run`, its flags checked and typed. */
export interface RunOptions {
  file: string;
  targetUrl?: string;
  /** `--results DIR`; default `results/<run-id>` under the working directory. */
  resultsDir?: string;
  /** `--out NAME[=ARG]`, in order. */
  outputs: OutputRequest[];
  /** False with `--no-report`: the HTML report is not among the default outputs. */
  report: boolean;
  summaryExport?: string;
  /** Local agent processes; without it one agent runs inside this process. */
  agents?: number;
  /** Remote agents to wait for. */
  waitAgents?: number;
  /** Where remote agents connect; with `waitAgents`. */
  listen?: { host: string; port: number };
  tokenFile?: string;
  tls?: { certFile: string; keyFile: string };
  /** Capacity of the agents this command starts (in-process or local), overriding the measured one. */
  maxBots?: number;
}

/** Checks what yargs parsed for `jlt run` and types it; any problem is a UsageError naming the flag. */
export function runOptionsFromArgs(args: ArgumentsCamelCase): RunOptions {
  const file = args.file;
  if (typeof file !== 'string' || file === '') throw new UsageError('jlt run needs a scenario file: jlt run FILE');
  const agents = positiveIntegerFlag(args, 'agents');
  const waitAgents = positiveIntegerFlag(args, 'wait-agents');
  const listenText = stringFlag(args, 'listen');
  const tokenFile = stringFlag(args, 'token-file');
  const certFile = stringFlag(args, 'tls-cert');
  const keyFile = stringFlag(args, 'tls-key');
  const maxBots = positiveIntegerFlag(args, 'max-bots');
  const remote = waitAgents !== undefined || listenText !== undefined;
  if ((certFile === undefined) !== (keyFile === undefined)) throw new UsageError('--tls-cert and --tls-key go together', 'give both, or neither for ws://');
  if (certFile !== undefined && !remote) throw new UsageError('--tls-cert/--tls-key serve remote agents: add --wait-agents N');
  if (remote && tokenFile === undefined) {
    throw new UsageError(`${waitAgents !== undefined ? '--wait-agents' : '--listen'} needs --token-file: remote agents must present a token`, 'write a random token to a file readable only by you, e.g. `openssl rand -hex 24 > token && chmod 600 token`');
  }
  if (remote && agents !== undefined) throw new UsageError('--agents starts local agents and --wait-agents waits for remote ones: choose one');
  if (remote && maxBots !== undefined) throw new UsageError('--max-bots sets the capacity of agents this command starts; remote agents take their own `jlt agent --max-bots N`');
  const listen = listenText === undefined ? undefined : parseListen(listenText);
  const targetUrl = stringFlag(args, 'target-url');
  const resultsDir = stringFlag(args, 'results');
  const summaryExport = stringFlag(args, 'summary-export');
  return {
    file,
    outputs: repeatedFlag(args, 'out').map(parseOutputFlag),
    report: booleanFlag(args, 'report', true),
    ...(targetUrl === undefined ? {} : { targetUrl }),
    ...(resultsDir === undefined ? {} : { resultsDir }),
    ...(summaryExport === undefined ? {} : { summaryExport }),
    ...(agents === undefined ? {} : { agents }),
    ...(waitAgents === undefined ? {} : { waitAgents }),
    ...(listen === undefined ? {} : { listen }),
    ...(tokenFile === undefined ? {} : { tokenFile }),
    ...(certFile === undefined || keyFile === undefined ? {} : { tls: { certFile, keyFile } }),
    ...(maxBots === undefined ? {} : { maxBots }),
  };
}
