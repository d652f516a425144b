import { describe, expect, it } from 'vitest';
import { parseJvbDebug } from './debug.js';

describe('payload errors stay short whatever the payload', () => {
  it('lists five problems and counts the rest', () => {
    const conferences = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`c${i}`, i]));
    expect(() => parseJvbDebug({ conferences }, 'JVB /debug')).toThrow(
      /^JVB \/debug: unexpected payload: key "conferences\.c0": [^;]+; (key "conferences\.c\d": [^;]+; ){4}and 1995 more$/,
    );
  });

  it('cuts a long key', () => {
    let message = '';
    try {
      parseJvbDebug({ conferences: { ['k'.repeat(50_000)]: 5 } }, 'JVB /debug');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^JVB /debug: unexpected payload: key "conferences\\.${'k'.repeat(39)}…": `));
    expect(message.length).toBeLessThan(200);
  });
});
