import { ExitCode } from '@jlt/core/essentials';
import { processContext } from './context.js';
import { reportError } from './errors.js';
import { parseCommandLine } from './parse-argv.js';

/** Parses argv, runs one command, and returns the process exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const ctx = processContext({ verbose });
  try {
    const parsed = await parseCommandLine(argv, process.stdout.columns ?? 110);
    if (parsed === undefined) return ExitCode.passed;
    return (await parsed.command.run(parsed.args, ctx)).exitCode;
  } catch (error) {
    return reportError(error, ctx.stderr, { verbose });
  } finally {
    ctx.dispose();
  }
}
