import fc from 'fast-check';

/** How a property test runs: a fixed seed (reproducible in CI), a run count and a time box. */
export interface PropertyBudget {
  seed: number;
  numRuns: number;
  /** Stops generating after this long; the runs so far must then reach `minRuns`. */
  timeLimitMs: number;
  /** Fewer runs than this (the time box cut in too early) fails the test: it would have tested little. */
  minRuns: number;
}

function verdict(details: fc.RunDetails<unknown>, budget: PropertyBudget): void {
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\nGot: ${cause.slice(0, 2_000)}`);
  }
  if (details.numRuns < budget.minRuns) {
    throw new Error(`property ran only ${details.numRuns} of at least ${budget.minRuns} cases within ${budget.timeLimitMs} ms`);
  }
}

function parameters(budget: PropertyBudget): fc.Parameters<unknown> {
  return { seed: budget.seed, numRuns: budget.numRuns, interruptAfterTimeLimit: budget.timeLimitMs, endOnFailure: true };
}

/**
 * Runs a synchronous property under a budget. Fails with fast-check's report (seed, path and the
 * shrunk counterexample, so `seed` + `path` replay it) or when the time box left too few runs.
 */
export function checkProperty<T>(property: fc.IProperty<T>, budget: PropertyBudget): void {
  verdict(fc.check(property, parameters(budget) as fc.Parameters<T>) as fc.RunDetails<unknown>, budget);
}

/** `checkProperty` for async properties. */
export async function checkAsyncProperty<T>(property: fc.IAsyncProperty<T>, budget: PropertyBudget): Promise<void> {
  verdict((await fc.check(property, parameters(budget) as fc.Parameters<T>)) as fc.RunDetails<unknown>, budget);
}

/**
 * Character-level and line-level mutations of a text (a YAML scenario, a JSON payload, a Prometheus
 * exposition): insert one of `tokens`, delete a span, replace a span, replace a line's value (after
 * its first `: `, else after its last space), add a line, duplicate, move or re-indent a line.
 * `tokens` should hold what is meaningful to the format under test, so mutants reach past the first
 * syntax check.
 */
export type TextMutation =
  | { kind: 'insert'; at: number; token: string }
  | { kind: 'replace-value'; line: number; token: string }
  | { kind: 'insert-line'; line: number; token: string }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'replace'; at: number; length: number; token: string }
  | { kind: 'duplicate-line'; line: number }
  | { kind: 'move-line'; from: number; to: number }
  | { kind: 'indent-line'; line: number; by: number };

export function textMutationArbitrary(tokens: fc.Arbitrary<string>): fc.Arbitrary<TextMutation> {
  const at = fc.nat();
  return fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), at, token: tokens }),
    fc.record({ kind: fc.constant('replace-value' as const), line: fc.nat(), token: tokens }),
    fc.record({ kind: fc.constant('insert-line' as const), line: fc.nat(), token: tokens }),
    fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 40 }) }),
    fc.record({ kind: fc.constant('replace' as const), at, length: fc.integer({ min: 1, max: 12 }), token: tokens }),
    fc.record({ kind: fc.constant('duplicate-line' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('move-line' as const), from: fc.nat(), to: fc.nat() }),
    fc.record({ kind: fc.constant('indent-line' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  );
}

export function applyTextMutation(text: string, mutation: TextMutation): string {
  const lines = text.split('\n');
  const lineAt = (n: number): number => n % lines.length;
  switch (mutation.kind) {
    case 'insert': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + mutation.token + text.slice(at);
    }
    case 'replace-value': {
      const n = lineAt(mutation.line);
      const line = lines[n]!;
      const colon = line.indexOf(': ');
      const cut = colon >= 0 ? colon + 2 : line.lastIndexOf(' ') + 1;
      lines[n] = line.slice(0, cut) + mutation.token;
      return lines.join('\n');
    }
    case 'insert-line': {
      const n = lineAt(mutation.line);
      const indent = /^\s*/.exec(lines[n]!)?.[0] ?? '';
      lines.splice(n, 0, indent + mutation.token);
      return lines.join('\n');
    }
    case 'delete': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + text.slice(at + mutation.length);
    }
    case 'replace': {
      const at = mutation.at % (text.length + 1);
      return text.slice(0, at) + mutation.token + text.slice(at + mutation.length);
    }
    case 'duplicate-line': {
      const n = lineAt(mutation.line);
      lines.splice(n, 0, lines[n]!);
      return lines.join('\n');
    }
    case 'move-line': {
      const [moved] = lines.splice(lineAt(mutation.from), 1);
      lines.splice(mutation.to % (lines.length + 1), 0, moved!);
      return lines.join('\n');
    }
    case 'indent-line': {
      const n = lineAt(mutation.line);
      const line = lines[n]!;
      lines[n] = mutation.by >= 0 ? ' '.repeat(mutation.by) + line : line.replace(new RegExp(`^ {0,${-mutation.by}}`), '');
      return lines.join('\n');
    }
  }
}

/** One to `max` mutations applied in order. */
export function mutatedText(text: string, tokens: fc.Arbitrary<string>, max = 4): fc.Arbitrary<string> {
  return fc
    .array(textMutationArbitrary(tokens), { minLength: 1, maxLength: max })
    .map((mutations) => mutations.reduce(applyTextMutation, text));
}
