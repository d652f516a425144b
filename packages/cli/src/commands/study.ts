import { JltError, parseDuration } from '@jlt/core/essentials';
import type { StudyDeps } from '../study/run-study.js';
import type { JltCommand } from './index.js';

/** `jlt study FILE`: every scenario in every state, then the comparisons and the index page. */
const study: JltCommand = {
  command: 'study <file>',
  describe: 'Run every scenario of a study in every state, compare each scenario across states, write an index; resumable',
  builder: (yargs) =>
    yargs
      .positional('file', { type: 'string', describe: 'Study YAML file', demandOption: true })
      .option('results', { type: 'string', describe: 'Study directory (default results/study-<name>); rerun with the same one to resume' })
      .option('pause', { type: 'string', describe: 'Pause between runs, e.g. 30s (overrides the study file)' })
      .option('agents', { type: 'number', describe: 'Run N local agent processes for every run' })
      .example('$0 study scenarios/study-testbed.yaml', 'one bridge against Octo on the testbed, a few minutes'),
  async run(args, ctx) {
    const agents = args.agents as number | undefined;
    if (agents !== undefined && (!Number.isInteger(agents) || agents < 1)) throw new JltError('INVALID_ARGUMENT', '--agents must be a positive integer');
    const pauseMs = args.pause === undefined ? undefined : pauseOf(args.pause as string);
    const [{ runStudy }, { runScenario }] = await Promise.all([import('../study/run-study.js'), import('../run/run-scenario.js')]);
    const applyDeploy: StudyDeps['applyDeploy'] = async (spec, { dir, baseDir }, context) => {
      const { resolveDeployOptions, applyDeployState } = await import('@jlt/deploy');
      const { state, ...flags } = spec;
      // Paths in the study file are relative to it, as its scenario paths are.
      const options = resolveDeployOptions({ ...flags, state, dir }, { env: context.env, cwd: baseDir }, 'apply');
      await applyDeployState(options, context);
    };
    const outcome = await runStudy(
      args.file as string,
      {
        ...(args.results === undefined ? {} : { results: args.results as string }),
        ...(pauseMs === undefined ? {} : { pauseMs }),
        ...(agents === undefined ? {} : { agents }),
      },
      ctx,
      { runScenario: (options) => runScenario(options, ctx), applyDeploy },
    );
    return { exitCode: outcome.exitCode };
  },
};

export default study;

function pauseOf(text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new JltError('INVALID_ARGUMENT', `--pause: ${(error as Error).message}`, { hint: 'for example --pause 30s' });
  }
}
