import yargs from 'yargs';
import { ExitCode, isJltError, type Writable } from '@jlt/core';
import { processContext } from './context.js';
import { commands, type CommandResult } from './commands/index.js';

/** Parses argv, runs one command, and returns the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const ctx = processContext();
  let result: CommandResult = { exitCode: ExitCode.passed };
  try {
    const parser = yargs(argv)
      .scriptName('jlt')
      .strict()
      .demandCommand(1, 'name a command; see jlt --help')
      .recommendCommands()
      .wrap(Math.min(110, process.stdout.columns ?? 110))
      .fail((message, error) => {
        throw error ?? new UsageError(message);
      });
    for (const command of commands) {
      parser.command({
        command: command.command,
        describe: command.describe,
        builder: command.builder,
        handler: async (args) => {
          result = await command.run(args, ctx);
        },
      });
    }
    await parser.parseAsync();
    return result.exitCode;
  } catch (error) {
    return reportError(error, ctx.stderr);
  } finally {
    ctx.dispose();
  }
}

class UsageError extends Error {}

function reportError(error: unknown, stderr: Writable): number {
  if (error instanceof UsageError) {
    stderr.write(`error: ${error.message}\nRun 'jlt --help' for usage.\n`);
    return ExitCode.invalidInput;
  }
  if (isJltError(error)) {
    stderr.write(`${error.name === 'ConfigError' ? '' : 'error: '}${error.message}\n`);
    if (error.hint) stderr.write(`hint: ${error.hint}\n`);
    if (process.env.JLT_DEBUG && error.cause) stderr.write(`cause: ${error.cause instanceof Error ? (error.cause.stack ?? error.cause.message) : JSON.stringify(error.cause)}\n`);
    return error.exitCode;
  }
  stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return ExitCode.internalError;
}
