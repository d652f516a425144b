import fc from 'fast-check';
import { stringify } from 'yaml';
import { mutatedText } from './property.js';

/*
 * Generators of hostile scenario YAML for property tests of the loader (and, through `jlt validate`,
 * the CLI): mutants of real scenarios and whole generated documents with aliases, deep nesting, huge
 * numbers, unicode and binary. The loader must answer each with a valid scenario or `FILE:LINE:`.
 */

const HUGE_NUMBERS = [
  '1e999',
  '-1e999',
  '.inf',
  '-.inf',
  '.nan',
  '-0',
  '0x7fffffffffffffffffffffffffffffff',
  '0o777777777777777777777777',
  '9007199254740993',
  '1e308',
  '4.9e-324',
  '9'.repeat(400),
  `${'9'.repeat(40)}h`,
  '1_000_000',
];

const UNICODE = ['ß', 'ǅ', '😀', '👩‍👩‍👧', '\u200b', '\u2028', '\u202e', 'é', '\uFEFF', '\uFFFD', '\uD800', '\uDFFF', '名前'];

/** What is meaningful in YAML and in jlt scenarios: indicators, anchors and aliases, tags, scalars. */
export const yamlTokenArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('&a ', '&b ', '*a', '*b', '*missing', '<<: *a\n', '&a [*a]', '&b {x: *b}') },
  { weight: 4, arbitrary: fc.constantFrom(': ', '- ', '[', ']', '{', '}', ',', '? ', '|\n', '>-\n', "'", '"', '\t', '\n', '  ', '# ', '\\', '%', '@', '`') },
  { weight: 2, arbitrary: fc.constantFrom('%YAML 1.1\n---\n', '---\n', '...\n', '%TAG ! tag:x,2000:\n---\n') },
  { weight: 2, arbitrary: fc.constantFrom('!!binary ', '!!set ', '!!map ', '!!seq ', '!!str ', '!!int ', '!!float ', '!!timestamp ', '!custom ', '!<tag:x> ') },
  { weight: 3, arbitrary: fc.constantFrom(...HUGE_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE, '\u0000', '\u0007', '\r', '\r\n') },
  { weight: 2, arbitrary: fc.constantFrom('null', '~', 'true', 'no', 'on', '0', '-1', '3.5', '""', '[]', '{}') },
  { weight: 2, arbitrary: fc.constantFrom('name', 'target', 'kind', 'testbed', 'jitsi', 'page', 'conferences', 'duration', 'thresholds', 'outputs', 'media', 'video') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 6 }) },
);

/** A real scenario with one to four mutations. */
export function mutatedScenarioArbitrary(text: string): fc.Arbitrary<string> {
  return mutatedText(text, yamlTokenArbitrary);
}

/** "Billion laughs": `levels` anchors, each a list of `fanout` aliases of the one before. */
export function aliasBombYaml(levels: number, fanout: number): string {
  const lines = [`l0: &l0 [${Array(fanout).fill('lol').join(', ')}]`];
  for (let n = 1; n <= levels; n++) lines.push(`l${n}: &l${n} [${Array(fanout).fill(`*l${n - 1}`).join(', ')}]`);
  return `${lines.join('\n')}\n`;
}

