/**
 * The part of core that loads without zod and yaml (a few milliseconds instead of half a second on
 * a busy machine): errors and exit codes, the run context and logger, durations, secret redaction
 * and directory checks. The CLI's startup path imports only this, so `jlt --version` and input
 * errors answer before the scenario schema is built. Everything here is also exported by the index.
 */
export * from './errors.js';
export * from './context.js';
export * from './duration.js';
export * from './redact.js';
export * from './directories.js';
