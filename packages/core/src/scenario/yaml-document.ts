import { isAlias, LineCounter, parseDocument, visit, type Document, type Node } from 'yaml';
import { ConfigError, type ConfigIssue } from '../errors.js';
import { YAML_SYNTAX_HINT, yamlSyntaxError } from './issues.js';

/**
 * How many alias expansions a scenario may make (yaml's `maxAliasCount`: an alias counts once per
 * alias nested in what it expands to). Enough to share a block between a few places, far too few for
 * a "billion laughs" document that expands a few lines into gigabytes.
 */
export const MAX_ALIAS_EXPANSIONS = 100;

export interface ParsedYaml {
  doc: Document;
  lineCounter: LineCounter;
  /** The document as plain JavaScript values (aliases expanded). */
  value: unknown;
}

const ALIAS_HINT = 'define each anchor (&name) before the aliases (*name) that repeat it, outside the block it names';

/**
 * Parses scenario YAML into JavaScript values. Every problem the `yaml` package can report or throw
 * (syntax, an alias without its anchor, an alias inside the block it names, too many alias
 * expansions, anything else it raises while building values) comes back as a ConfigError located at
 * `file:line`; nothing else is thrown.
 */
export function parseScenarioYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined): number => lineCounter.linePos(offset ?? 0).line;
  let doc: Document;
  try {
    // logLevel 'error': yaml would print its warnings (e.g. a list used as a key) to the process' stderr.
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  } catch (error) {
    throw new ConfigError([{ file, line: 1, path: '', message: `YAML syntax error: ${firstLine(error)}` }], { hint: YAML_SYNTAX_HINT });
  }
  if (doc.errors.length > 0) throw yamlSyntaxError(doc, lineCounter, file);

  const aliasIssues = checkAliases(doc, file, at);
  if (aliasIssues.length > 0) throw new ConfigError(aliasIssues, { hint: ALIAS_HINT });

  try {
    return { doc, lineCounter, value: doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) };
  } catch (error) {
    const message = firstLine(error);
    if (/excessive alias count/i.test(message)) {
      throw new ConfigError(
        [
          {
            file,
            line: at(firstAlias(doc)?.range?.[0]),
            path: '',
            message: `YAML aliases expand to more than ${MAX_ALIAS_EXPANSIONS} copies (aliases of blocks that hold aliases multiply); write the repeated values out`,
          },
        ],
        { hint: ALIAS_HINT },
      );
    }
    throw new ConfigError([{ file, line: at(doc.contents?.range?.[0]), path: '', message: `YAML error: ${message}` }], { hint: YAML_SYNTAX_HINT });
  }
}

/**
 * Every alias must name an anchor set earlier in the document (YAML resolves it to the last such
 * anchor) that is not one of its own enclosing blocks: that would be a cycle, a value containing
 * itself, which no scenario field can hold and which JSON (the wire and the results) cannot encode.
 */
function checkAliases(doc: Document, file: string, at: (offset: number | undefined) => number): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const latestAnchor = new Map<string, unknown>();
  visit(doc, {
    Node(_key, node, path) {
      if (!isAlias(node)) {
        if (node.anchor !== undefined) latestAnchor.set(node.anchor, node);
        return;
      }
      const target = latestAnchor.get(node.source);
      const line = at(node.range?.[0]);
      if (target === undefined) {
        issues.push({ file, line, path: '', message: `YAML alias *${node.source} has no anchor &${node.source} before it` });
      } else if (path.includes(target as Node)) {
        issues.push({ file, line, path: '', message: `YAML alias *${node.source} is inside the block &${node.source} it repeats (a cycle)` });
      }
    },
  });
  return issues;
}

function firstAlias(doc: Document): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_key, node) {
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] || (error instanceof Error ? error.name : 'unknown error');
}