/** A value nested `depth` levels deep, in flow (`[[[…]]]`, `{a: {a: …}}`) or block style. */
export function deeplyNestedYaml(depth: number, style: 'flow-seq' | 'flow-map' | 'block-map' | 'block-seq'): string {
  switch (style) {
    case 'flow-seq':
      return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
    case 'flow-map':
      return `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}`;
    case 'block-map':
      return `\n${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}a:`).join('\n')} 1`;
    case 'block-seq':
      return `\n${Array.from({ length: depth }, (_, i) => `${'  '.repeat(i + 1)}-`).join('\n')} 1`;
  }
}

const scalarArbitrary: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...UNICODE),
  fc.integer(),
  fc.double(),
  fc.bigInt({ min: -(10n ** 40n), max: 10n ** 40n }),
  fc.boolean(),
  fc.constant(null),
  fc.uint8Array({ maxLength: 24 }),
);

/** Trees of maps, lists and scalars; `stringify` writes a value used twice as an anchor and an alias. */
const treeArbitrary: fc.Arbitrary<unknown> = fc.letrec<{ tree: unknown }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalarArbitrary,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 8 }), tie('tree'), { maxKeys: 4 }),
  ),
})).tree;

const SCENARIO_KEYS = [
  'name',
  'description',
  'target',
  'executor',
  'conferences',
  'participantsPerConference',
  'senders',
  'media',
  'rampUp',
  'duration',
  'thresholds',
  'outputs',
  'collect',
  'placement',
  'join',
  'stats',
  'bots',
];

/** Scenario-shaped documents: real top-level keys with arbitrary values, some shared (→ aliases). */
const scenarioShapedArbitrary: fc.Arbitrary<string> = fc
  .tuple(fc.dictionary(fc.constantFrom(...SCENARIO_KEYS), treeArbitrary, { minKeys: 1, maxKeys: 8 }), treeArbitrary, fc.nat())
  .map(([doc, shared, n]) => {
    const keys = Object.keys(doc);
    // The same object under two keys: stringify anchors the first and aliases the second.
    if (keys.length >= 2 && typeof shared === 'object' && shared !== null) {
      doc[keys[n % keys.length]!] = shared;
      doc[keys[(n + 1) % keys.length]!] = shared;
    }
    return stringify(doc, { aliasDuplicateObjects: true });
  });

/**
 * Whole generated documents: token soup, scenario-shaped trees with shared values, alias bombs and
 * deep nesting placed under a real scenario key, and a scenario with a huge number in a numeric field.
 */
export const generatedScenarioYamlArbitrary: fc.Arbitrary<string> = fc.oneof(
  fc.array(yamlTokenArbitrary, { maxLength: 40 }).map((tokens) => tokens.join('')),
  scenarioShapedArbitrary,
  fc
    .record({ levels: fc.integer({ min: 1, max: 9 }), fanout: fc.integer({ min: 2, max: 10 }), key: fc.constantFrom(...SCENARIO_KEYS) })
    .map(({ levels, fanout, key }) => `name: bomb\n${aliasBombYaml(levels, fanout)}${key}: *l${levels}\n`),
  // Block nesting costs depth² characters of indentation, so it goes less deep than flow nesting.
  fc
    .record({ depth: fc.integer({ min: 1, max: 3_000 }), style: fc.constantFrom('flow-seq' as const, 'flow-map' as const), key: fc.constantFrom(...SCENARIO_KEYS) })
    .map(({ depth, style, key }) => `name: deep\n${key}: ${deeplyNestedYaml(depth, style)}\n`),
  fc
    .record({ depth: fc.integer({ min: 1, max: 200 }), style: fc.constantFrom('block-map' as const, 'block-seq' as const), key: fc.constantFrom(...SCENARIO_KEYS) })
    .map(({ depth, style, key }) => `name: deep\n${key}: ${deeplyNestedYaml(depth, style)}\n`),
  fc.record({ field: fc.constantFrom('conferences', 'participantsPerConference', 'senders', 'duration'), value: fc.constantFrom(...HUGE_NUMBERS) }).map(({ field, value }) => {
    const fields = { conferences: '1', participantsPerConference: '2', senders: 'all', duration: '5s', [field]: value };
    return `name: huge\ntarget: { kind: testbed }\n${Object.entries(fields).map(([key, text]) => `${key}: ${text}\n`).join('')}`;
  }),
);

/** Raw bytes, as a file of random binary would be read (UTF-8 with replacement characters). */
export const binaryScenarioArbitrary: fc.Arbitrary<Uint8Array> = fc.uint8Array({ minLength: 1, maxLength: 400 });
