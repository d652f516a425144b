import fc from 'fast-check';

/**
 * How a property test runs: a fixed seed and a fixed number of cases, so CI tests the same cases on a
 * fast machine and a loaded one. `timeLimitMs` only guards against a hang: a run it cuts short fails.
 */
export interface PropertyBudget {
  seed: number;
  numRuns: number;
  timeLimitMs: number;
}

function verdict(details: fc.RunDetails<unknown>, budget: PropertyBudget): void {
  if (details.failed) {
    const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(`${fc.defaultReportMessage(details) ?? 'property failed'}\nGot: ${cause.slice(0, 2_000)}`);
  }
  if (details.numRuns < budget.numRuns) {
    throw new Error(`property ran only ${details.numRuns} of ${budget.numRuns} cases before its ${budget.timeLimitMs} ms hang guard`);
  }
}

function parameters(budget: PropertyBudget): fc.Parameters<unknown> {
  return { seed: budget.seed, numRuns: budget.numRuns, interruptAfterTimeLimit: budget.timeLimitMs, endOnFailure: true };
}

/**
 * Runs a synchronous property under a budget. Fails with fast-check's report (seed, path and the
 * shrunk counterexample, so `seed` + `path` replay it) or when the hang guard cut the run short.
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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A structural change at the `at`-th value below the root (depth first) or at a key of the root. */
type JsonMutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'oversize'; at: number; length: number }
  | { op: 'rekey'; at: number; length: number; breakValue: boolean }
  | { op: 'fan-out'; at: number; count: number }
  | { op: 'nest'; at: number; depth: number }
  | { op: 'set-root-key'; key: string; value: unknown };

function jsonMutationArbitrary(rootKey: fc.Arbitrary<[string, unknown]> | undefined): fc.Arbitrary<JsonMutation> {
  const at = fc.nat();
  const mutations: fc.Arbitrary<JsonMutation>[] = [
    fc.record({ op: fc.constant('replace' as const), at, value: fc.jsonValue({ maxDepth: 3 }) }),
    fc.record({ op: fc.constant('replace' as const), at, value: fc.constantFrom(-1, 0.5, 2 ** 53, -(2 ** 60), 1e308, '', 'x', true, null, [], {}) }),
    fc.record({ op: fc.constant('delete' as const), at }),
    fc.record({ op: fc.constant('oversize' as const), at, length: fc.integer({ min: 1_000, max: 200_000 }) }),
    fc.record({ op: fc.constant('rekey' as const), at, length: fc.integer({ min: 1_000, max: 50_000 }), breakValue: fc.boolean() }),
    fc.record({ op: fc.constant('fan-out' as const), at, count: fc.integer({ min: 50, max: 3_000 }) }),
    fc.record({ op: fc.constant('nest' as const), at, depth: fc.integer({ min: 10, max: 2_000 }) }),
  ];
  if (rootKey) mutations.push(rootKey.map(([key, value]) => ({ op: 'set-root-key' as const, key, value })));
  return fc.oneof(...mutations);
}

function applyJsonMutation(root: Json, mutation: JsonMutation): Json {
  if (mutation.op === 'set-root-key') {
    return typeof root === 'object' && root !== null && !Array.isArray(root) ? { ...root, [mutation.key]: mutation.value as Json } : root;
  }
  // Every slot in document order (depth first), walked without recursion: earlier `nest` mutations
  // leave thousands of levels, which a recursive walk overflowed the stack on.
  type Slot = { parent: Json[] | { [key: string]: Json }; key: string | number };
  const slots: Slot[] = [];
  const childSlots = (node: Json): Slot[] =>
    Array.isArray(node)
      ? node.map((_, key) => ({ parent: node, key }))
      : typeof node === 'object' && node !== null
        ? Object.keys(node).map((key) => ({ parent: node, key }))
        : [];
  const pending = childSlots(root).reverse();
  for (let slot = pending.pop(); slot !== undefined; slot = pending.pop()) {
    slots.push(slot);
    const child = (slot.parent as Record<string | number, Json>)[slot.key]!;
    pending.push(...childSlots(child).reverse());
  }
  if (slots.length === 0) return root;
  const { parent, key } = slots[mutation.at % slots.length]!;
  const set = (value: unknown): void => void ((parent as Record<string | number, unknown>)[key] = value);
  switch (mutation.op) {
    case 'replace':
      set(mutation.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'oversize':
      set('x'.repeat(mutation.length));
      break;
    case 'rekey': {
      // The value (or a number in its place) moves under a very long key: keys reach error paths.
      const value = mutation.breakValue ? 1 : Array.isArray(parent) ? parent[key as number]! : parent[key as string]!;
      if (Array.isArray(parent)) set({ ['k'.repeat(mutation.length)]: value });
      else {
        delete parent[key as string];
        parent['k'.repeat(mutation.length)] = value;
      }
      break;
    }
    case 'fan-out':
      // Thousands of entries where a few were: one problem repeated, as a schema error lists it.
      set(Object.fromEntries(Array.from({ length: mutation.count }, (_, i) => [`k${i}`, i])));
      break;
    case 'nest': {
      let value: unknown = 1;
      for (let i = 0; i < mutation.depth; i++) value = [value];
      set(value);
      break;
    }
  }
  return root;
}

/**
 * One to three structural mutations of a decoded JSON value (a payload, a message): a value replaced
 * by other JSON or by an edge value, deleted, made huge, moved under a huge key, fanned out into
 * thousands of entries, nested deeply, or a root key set from `rootKey`. The input is not modified.
 */
export function mutatedJson(json: unknown, options: { rootKey?: fc.Arbitrary<[string, unknown]> } = {}): fc.Arbitrary<unknown> {
  return fc
    .array(jsonMutationArbitrary(options.rootKey), { minLength: 1, maxLength: 3 })
    .map((mutations) => mutations.reduce(applyJsonMutation, structuredClone(json) as Json));
}
