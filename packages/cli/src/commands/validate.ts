import { ExitCode, formatConfigIssue, isJltError } from '@jlt/core';
import type { JltCommand } from './index.js';

/** `jlt validate FILE...`: every problem of every file at once; `ok FILE` for the good ones. */
const validate: JltCommand = {
  command: 'validate <files..>',
  describe: 'Check scenario files and report every problem with its file and line',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'Scenario YAML files', demandOption: true })
      .example('$0 validate scenarios/*.yaml', 'check every scenario'),
  async run(args, ctx) {
    const { validateScenarioFiles, describePlan, ConfigError } = await import('@jlt/core');
    const files = (args.files as string[] | undefined) ?? [];
    const results = await validateScenarioFiles(files, { env: ctx.env });
    const hints = new Set<string>();
    for (const result of results) {
      if (result.loaded) {
        ctx.stdout.write(`ok ${result.file} (${describePlan(result.loaded.plan)})\n`);
        continue;
      }
      const error = result.error;
      if (error instanceof ConfigError) {
        for (const issue of error.issues) ctx.stderr.write(`${formatConfigIssue(issue)}\n`);
      } else if (isJltError(error)) {
        ctx.stderr.write(`${result.file}: ${error.message}\n`);
      }
      if (error?.hint) hints.add(error.hint);
    }
    for (const hint of hints) ctx.stderr.write(`hint: ${hint}\n`);
    return { exitCode: results.every((r) => r.loaded) ? ExitCode.passed : ExitCode.invalidInput };
  },
};

export default validate;
