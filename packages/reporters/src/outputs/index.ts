import { OutputRegistry } from '@jlt/core';
import { jsonOutput } from './json-output.js';
import { junitOutput } from './junit-output.js';

export { JsonOutput, jsonOutput } from './json-output.js';
export { JunitOutput, junitOutput, junitXml } from './junit-output.js';

/** A registry with every built-in output. */
export function builtinOutputRegistry(): OutputRegistry {
  return new OutputRegistry().register(jsonOutput).register(junitOutput);
}
