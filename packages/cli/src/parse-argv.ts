import { readFileSync } from 'node:fs';
import yargs, { type ArgumentsCamelCase } from 'yargs';
import { commands, type JltCommand } from './commands/index.js';
import { UsageError } from './errors.js';

export interface ParsedCommandLine {
  command: JltCommand;
  args: ArgumentsCamelCase;
}

/**
 * Parses a command line into the command to run and its arguments, without running anything, so
 * that flag handling is testable on its own. Everything yargs refuses (unknown flag, missing
 * argument, bad choice) is a UsageError. Resolves to undefined when yargs printed help or the
 * version instead.
 */
/** The cli package's version; yargs looks for a package.json next to the entry script and finds none. */
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

export async function parseCommandLine(argv: readonly string[], columns = 110): Promise<ParsedCommandLine | undefined> {
  let parsed: ParsedCommandLine | undefined;
  const parser = yargs([...argv])
    .scriptName('jlt')
    .version(version)
    .exitProcess(false)
    .strict()
    .demandCommand(1, 'name a command; see jlt --help')
    .recommendCommands()
    .option('verbose', { type: 'boolean', global: true, describe: 'Debug logs, and the stack trace of an internal error' })
    .wrap(Math.min(110, columns))
    .fail((message, error) => {
      throw new UsageError(error?.message ?? message);
    });
  for (const command of commands) {
    parser.command({
      command: command.command,
      describe: command.describe,
      builder: command.builder,
      handler: (args) => {
        parsed = { command, args };
      },
    });
  }
  try {
    await parser.parseAsync();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // yargs' own parser errors (a flag it cannot coerce) are usage errors too.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return parsed;
}
