import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ExitCode, formatDuration, isJltError, loadStudyFile, type RunContext, type StudyRun, type StudyState } from '@jlt/core';
import type { StudyIndex, StudyIndexComparison } from '@jlt/reporters';
import type { RunOutcome } from '../run/run-scenario.js';
import type { RunOptions } from '../run/run-options.js';

export interface StudyOverrides {
  /** The study directory; default `results/study-<name>` under the working directory. */
  results?: string;
  /** Replaces the study file's pause between runs, ms. */
  pauseMs?: number;
  /** Passed to every run (local agent processes). */
  agents?: number;
}

export interface StudyOutcome {
  exitCode: number;
  dir: string;
  /** Runs this invocation executed, and those it found complete from before. */
  ran: number;
  skipped: number;
}

/** The library function behind `jlt run`, bound to the command's context; injected so tests can stand in for real runs. */
export type RunScenarioFn = (options: RunOptions) => Promise<RunOutcome>;

export type DeploySpec = Extract<StudyState, { deploy: unknown }>['deploy'];

/** What a study drives; the CLI passes the real ones, tests stand-ins. */
export interface StudyDeps {
  runScenario: RunScenarioFn;
  /**
   * Puts the cluster into a `jlt deploy` state (packages/deploy's applyDeployState), writing its
   * rendered files into `dir`; paths in the spec are relative to `baseDir` (the study file's).
   */
  applyDeploy(spec: DeploySpec, where: { dir: string; baseDir: string }, ctx: RunContext): Promise<void>;
}

/** Statuses of a run that ran to its end: a rerun of the study keeps them. */
const COMPLETE: Record<string, number> = {
  passed: ExitCode.passed,
  'thresholds-failed': ExitCode.thresholdsFailed,
  aborted: ExitCode.abortedByThreshold,
  'agent-lost': ExitCode.agentLost,
};

const SCENARIO_COPY = 'scenario.yaml';

/**
 * Runs a study: every scenario in every state, in the file's order, each into
 * `<study dir>/<scenario>/<state>/` with a pause between runs; then the comparison of each scenario
 * across states and the index page. Resumable: a run whose directory holds a completed run of the
 * same scenario is skipped, an interrupted, failed-to-start or changed one is done again (its old
 * directory kept as `<dir>.previous`). Ctrl-C stops after the current run, which keeps what it
 * collected and is redone next time.
 *
 * A `jlt deploy` state is applied before the first of its runs that is not skipped; when that
 * fails, the state's runs are not run and count as failed with the deploy error's code.
 *
 * Exit code: the first error's (in the study's order), else 99 when any run failed its
 * thresholds, else 0; 130 when interrupted.
 */
