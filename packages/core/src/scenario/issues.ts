import type * as z from 'zod';
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node, type Pair } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';

type PathSegment = PropertyKey;

/**
 * The parse-time error map: zod's defaults rephrased as `must be …`/`is required`, naming allowed
 * values. Field schemas with their own `error` win over this.
 */
export const scenarioErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? `is required (${withArticle(issue.expected)})`
        : `must be ${withArticle(issue.expected)}`;
    case 'too_small':
    case 'too_big':
      return sizeMessage(issue);
    case 'invalid_value':
      return issue.values.length === 1
        ? `must be ${show(issue.values[0])}`
        : `must be one of: ${issue.values.map((v) => (typeof v === 'string' ? v : show(v))).join(', ')}`;
    case 'unrecognized_keys':
      return unknownKeysMessage('key', issue.keys, allowedKeys(issue.inst));
    case 'invalid_format':
      return `must be a valid ${issue.format}`;
    case 'invalid_union':
      return issue.input === undefined ? 'is required' : `must be ${unionAlternatives(issue.errors)}`;
    default:
      return undefined;
  }
};

/** `unknown key "a"; allowed: b, c` — one wording for every strict object and registry. */
export function unknownKeysMessage(noun: string, keys: readonly string[], allowed: readonly string[]): string {
  return `unknown ${noun} ${quotedList(keys)}; ${noun === 'key' ? 'allowed' : 'available'}: ${allowed.join(', ')}`;
}

function quotedList(keys: readonly string[]): string {
  return keys.map(quoted).join(', ');
}

/**
 * A value from the user's file, quoted for a message: JSON escapes C0 controls and quotes, and DEL
 * and the C1 controls (U+0080-U+009F, which terminals may take for escape sequences) are escaped too.
 */
export function quoted(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function allowedKeys(inst: unknown): string[] {
  const shape = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def?.shape;
  return shape ? Object.keys(shape).sort() : [];
}

function withArticle(expected: string): string {
  const words: Record<string, string> = {
    int: 'an integer',
    number: 'a number',
    string: 'a string',
    boolean: 'true or false',
    object: 'a mapping (key: value)',
    array: 'a list',
    record: 'a mapping (key: value)',
  };
  return words[expected] ?? `a ${expected}`;
}

function sizeMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig>): string {
  const small = issue.code === 'too_small';
  const bound = small ? (issue as z.core.$ZodIssueTooSmall).minimum : (issue as z.core.$ZodIssueTooBig).maximum;
  const inclusive = issue.inclusive !== false;
  const relation = small ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `must have ${small ? 'at least' : 'at most'} ${bound} item${Number(bound) === 1 ? '' : 's'}`;
    case 'string':
      return Number(bound) === 1 && small ? 'must not be empty' : `must be ${small ? 'at least' : 'at most'} ${bound} characters`;
    default:
      return `must be ${relation} ${String(bound)}`;
  }
}

function unionAlternatives(branches: readonly (readonly z.core.$ZodIssue[])[]): string {
  const expected = new Set<string>();
  for (const branch of branches) {
    for (const issue of branch) {
      if (issue.path.length !== 0) continue;
      if (issue.code === 'invalid_type') expected.add(withArticle(issue.expected));
      if (issue.code === 'invalid_value') issue.values.forEach((v) => expected.add(show(v)));
    }
  }
  return expected.size > 0 ? [...expected].join(' or ') : 'one of the allowed forms';
}

function show(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return quoted(value);
  return String(value);
}

/**
 * Unions report the branch that came closest: when some branch accepted the value's type, descend
 * into the one with the fewest problems so the user sees `video.width: must be …` rather than
 * `video: must be …`.
 */
