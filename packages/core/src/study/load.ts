import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type * as z from 'zod';
import { LineCounter, isMap, parseDocument, type Document } from 'yaml';
import { ConfigError, JltError, type ConfigIssue } from '../errors.js';
import { DEFAULT_EXECUTOR, findExecutor, unknownExecutorMessage, type ExecutorName } from '../executors/registry.js';
import { lineOf, scenarioErrorMap, toConfigIssues, yamlSyntaxError } from '../scenario/issues.js';
import { loadScenarioText, readInputFile, type LoadedScenario } from '../scenario/load.js';
import { SCENARIO_SCHEMAS, type Scenario } from '../scenario/schema.js';
import { DEPLOY_DEFAULTS, studySchema, type ScenarioOverrides, type Study, type StudyState } from './schema.js';

/**
 * Whether a file is a study (a top-level `states:` or `scenarios:`) rather than a scenario, so
 * `jlt validate` checks each file against its own schema. A file that cannot be read or parsed is
 * not a study: the scenario loader then reports why, with the line.
 */
export async function isStudyFile(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  const doc = parseDocument(text, { prettyErrors: false });
  return doc.errors.length === 0 && isMap(doc.contents) && (doc.contents.has('states') || doc.contents.has('scenarios'));
}

/** One run of a study: one scenario in one state. */
export interface StudyRun {
  /** 1-based position in the study's order: every scenario in the first state, then the next state. */
  index: number;
  scenario: string;
  state: StudyState;
  /** The scenario file as written in the study, resolved against the study file's directory. */
  scenarioFile: string;
  /** The scenario this run executes, as YAML: the file with the study's overrides and the
   * state's target; what the runner writes beside the run's results and runs. */
  scenarioText: string;
  loaded: LoadedScenario;
}

export interface LoadedStudy {
  file: string;
  study: Study;
  /** Scenario names in the study's order. */
  scenarios: string[];
  runs: StudyRun[];
}

/**
 * Reads and validates a study file and every scenario it names, in every state: all problems of
 * all files at once, each at its own `file:line` (an override's problem at the study's line).
 */
export async function loadStudyFile(path: string): Promise<LoadedStudy> {
  const text = await readInputFile(path, 'study', 'check the path of the study file');
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) throw yamlSyntaxError(doc, lineCounter, path);
  const checked = studySchema.safeParse(doc.toJS({ maxAliasCount: 100 }), { error: scenarioErrorMap, reportInput: true });
  if (!checked.success) {
    throw new ConfigError(toConfigIssues(checked.error.issues, path, doc, lineCounter), {
      hint: 'see scenarios/study.schema.json or run `jlt schema --study` for every field and its allowed values',
    });
  }
  const study = checked.data;
  const issues: ConfigIssue[] = [];
  const entries = await Promise.all(
    study.scenarios.map(async (entry, index) => {
      const { file, name, overrides } = typeof entry === 'string' ? { file: entry, name: undefined, overrides: undefined } : entry;
      const scenarioFile = resolve(dirname(path), file);
      const scenarioText = await readInputFile(scenarioFile, 'scenario', 'scenario paths are relative to the study file').catch((error: unknown) => {
        if (!(error instanceof JltError)) throw error;
        issues.push({ file: path, line: lineOf(doc, lineCounter, ['scenarios', index]), path: `scenarios[${index}]`, message: error.message });
        return undefined;
      });
      return { index, scenarioFile, scenarioText, name, overrides: overrides ?? {} };
    }),
  );
  const runs: StudyRun[] = [];
  const names = new Map<string, number>();
  for (const [stateIndex, state] of study.states.entries()) {
    for (const entry of entries) {
      if (entry.scenarioText === undefined) continue;
      const located = { study: path, doc, lineCounter, entry: entry.index, state: stateIndex };
      const derived = deriveScenario(entry.scenarioText, entry.scenarioFile, entry.overrides, state, located);
      if ('issues' in derived) {
        // The same scenario problem would repeat in every state: report it once.
        for (const issue of derived.issues) if (!issues.some((i) => sameIssue(i, issue))) issues.push(issue);
        continue;
      }
      const name = entry.name ?? derived.loaded.scenario.name;
      if (stateIndex === 0) {
        const earlier = names.get(name);
        if (earlier !== undefined) {
          issues.push({
            file: path,
            line: lineOf(doc, lineCounter, ['scenarios', entry.index]),
            path: `scenarios[${entry.index}]`,
            message: `scenario name "${name}" is used by scenarios[${earlier}] too; give one of them a name:`,
          });
        }
        names.set(name, entry.index);
      }
      runs.push({ index: runs.length + 1, scenario: name, state, scenarioFile: entry.scenarioFile, scenarioText: derived.text, loaded: derived.loaded });
    }
  }
  if (issues.length > 0) {
    throw new ConfigError(
      issues.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line),
      { hint: 'fix the study file and the scenario files it names; `jlt validate` checks scenario files alone' },
    );
  }
  return { file: path, study, scenarios: [...names.keys()], runs };
}

interface StudyLocation {
  study: string;
  doc: Document;
  lineCounter: LineCounter;
  /** Index of the scenario entry and of the state in the study file. */
  entry: number;
  state: number;
}

