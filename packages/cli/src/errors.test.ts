import { describe, expect, it } from 'vitest';
import { ConfigError, JltError } from '@jlt/core';
import { classifyError, formatError, UsageError } from './errors.js';

describe('errors at the boundary', () => {
  it.each([
    [new UsageError('--agents must be a positive whole number (got "0")'), 'input', 2, 'error: --agents must be a positive whole number (got "0")\nhint: run \'jlt --help\' or \'jlt COMMAND --help\' for usage\n'],
    [
      new ConfigError([{ file: 's.yaml', line: 3, path: 'conferences', message: 'must be a positive integer (got 0)' }], { hint: 'see jlt schema' }),
      'config',
      2,
      's.yaml:3: conferences: must be a positive integer (got 0)\nhint: see jlt schema\n',
    ],
    [new JltError('INVALID_ARGUMENT', 'cannot create the results directory /proc/x: ENOENT', { hint: 'choose a directory' }), 'input', 2, 'error: cannot create the results directory /proc/x: ENOENT\nhint: choose a directory\n'],
    [new JltError('TARGET_UNREACHABLE', 'target http://h/ is unreachable: ECONNREFUSED'), 'target-unreachable', 3, 'error: target http://h/ is unreachable: ECONNREFUSED\n'],
    [new JltError('AGENT_LOST', '0 of 1 agents connected within 60 s'), 'agent-lost', 4, 'error: 0 of 1 agents connected within 60 s\n'],
    [new JltError('INTERRUPTED', 'interrupted while starting the target', { hint: 'what was collected so far is in /r' }), 'interrupted', 130, 'interrupted while starting the target\nhint: what was collected so far is in /r\n'],
  ])('%s is %s, exit %i, printed without a stack', (error, errorClass, exitCode, text) => {
    const classified = classifyError(error);
    expect([classified.class, classified.exitCode, classified.stack]).toEqual([errorClass, exitCode, undefined]);
    expect(formatError(classified, { verbose: true })).toBe(text);
  });

  it('shows the stack of a true internal error only with --verbose, causes included', () => {
    const bug = new TypeError('cannot read properties of undefined', { cause: new Error('the root cause') });
    const classified = classifyError(bug);
    expect([classified.class, classified.exitCode]).toEqual(['internal', 1]);
    const quiet = formatError(classified, { verbose: false });
    expect(quiet).toBe('internal error: cannot read properties of undefined\nhint: this is a bug in jlt; run again with --verbose and report the stack trace\n');
    const verbose = formatError(classified, { verbose: true });
    expect(verbose).toMatch(/^internal error: cannot read properties of undefined\nhint: .*\nTypeError: cannot read properties of undefined\n {4}at /);
    expect(verbose).toContain('caused by: Error: the root cause');
  });
});
