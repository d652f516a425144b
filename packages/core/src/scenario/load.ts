import { readFile } from 'node:fs/promises';
import type * as z from 'zod';
import { ConfigError, JltError, type ConfigIssue } from '../errors.js';
import { DEFAULT_EXECUTOR, findExecutor, unknownExecutorMessage } from '../executors/registry.js';
import type { Plan } from '../executors/plan.js';
import type { ThresholdDefinition } from '../thresholds/types.js';
import { baseScenarioSchema } from './base-schema.js';
import { lineOf, scenarioErrorMap, toConfigIssues } from './issues.js';
import { SCENARIO_SCHEMAS, type Scenario } from './schema.js';
import { resolveTargetUrl } from './target.js';
import { parseScenarioYaml } from './yaml-document.js';
import { scenarioThresholds } from './thresholds.js';

export interface LoadScenarioOptions {
  /** Environment for `JLT_TARGET_URL`; the caller's (the CLI passes process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** `--target-url`: replaces target.url. */
  targetUrl?: string | undefined;
}

export interface LoadedScenario {
  file: string;
  /** Validated, defaults applied, durations in ms; target.url filled from --target-url/JLT_TARGET_URL when given. */
  scenario: Scenario;
  plan: Plan;
  thresholds: ThresholdDefinition[];
}

/** Reads, validates and plans one scenario file. Throws ConfigError (every problem at once) or JltError. */
export async function loadScenarioFile(path: string, options: LoadScenarioOptions = {}): Promise<LoadedScenario> {
  const text = await readInputFile(path, 'scenario', 'check the path; scenarios live in scenarios/*.yaml');
  return loadScenarioText(text, path, options);
}

/** Reads a scenario or study file; a missing or unreadable one is a JltError naming it. */
export async function readInputFile(path: string, noun: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      throw new JltError('FILE_NOT_FOUND', `${noun} file not found: ${path}`, { hint, cause: error });
    }
    throw new JltError('INVALID_ARGUMENT', `cannot read ${noun} file ${path}: ${(error as Error).message}`, { cause: error });
  }
}

/** Validates and plans scenario YAML; `fileName` is only used to locate problems (`file:line`). */
export function loadScenarioText(text: string, fileName: string, options: LoadScenarioOptions = {}): LoadedScenario {
  const { doc, lineCounter, value: raw } = parseScenarioYaml(text, fileName);
  const executorName = isRecord(raw) && raw.executor !== undefined ? raw.executor : DEFAULT_EXECUTOR;
  const issues: ConfigIssue[] = [];
  let schema: z.ZodType<Scenario> | undefined;
  if (typeof executorName === 'string' && findExecutor(executorName) === undefined) {
    issues.push({ file: fileName, line: lineOf(doc, lineCounter, ['executor']), path: 'executor', message: unknownExecutorMessage(executorName) });
  } else if (typeof executorName === 'string') {
    schema = SCENARIO_SCHEMAS[executorName as keyof typeof SCENARIO_SCHEMAS];
  } else {
    schema = SCENARIO_SCHEMAS[DEFAULT_EXECUTOR];
  }
  // Without a known executor its options are unknown, so only the common fields are checked.
  const checked = (schema ?? baseScenarioSchema.omit({ executor: true }).loose()).safeParse(raw, {
    error: scenarioErrorMap,
    reportInput: true,
  });
  if (!checked.success) issues.push(...toConfigIssues(checked.error.issues, fileName, doc, lineCounter));
  if (issues.length > 0 || !checked.success || schema === undefined) {
    throw new ConfigError(issues.sort((a, b) => a.line - b.line), {
      hint: 'see scenarios/schema.json or run `jlt schema` for every field and its allowed values',
    });
  }

  const scenario = withTargetUrl(checked.data as Scenario, options);
  const executor = findExecutor(scenario.executor);
  if (!executor) throw new JltError('INTERNAL', `executor ${scenario.executor} vanished from the registry`);
  return { file: fileName, scenario, plan: executor.plan(scenario), thresholds: scenarioThresholds(scenario) };
}

function withTargetUrl(scenario: Scenario, options: LoadScenarioOptions): Scenario {
  const env = options.env ?? {};
  const wantsOverride =
    options.targetUrl !== undefined || (scenario.target.kind === 'jitsi' && (env.JLT_TARGET_URL ?? '') !== '');
  if (!wantsOverride) return scenario;
  const url = resolveTargetUrl(scenario, { targetUrl: options.targetUrl, env });
  if (url === undefined || scenario.target.kind === 'testbed') return scenario;
  return { ...scenario, target: { ...scenario.target, url } };
}

export interface ScenarioFileResult {
  file: string;
  loaded?: LoadedScenario;
  /** Set when the file is invalid or unreadable; ConfigError for located problems. */
  error?: JltError;
}

/** Validates every file, collecting every problem instead of stopping at the first bad file. */
export async function validateScenarioFiles(
  paths: readonly string[],
  options: LoadScenarioOptions = {},
): Promise<ScenarioFileResult[]> {
  return Promise.all(
    paths.map(async (file) => {
      try {
        return { file, loaded: await loadScenarioFile(file, options) };
      } catch (error) {
        if (error instanceof JltError) return { file, error };
        throw error;
      }
    }),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