export async function runStudy(file: string, overrides: StudyOverrides, ctx: RunContext, deps: StudyDeps): Promise<StudyOutcome> {
  const studyFile = resolve(ctx.cwd, file);
  const loaded = await loadStudyFile(studyFile);
  const { study, runs } = loaded;
  const dir = resolve(ctx.cwd, overrides.results ?? join('results', `study-${study.name}`));
  const pauseMs = overrides.pauseMs ?? study.pause;
  await mkdir(dir, { recursive: true });
  const say = (line: string): void => {
    ctx.stderr.write(`study ${study.name}: ${line}\n`);
  };
  say(`${runs.length} runs (${loaded.scenarios.length} scenarios × ${study.states.length} states) in ${dir}`);

  const codes: number[] = [];
  let ran = 0;
  let skipped = 0;
  let interrupted = false;
  let enteredState: string | undefined;
  /** States that could not be entered, with the exit code of why. */
  const failedStates = new Map<string, number>();
  for (const run of runs) {
    const runDir = runDirectory(dir, run);
    const position = `run ${run.index} of ${runs.length}: ${run.scenario} in ${run.state.name}`;
    const before = await previousRun(runDir, run.scenarioText);
    if (before.complete) {
      say(`${position}: done before (${before.status}), skipped`);
      codes.push(COMPLETE[before.status]!);
      skipped++;
      continue;
    }
    const stateFailure = failedStates.get(run.state.name);
    if (stateFailure !== undefined) {
      say(`${position}: not run, its state could not be applied`);
      codes.push(stateFailure);
      continue;
    }
    if (ran > 0 && pauseMs > 0) {
      say(`pausing ${formatDuration(pauseMs)} so the bridges return to idle`);
      const paused = await sleep(pauseMs, undefined, { signal: ctx.signal }).then(
        () => true,
        () => false,
      );
      if (!paused) {
        interrupted = true;
        break;
      }
    }
    if (enteredState !== run.state.name) {
      say(`state ${run.state.name}: ${describeState(run.state)}`);
      enteredState = run.state.name;
      const entered = await enterState(run.state, { dir: join(dir, `deploy-${run.state.name}`), baseDir: dirname(studyFile) }, ctx, deps).then(
        () => undefined,
        (error: unknown) => {
          say(`state ${run.state.name} could not be applied: ${error instanceof Error ? error.message : String(error)}`);
          return isJltError(error) ? error.exitCode : ExitCode.internalError;
        },
      );
      if (ctx.signal.aborted) {
        interrupted = true;
        break;
      }
      if (entered !== undefined) {
        failedStates.set(run.state.name, entered);
        say(`${position}: not run, its state could not be applied`);
        codes.push(entered);
        continue;
      }
    }
    if (before.exists) {
      say(`${position}: ${before.reason}; running it again (the old one moves to ${runDir}.previous)`);
      await rm(`${runDir}.previous`, { recursive: true, force: true });
      await rename(runDir, `${runDir}.previous`);
    }
    say(`${position} → ${runDir}`);
    await mkdir(runDir, { recursive: true });
    const scenarioCopy = join(runDir, SCENARIO_COPY);
    await writeFile(scenarioCopy, run.scenarioText);
    ran++;
    const options: RunOptions = { file: scenarioCopy, resultsDir: runDir, outputs: [], report: true, ...(overrides.agents === undefined ? {} : { agents: overrides.agents }) };
    const code = await deps.runScenario(options).then(
      (outcome) => outcome.exitCode,
      (error: unknown) => {
        say(`${position} failed: ${error instanceof Error ? error.message : String(error)}`);
        return isJltError(error) ? error.exitCode : ExitCode.internalError;
      },
    );
    codes.push(code);
    if (code === ExitCode.interrupted || ctx.signal.aborted) {
      interrupted = true;
      break;
    }
  }

  const comparisons = interrupted ? [] : await compareScenarios(dir, loaded.scenarios, study.states, runs, say);
  const index = await studyIndex(dir, loaded, comparisons);
  const [{ formatStudyIndexMarkdown, buildStudyIndexPage, writeAtomically }, { JLT_VERSION }] = await Promise.all([import('@jlt/reporters'), import('../version.js')]);
  await writeFile(join(dir, 'index.md'), formatStudyIndexMarkdown(index));
  await writeAtomically(join(dir, 'index.html'), await buildStudyIndexPage(index, { toolVersion: JLT_VERSION }));
  say(`${interrupted ? 'interrupted; rerun to finish' : 'done'}: ${ran} run(s) now, ${skipped} from before; index ${join(dir, 'index.html')}`);

  const firstError = codes.find((c) => c !== ExitCode.passed && c !== ExitCode.thresholdsFailed);
  const comparisonError = comparisons.find((c) => c.error !== undefined) ? ExitCode.invalidInput : undefined;
  const exitCode = interrupted
    ? ExitCode.interrupted
    : (firstError ?? comparisonError ?? (codes.includes(ExitCode.thresholdsFailed) ? ExitCode.thresholdsFailed : ExitCode.passed));
  return { exitCode, dir, ran, skipped };
}

export function runDirectory(studyDir: string, run: Pick<StudyRun, 'scenario' | 'state'>): string {
  return join(studyDir, run.scenario, run.state.name);
}

/** What a state is, in words. */
function describeState(state: StudyState): string {
  if ('testbed' in state) {
    const { bridges, octo, strategy } = state.testbed;
    return `testbed with ${bridges} bridge(s)${octo ? ', octo' : ''}, ${strategy} strategy; every run starts its own`;
  }
  if ('deploy' in state) {
    const { state: shape, bridges } = state.deploy;
    return `jlt deploy ${shape}${bridges === undefined ? '' : ` with ${bridges} bridges`} at ${state.deploy.publicUrl}, applied before its runs`;
  }
  return `${state.url}, prepared by you`;
}

/** Puts the target into the state before its runs: a deploy state is applied; a testbed needs
 * nothing (every run starts its own) and a URL state was prepared by the user. */
async function enterState(state: StudyState, where: { dir: string; baseDir: string }, ctx: RunContext, deps: StudyDeps): Promise<void> {
  if ('deploy' in state) await deps.applyDeploy(state.deploy, where, ctx);
}

type PreviousRun = { exists: false; complete: false } | { exists: true; complete: true; status: string } | { exists: true; complete: false; reason: string };

/** What the run directory holds from an earlier invocation. */
async function previousRun(runDir: string, scenarioText: string): Promise<PreviousRun> {
  const copy = await readFile(join(runDir, SCENARIO_COPY), 'utf8').catch(() => undefined);
  const runJson = await readFile(join(runDir, 'run.json'), 'utf8').catch(() => undefined);
  if (copy === undefined && runJson === undefined) {
    const exists = (await stat(runDir).catch(() => undefined)) !== undefined;
    return exists ? { exists: true, complete: false, reason: 'its directory holds no run' } : { exists: false, complete: false };
  }
  if (copy !== scenarioText) return { exists: true, complete: false, reason: 'its scenario changed since it ran' };
  let status: unknown;
  try {
    status = (JSON.parse(runJson ?? '{}') as { status?: unknown }).status;
  } catch {
    return { exists: true, complete: false, reason: 'its run.json is damaged' };
  }
  if (typeof status === 'string' && status in COMPLETE) return { exists: true, complete: true, status };
  return { exists: true, complete: false, reason: `it did not finish before (${typeof status === 'string' ? status : 'no status'})` };
}