function flatten(issue: z.core.$ZodIssue): z.core.$ZodIssue[] {
  if (issue.code === 'invalid_key') return issue.issues.map((inner) => ({ ...inner, path: issue.path }));
  if (issue.code !== 'invalid_union') return [issue];
  if (issue.discriminator !== undefined && issue.errors.length === 0) {
    const options = ('options' in issue ? (issue.options ?? []) : []).map(String).join(', ');
    const given = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator];
    return [
      {
        ...issue,
        message: given === undefined ? `is required (one of: ${options})` : `must be one of: ${options}`,
        input: given,
      },
    ];
  }
  const typeMatched = issue.errors.filter(
    (branch) => !branch.some((i) => i.path.length === 0 && (i.code === 'invalid_type' || i.code === 'invalid_value')),
  );
  const closest = typeMatched.reduce<readonly z.core.$ZodIssue[] | undefined>(
    (best, branch) => (best === undefined || branch.length < best.length ? branch : best),
    undefined,
  );
  if (closest === undefined) return [issue];
  return closest.flatMap((inner) => flatten({ ...inner, path: [...issue.path, ...inner.path] }));
}

export function formatPath(path: readonly PathSegment[]): string {
  return path
    .map((segment, i) => {
      if (typeof segment === 'number') return `[${segment}]`;
      const text = String(segment);
      if (/^[A-Za-z_$][\w$-]*$/.test(text)) return i === 0 ? text : `.${text}`;
      return `[${quoted(text)}]`;
    })
    .join('');
}

function gotSuffix(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' || issue.code === 'unrecognized_keys' || issue.message.includes('(got ')) return '';
  const { input } = issue as { input?: unknown };
  if (input === undefined) return '';
  if (typeof input === 'number' || typeof input === 'boolean' || input === null) return ` (got ${String(input)})`;
  if (typeof input === 'string') return ` (got ${quoted(input.length > 60 ? `${input.slice(0, 57)}...` : input)})`;
  if (issue.code === 'invalid_type' || issue.code === 'invalid_union') return ` (got ${show(input)})`;
  return '';
}

/** Maps zod issues to ConfigIssues located at lines of the YAML document they came from. */
export function toConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  file: string,
  doc: Document,
  lineCounter: LineCounter,
): ConfigIssue[] {
  const located: ConfigIssue[] = [];
  for (const issue of issues.flatMap(flatten)) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const path = [...issue.path, key];
        const message =
          issue.keys.length === 1 ? issue.message : issue.message.replace(quotedList(issue.keys), quoted(key));
        located.push({ file, line: lineOf(doc, lineCounter, path), path: formatPath(path), message });
      }
      continue;
    }
    located.push({
      file,
      line: lineOf(doc, lineCounter, issue.path),
      path: formatPath(issue.path),
      message: issue.message + gotSuffix(issue),
    });
  }
  return located.sort((a, b) => a.line - b.line);
}

/**
 * The line of the node at `path`: for a mapping entry the line of its key (so `target:` rather than
 * the first line of its block), for a list item the item's line; for a path that does not exist
 * (a missing key) the line of the deepest part that does.
 */
export function lineOf(doc: Document, lineCounter: LineCounter, path: readonly PathSegment[]): number {
  let node: unknown = doc.contents;
  let offset = (doc.contents)?.range?.[0] ?? 0;
  for (const segment of path) {
    let next: Pair | Node | undefined;
    if (isMap(node)) {
      next = node.items.find((pair) => isPair(pair) && keyText(pair.key) === String(segment));
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment] as Node | undefined;
    }
    if (next === undefined) break;
    if (isPair(next)) {
      offset = (next.key as Node | null)?.range?.[0] ?? offset;
      node = next.value;
    } else {
      offset = next.range?.[0] ?? offset;
      node = next;
    }
  }
  return lineCounter.linePos(offset).line;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

export const YAML_SYNTAX_HINT = 'fix the YAML syntax first; indentation uses spaces, and `key: value` needs a space after the colon';

/** Every YAML syntax error of a document, located, as one ConfigError. */
export function yamlSyntaxError(doc: Document, lineCounter: LineCounter, file: string): ConfigError {
  return new ConfigError(
    doc.errors.map((error) => ({
      file,
      line: lineCounter.linePos(error.pos[0]).line,
      path: '',
      message: `YAML syntax error: ${error.message.split('\n')[0] ?? error.code}`,
    })),
    { hint: YAML_SYNTAX_HINT },
  );
}
