import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { RunContext } from '@jlt/core';

export interface CommandResult {
  exitCode: number;
}

/** A CLI command: parses flags in `builder`, and `run` calls a library function, loading heavy
 * modules lazily (dynamic import) so `jlt --help` stays fast. */
export interface JltCommand {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv;
  run(args: ArgumentsCamelCase, ctx: RunContext): Promise<CommandResult>;
}

const commandModules = await Promise.all([
  import('./validate.js'),
  import('./plan.js'),
  import('./schema.js'),
  import('./run.js'),
  import('./agent.js'),
  import('./testbed.js'),
  import('./query.js'),
  import('./export.js'),
  import('./deploy.js'),
  import('./compare.js'),
  import('./study.js'),
]);

export const commands: JltCommand[] = commandModules.map((m) => m.default);
