import { JltError } from '@jlt/core';

/*
 * Prometheus text exposition format 0.0.4, as served by JVB's native `/metrics`
 * (`text/plain; version=0.0.4`) and the systemli exporter. Grouping follows the Prometheus parser:
 * `# HELP`/`# TYPE` open a family; a sample belongs to the family of its name (for histograms and
 * summaries also `<name>_bucket|_sum|_count`); a sample whose name matches no declared family opens an
 * `untyped` family of its own (the exporter's `jitsi_endpoint_sending_video` HELP/TYPE is followed by a
 * `jitsi_endpoints_sending_video` sample: two families, the first without samples).
 */

export type MetricFamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  /** May be NaN or ±Infinity (`NaN`, `+Inf`, `-Inf`). */
  value: number;
  timestampMs?: number;
}

export interface MetricFamily {
  name: string;
  type: MetricFamilyType;
  help?: string;
  samples: PromSample[];
}

export interface ParsePrometheusOptions {
  /** Names the text's origin (a URL or file) in errors. */
  source?: string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^-?\d+$/;

/**
 * Parses a whole exposition into families in order of first appearance. Any malformed line throws a
 * `JltError` `PROTOCOL_ERROR` naming the source and the 1-based line number.
 */
export function parsePrometheusText(text: string, options: ParsePrometheusOptions = {}): MetricFamily[] {
  const families = new Map<string, MetricFamily>();
  const declaredType = new Set<string>();
  const declaredHelp = new Set<string>();
  let current: MetricFamily | undefined;

  const lines = text.split('\n');
  lines.forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const fail = (message: string): never => {
      const where = options.source ? `${options.source}:${lineNumber}` : `line ${lineNumber}`;
      throw new JltError('PROTOCOL_ERROR', `Prometheus text ${where}: ${message}: ${JSON.stringify(rawLine.slice(0, 200))}`, {
        hint: 'The endpoint does not serve Prometheus text format 0.0.4; check the URL and the Accept header.',
      });
    };
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const trimmed = line.trimStart();
    if (trimmed === '') return;

    if (trimmed.startsWith('#')) {
      const comment = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(trimmed);
      if (!comment) return;
      const [, keyword, name = '', rest = ''] = comment;
      if (!METRIC_NAME.test(name) || METRIC_NAME.exec(name)?.[0] !== name) fail(`invalid metric name "${name}" in ${keyword}`);
      const family = families.get(name) ?? { name, type: 'untyped', samples: [] };
      if (keyword === 'HELP') {
        if (declaredHelp.has(name)) fail(`second HELP line for "${name}"`);
        declaredHelp.add(name);
        family.help = unescapeHelp(rest);
      } else {
        const type = rest.trim();
        if (!TYPES.has(type)) fail(`unknown metric type "${type}"`);
        if (declaredType.has(name)) fail(`second TYPE line for "${name}"`);
        if (family.samples.length > 0) fail(`TYPE for "${name}" after its samples`);
        declaredType.add(name);
        family.type = type as MetricFamilyType;
      }
      families.set(name, family);
      current = family;
      return;
    }

    const sample = parseSampleLine(trimmed, fail);
    const familyName = current && belongsTo(sample.name, current) ? current.name : sample.name;
    let family = families.get(familyName);
    if (!family) {
      family = { name: familyName, type: 'untyped', samples: [] };
      families.set(familyName, family);
    }
    family.samples.push(sample);
    current = family;
  });
  return [...families.values()];
}

function belongsTo(sampleName: string, family: MetricFamily): boolean {
  if (sampleName === family.name) return true;
  const suffixes = family.type === 'histogram' ? ['_bucket', '_sum', '_count'] : family.type === 'summary' ? ['_sum', '_count'] : [];
  return suffixes.some((suffix) => sampleName === family.name + suffix);
}

function parseSampleLine(line: string, fail: (message: string) => never): PromSample {
  const name = METRIC_NAME.exec(line)?.[0];
  if (!name) return fail('expected a metric name');
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};

  if (rest.trimStart().startsWith('{')) {
    rest = rest.trimStart().slice(1).trimStart();
    while (!rest.startsWith('}')) {
      const labelName = LABEL_NAME.exec(rest)?.[0];
      if (!labelName) return fail('expected a label name');
      if (Object.hasOwn(labels, labelName)) fail(`duplicate label "${labelName}"`);
      rest = rest.slice(labelName.length).trimStart();
      if (!rest.startsWith('=')) fail(`expected "=" after label "${labelName}"`);
      rest = rest.slice(1).trimStart();
      if (!rest.startsWith('"')) fail(`expected a quoted value for label "${labelName}"`);
      const { value, length } = readLabelValue(rest, fail);
      labels[labelName] = value;
      rest = rest.slice(length).trimStart();
      if (rest.startsWith(',')) rest = rest.slice(1).trimStart();
      else if (!rest.startsWith('}')) fail('expected "," or "}" after a label value');
    }
    rest = rest.slice(1);
  }

  if (!/^[ \t]/.test(rest)) fail('expected whitespace before the value');
  const fields = rest.trim().split(/[ \t]+/);
  if (fields.length > 2) fail('unexpected text after the timestamp');
  const [valueText = '', timestampText] = fields;
  const value = parseValue(valueText);
  if (value === undefined) fail(`invalid value "${valueText}"`);
  const sample: PromSample = { name, labels, value };
  if (timestampText !== undefined) {
    if (!INTEGER.test(timestampText)) fail(`invalid timestamp "${timestampText}"`);
    sample.timestampMs = Number(timestampText);
  }
  return sample;
}

function readLabelValue(text: string, fail: (message: string) => never): { value: string; length: number } {
  let value = '';
  for (let i = 1; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') return { value, length: i + 1 };
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === 'n') value += '\n';
      else if (next === '\\' || next === '"') value += next;
      else fail(`invalid escape "\\${next ?? ''}" in a label value`);
      i++;
    } else {
      value += ch;
    }
  }
  return fail('unterminated label value');
}

function unescapeHelp(text: string): string {
  return text.replace(/\\([\\n])/g, (_match, ch: string) => (ch === 'n' ? '\n' : '\\'));
}

/** A sample value as Go's `strconv.ParseFloat` reads it in this format: decimals, `NaN`, `±Inf`. */
function parseValue(text: string): number | undefined {
  if (FLOAT.test(text)) return Number(text);
  const lower = text.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  return undefined;
}

/** The first sample of the family `name` whose labels include `labels` (all samples match `{}`). */
export function findSample(families: readonly MetricFamily[], name: string, labels: Record<string, string> = {}): PromSample | undefined {
  for (const family of families) {
    for (const sample of family.samples) {
      if (sample.name !== name) continue;
      if (Object.entries(labels).every(([key, value]) => sample.labels[key] === value)) return sample;
    }
  }
  return undefined;
}
