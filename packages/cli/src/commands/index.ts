import type { Argv, ArgumentsCamelCase } from 'yargs';
import type { CliContext } from '../context.js';

export interface CommandResult {
  exitCode: number;
}

/** A CLI command: declares flags in `builder`, and `run` calls a library function, loading heavy
 * modules lazily (dynamic import) so `jlt --help` stays fast. A flag value `run` finds wrong is a
 * UsageError naming the flag. */
export interface JltCommand {
  command: string;
  describe: string;
  builder: (yargs: Argv) => Argv;
  run(args: ArgumentsCamelCase, ctx: CliContext): Promise<CommandResult>;
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
  import('./report.js'),
]);

export const commands: JltCommand[] = commandModules.map((m) => m.default);