/**
 * The scenario of one run: the file's YAML with the overrides merged in (mappings key by key, other
 * values replace) and `target` replaced by the state's, checked by the scenario schema. Problems in
 * what the scenario file says are located there; problems in what the study set, in the study.
 */
function deriveScenario(
  text: string,
  file: string,
  overrides: ScenarioOverrides,
  state: StudyState,
  at: StudyLocation,
): { text: string; loaded: LoadedScenario } | { issues: ConfigIssue[] } {
  const lineCounter = new LineCounter();
  const original = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (original.errors.length > 0) return { issues: [...yamlSyntaxError(original, lineCounter, file).issues] };
  if (!isMap(original.contents)) {
    return { issues: [{ file, line: 1, path: '', message: 'must be a mapping (key: value) of scenario fields' }] };
  }
  const derived = original.clone();
  for (const [key, value] of Object.entries(overrides)) mergeInto(derived, [key], value);
  const scenarioTarget = (original.toJS({ maxAliasCount: 100 }) as Record<string, unknown>).target;
  derived.set('target', derived.createNode(stateTarget(state, scenarioTarget)));
  derived.commentBefore = ` Generated by jlt study from ${file}, state ${state.name}: edit the study file or the scenario, not this copy.`;

  const raw = derived.toJS({ maxAliasCount: 100 }) as Record<string, unknown>;
  const executor = raw.executor === undefined ? DEFAULT_EXECUTOR : typeof raw.executor === 'string' ? findExecutor(raw.executor)?.name : undefined;
  const schema: z.ZodType<Scenario> | undefined = executor === undefined ? undefined : SCENARIO_SCHEMAS[executor as ExecutorName];
  if (!schema) {
    return { issues: [{ file, line: lineOf(original, lineCounter, ['executor']), path: 'executor', message: unknownExecutorMessage(String(raw.executor)) }] };
  }
  const checked = schema.safeParse(raw, { error: scenarioErrorMap, reportInput: true });
  if (!checked.success) {
    const fromScenario: z.core.$ZodIssue[] = [];
    const fromStudy: z.core.$ZodIssue[] = [];
    for (const issue of checked.error.issues) {
      if (issue.path[0] === 'target') fromStudy.push({ ...issue, path: ['states', at.state, ...issue.path.slice(1)] });
      else if (setByOverride(overrides, issue.path)) fromStudy.push({ ...issue, path: ['scenarios', at.entry, 'overrides', ...issue.path] });
      else fromScenario.push(issue);
    }
    return {
      issues: [...toConfigIssues(fromScenario, file, original, lineCounter), ...toConfigIssues(fromStudy, at.study, at.doc, at.lineCounter)],
    };
  }
  const scenarioText = String(derived);
  return { text: scenarioText, loaded: loadScenarioText(scenarioText, `${basename(file)} in state ${state.name}`) };
}

function mergeInto(doc: Document, path: string[], value: unknown): void {
  const current = doc.getIn(path, true);
  if (isPlainObject(value) && isMap(current)) {
    for (const [key, inner] of Object.entries(value)) mergeInto(doc, [...path, key], inner);
  } else {
    doc.setIn(path, doc.createNode(value));
  }
}

/** True when the overrides set the value at `path` (or a value above it). */
function setByOverride(overrides: ScenarioOverrides, path: readonly PropertyKey[]): boolean {
  let node: unknown = overrides;
  for (const segment of path) {
    if (!isPlainObject(node) || !(String(segment) in node)) return false;
    node = node[String(segment)];
    if (!isPlainObject(node)) return true;
  }
  return true;
}

/** The target a state gives a scenario; a room prefix, URL-hash config (and a Jitsi target's own
 * settings) carry over from the scenario's target. */
function stateTarget(state: StudyState, scenarioTarget: unknown): Record<string, unknown> {
  const previous = isPlainObject(scenarioTarget) ? scenarioTarget : {};
  const roomPrefix = previous.roomPrefix === undefined ? {} : { roomPrefix: previous.roomPrefix };
  if ('testbed' in state) {
    const config = { ...(isPlainObject(previous.config) ? previous.config : {}), ...state.testbed.config };
    return { kind: 'testbed', ...state.testbed, ...roomPrefix, ...(Object.keys(config).length > 0 ? { config } : {}) };
  }
  const jitsi = previous.kind === 'jitsi' ? { ...previous } : {};
  delete jitsi.url;
  delete jitsi.bridges;
  if ('deploy' in state) {
    const { namespace, release } = { ...DEPLOY_DEFAULTS, ...definedOnly({ namespace: state.deploy.namespace, release: state.deploy.release }) };
    return { ...jitsi, kind: 'jitsi', url: state.deploy.publicUrl, bridges: { discover: 'kubernetes', namespace, release }, ...roomPrefix };
  }
  return { ...jitsi, kind: 'jitsi', url: state.url, ...(state.bridges ? { bridges: state.bridges } : {}), ...roomPrefix };
}

function definedOnly<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameIssue(a: ConfigIssue, b: ConfigIssue): boolean {
  return a.file === b.file && a.line === b.line && a.path === b.path && a.message === b.message;
}
