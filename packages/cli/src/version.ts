import { createRequire } from 'node:module';

/** This jlt's version (the cli package's), recorded in runs and reports. */
export const JLT_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
