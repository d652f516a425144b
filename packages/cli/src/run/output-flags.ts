import { UsageError } from '../errors.js';

/** One `--out` flag, as written: `junit`, `junit=ci/junit.xml`, `./my-output.mjs`, `./my-output.mjs=ARG`. */
export interface OutputRequest {
  /** A registry name, or a module path when `module` is set. */
  name: string;
  module: boolean;
  /** What followed `=`: the value of the output's `argument` option (`file` for json and junit). */
  argument?: string;
}

const MODULE_SPECIFIER = /\.(?:m|c)?js$/;
const OUTPUT_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * Reads `NAME[=ARG]` (k6's `--out`). Only the syntax is checked here; whether NAME is a known output
 * and takes an argument is up to the registry when the run starts.
 */
export function parseOutputFlag(spec: string): OutputRequest {
  const equals = spec.indexOf('=');
  const name = equals === -1 ? spec : spec.slice(0, equals);
  const argument = equals === -1 ? undefined : spec.slice(equals + 1);
  if (argument === '') throw new UsageError(`--out ${spec}: nothing after "="`, `write --out ${name}=VALUE, or --out ${name} for its default`);
  if (MODULE_SPECIFIER.test(name)) return { name, module: true, ...(argument === undefined ? {} : { argument }) };
  if (!OUTPUT_NAME.test(name)) {
    const looksLikeDirectory = name.includes('/') || name === '.' || name === '..';
    throw new UsageError(
      `--out expects an output, NAME[=ARG] such as junit=ci/junit.xml or ./my-output.mjs (got ${JSON.stringify(spec)})`,
      looksLikeDirectory ? 'the results directory is now --results DIR; --out chooses outputs, k6-style' : 'output names are lower-case words such as json, junit or html',
    );
  }
  return { name, module: false, ...(argument === undefined ? {} : { argument }) };
}
