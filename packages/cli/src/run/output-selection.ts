import { JltError, loadOutputModule, scenarioOutputs, type Output, type OutputContext, type OutputRegistry, type Scenario } from '@jlt/core';
import type { OutputRequest } from './output-flags.js';

/** One output a run will create: a registered name and its raw options (validated at creation). */
export interface SelectedOutput {
  name: string;
  options: Record<string, unknown>;
  /** Where it was asked for, for messages. */
  from: 'default' | 'scenario' | '--out';
}

export interface OutputChoice {
  /** `--out` flags, in order; module paths are loaded and registered first. */
  requests: readonly OutputRequest[];
  scenario: Scenario;
  /**
   * Outputs every run writes unless named explicitly (DEFAULT_OUTPUTS). They are the tool's choice,
   * not the user's: one the registry does not hold is left out, not an error.
   */
  defaults: readonly string[];
  /** `--no-report` drops this one from the defaults. */
  withoutDefault?: string;
  cwd: string;
}

/**
 * Which outputs a run writes, k6-style: `--out NAME[=ARG]` flags, then the scenario's `outputs:`,
 * then the default outputs. A name given on the command line replaces the scenario's entries of
 * that name, and either replaces the default of that name (`--out junit=ci/junit.xml` writes one
 * JUnit file, there). Unknown names and arguments an output does not take are invalid input,
 * found before the run creates anything. `ARG` sets the option the output names as its
 * `argument` (`file` for json and junit), so outputs registered later work the same way.
 */
export async function selectOutputs(registry: OutputRegistry, choice: OutputChoice): Promise<SelectedOutput[]> {
  const fromFlags: SelectedOutput[] = [];
  for (const request of choice.requests) {
    let name = request.name;
    if (request.module) {
      const entry = await loadOutputModule(request.name, { cwd: choice.cwd });
      if (!registry.has(entry.name)) registry.register(entry);
      name = entry.name;
    }
    const entry = registry.get(name);
    let options: Record<string, unknown> = {};
    if (request.argument !== undefined) {
      if (entry.argument === undefined) {
        throw new JltError('INVALID_ARGUMENT', `output "${name}" takes no argument (got --out ${request.name}=${request.argument})`, {
          hint: `write --out ${request.name}; its options go into the scenario's outputs: [{ ${name}: { … } }]`,
        });
      }
      options = { [entry.argument]: request.argument };
    }
    fromFlags.push({ name, options, from: '--out' });
  }
  const flagged = new Set(fromFlags.map((o) => o.name));
  const fromScenario = scenarioOutputs(choice.scenario.outputs)
    .filter((o) => !flagged.has(o.name))
    .map((o): SelectedOutput => ({ name: o.name, options: o.options, from: 'scenario' }));
  const named = new Set([...flagged, ...fromScenario.map((o) => o.name)]);
  const defaults = choice.defaults
    .filter((name) => !named.has(name) && name !== choice.withoutDefault && registry.has(name))
    .map((name): SelectedOutput => ({ name, options: {}, from: 'default' }));
  const selected = [...defaults, ...fromScenario, ...fromFlags];
  for (const output of selected) {
    const parsed = registry.parseOptions(output.name, output.options);
    if (!parsed.ok) {
      const problems = parsed.issues.map((i) => `${i.path === '' ? '' : `${i.path}: `}${i.message}`).join('; ');
      throw new JltError('INVALID_ARGUMENT', `invalid options for output "${output.name}" (from ${output.from}): ${problems}`, { hint: registry.get(output.name).describe() });
    }
  }
  return selected;
}

/** Creates the selected outputs, in order. */
export async function createOutputs(registry: OutputRegistry, selected: readonly SelectedOutput[], context: OutputContext): Promise<Output[]> {
  const outputs: Output[] = [];
  for (const output of selected) outputs.push(await registry.create(output.name, output.options, context));
  return outputs;
}
