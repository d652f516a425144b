import { resolve } from 'node:path';
import { ExitCode, formatConfigIssue, isJltError, type JltError } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

/**
 * `jlt validate FILE...`: every problem of every file at once; `ok FILE` for the good ones. A study
 * file (top-level `states:`/`scenarios:`) is checked as a study, with the scenarios it names.
 */
const validate: JltCommand = {
  command: 'validate <files..>',
  describe: 'Check scenario and study files and report every problem with its file and line',
  builder: (yargs) =>
    yargs
      .positional('files', { type: 'string', array: true, describe: 'Scenario or study YAML files', demandOption: true })
      .example('$0 validate scenarios/*.yaml', 'check every scenario and study'),
  async run(args, ctx) {
    const { validateScenarioFiles, describePlan, isStudyFile, loadStudyFile, plural, ConfigError } = await import('@jlt/core');
    const files = (args.files as string[] | undefined) ?? [];
    const results = await Promise.all(
      files.map(async (file): Promise<{ file: string; described?: string; error?: JltError }> => {
        if (!(await isStudyFile(resolve(ctx.cwd, file)))) {
          const [result] = await validateScenarioFiles([file], { env: ctx.env });
          return { file, ...(result!.loaded ? { described: describePlan(result!.loaded.plan) } : { error: result!.error! }) };
        }
        try {
          const { study, scenarios } = await loadStudyFile(file);
          return { file, described: `study: ${plural(study.states.length, 'state')} × ${plural(scenarios.length, 'scenario')}` };
        } catch (error) {
          if (isJltError(error)) return { file, error };
          throw error;
        }
      }),
    );
    const hints = new Set<string>();
    for (const result of results) {
      if (result.described !== undefined) {
        ctx.stdout.write(`ok ${result.file} (${result.described})\n`);
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
    return { exitCode: results.every((r) => r.described !== undefined) ? ExitCode.passed : ExitCode.invalidInput };
  },
};

export default validate;
