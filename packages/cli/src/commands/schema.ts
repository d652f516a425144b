import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ExitCode } from '@jlt/core/essentials';
import type { JltCommand } from './index.js';

/** `jlt schema`: the scenario (or `--study`: the study) JSON Schema generated from the zod schema;
 * `--check` guards freshness in CI. */
const schema: JltCommand = {
  command: 'schema',
  describe: 'Print the scenario (or study) JSON Schema (for editor completion), write it, or check a written copy is fresh',
  builder: (yargs) =>
    yargs
      .option('study', { type: 'boolean', default: false, describe: 'The study file schema instead of the scenario schema' })
      .option('write', { type: 'string', describe: 'Write the schema to this file' })
      .option('check', { type: 'string', describe: 'Exit non-zero if this file differs from the generated schema' })
      .conflicts('write', 'check')
      .example('$0 schema --write scenarios/schema.json', 'regenerate the committed schema')
      .example('$0 schema --study --write scenarios/study.schema.json', 'regenerate the committed study schema'),
  async run(args, ctx) {
    const { scenarioJsonSchema, studyJsonSchema } = await import('@jlt/core');
    const study = args.study === true;
    const text = `${JSON.stringify(study ? studyJsonSchema() : scenarioJsonSchema(), null, 2)}\n`;
    const write = args.write as string | undefined;
    const check = args.check as string | undefined;
    if (write !== undefined) {
      await writeFile(resolve(ctx.cwd, write), text);
      ctx.stderr.write(`wrote ${write}\n`);
      return { exitCode: ExitCode.passed };
    }
    if (check !== undefined) {
      const current = await readFile(resolve(ctx.cwd, check), 'utf8').catch(() => undefined);
      if (current === text) {
        ctx.stdout.write(`ok ${check} is up to date\n`);
        return { exitCode: ExitCode.passed };
      }
      ctx.stderr.write(
        `${check} is ${current === undefined ? 'missing' : 'stale'}: it does not match the ${study ? 'study' : 'scenario'} schema in packages/core\n` +
          `hint: run \`jlt schema${study ? ' --study' : ''} --write ${check}\` and commit the result\n`,
      );
      return { exitCode: ExitCode.invalidInput };
    }
    ctx.stdout.write(text);
    return { exitCode: ExitCode.passed };
  },
};

export default schema;