async function compareScenarios(
  dir: string,
  scenarios: string[],
  states: StudyState[],
  runs: StudyRun[],
  say: (line: string) => void,
): Promise<StudyIndexComparison[]> {
  const [{ compareRuns, formatComparisonMarkdown, verdictCounts, writeComparisonPage }, { JLT_VERSION }] = await Promise.all([import('@jlt/reporters'), import('../version.js')]);
  const comparisons: StudyIndexComparison[] = [];
  for (const scenario of scenarios) {
    const done: { state: string; dir: string }[] = [];
    for (const state of states) {
      const run = runs.find((r) => r.scenario === scenario && r.state.name === state.name)!;
      const runDir = runDirectory(dir, run);
      if ((await previousRun(runDir, run.scenarioText)).complete) done.push({ state: state.name, dir: runDir });
    }
    if (done.length < 2) continue;
    const base = join(dir, scenario, 'comparison');
    try {
      const comparison = await compareRuns(
        done.map((d) => d.dir),
        { labels: done.map((d) => d.state) },
      );
      await writeComparisonPage(comparison, `${base}.html`, { toolVersion: JLT_VERSION });
      await writeFile(`${base}.md`, formatComparisonMarkdown(comparison));
      await writeFile(`${base}.json`, `${JSON.stringify(comparison, null, 2)}\n`);
      say(`compared ${scenario} across ${done.map((d) => d.state).join(', ')}: ${base}.html`);
      comparisons.push({
        scenario,
        links: [
          { label: 'comparison', href: relative(dir, `${base}.html`) },
          { label: 'markdown', href: relative(dir, `${base}.md`) },
          { label: 'json', href: relative(dir, `${base}.json`) },
        ],
        verdicts: verdictCounts(comparison),
        untrustworthy: [...new Set(comparison.untrustworthy.map((u) => u.label))],
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      say(`comparing ${scenario} failed: ${message}`);
      comparisons.push({ scenario, links: [], verdicts: [], untrustworthy: [], error: message });
    }
  }
  return comparisons;
}

async function studyIndex(dir: string, loaded: Awaited<ReturnType<typeof loadStudyFile>>, comparisons: StudyIndexComparison[]): Promise<StudyIndex> {
  const runs = await Promise.all(
    loaded.runs.map(async (run) => {
      const runDir = runDirectory(dir, run);
      const previous = await previousRun(runDir, run.scenarioText);
      const progress = previous.complete ? 'done' : previous.exists ? 'interrupted' : 'pending';
      const recorded = previous.exists ? await recordedStatus(runDir) : undefined;
      const status = previous.complete ? previous.status : (recorded ?? (previous.exists ? 'incomplete' : 'not run'));
      const links = [];
      for (const [label, name] of [
        ['report', 'report.html'],
        ['summary', 'summary.json'],
        ['junit', 'junit.xml'],
        ['scenario', SCENARIO_COPY],
      ] as const) {
        if (await stat(join(runDir, name)).catch(() => undefined)) links.push({ label, href: relative(dir, join(runDir, name)) });
      }
      return { index: run.index, scenario: run.scenario, state: run.state.name, progress, status, untrustworthy: previous.exists && (await untrustworthyRun(runDir)), complete: previous.complete, dir: relative(dir, runDir), links } as const;
    }),
  );
  return {
    name: loaded.study.name,
    description: loaded.study.description,
    file: loaded.file,
    complete: runs.every((r) => r.complete),
    states: loaded.study.states.map((state) => ({ name: state.name, shape: describeState(state) })),
    runs: runs.map(({ complete: _, ...run }) => run),
    comparisons,
  };
}

/** The status a run's run.json recorded (`running` for a killed run), if it has one. */
async function recordedStatus(runDir: string): Promise<string | undefined> {
  const text = await readFile(join(runDir, 'run.json'), 'utf8').catch(() => undefined);
  try {
    const status = (JSON.parse(text ?? '{}') as { status?: unknown }).status;
    return typeof status === 'string' ? status : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the insight rules, applied to the run's store as the comparisons apply them, find its numbers untrustworthy. */
async function untrustworthyRun(runDir: string): Promise<boolean> {
  const { ResultsDb, computeInsights, isUntrustworthy } = await import('@jlt/reporters');
  const db = await ResultsDb.open(runDir).catch(() => undefined);
  if (!db) return false;
  try {
    return isUntrustworthy(await computeInsights(db));
  } finally {
    await db.close();
  }
}
