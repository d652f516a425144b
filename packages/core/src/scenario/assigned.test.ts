import { describe, expect, it } from 'vitest';
import { JltError } from '../errors.js';
import { everyFieldHandled } from './assigned.js';

describe('everyFieldHandled', () => {
  it('passes when destructuring took every field', () => {
    const { a, ...rest } = { a: 1 };
    expect(a).toBe(1);
    expect(() => everyFieldHandled(rest, 'the test')).not.toThrow();
  });

  it('names a field that arrived although no consumer takes it', () => {
    const arrived = JSON.parse('{"a": 1, "newField": true}') as { a: number };
    const { a: _taken, ...rest } = arrived;
    expect(() => everyFieldHandled(rest, 'the test consumer')).toThrow(new JltError('INTERNAL', 'the test consumer does not handle "newField"'));
  });
});
