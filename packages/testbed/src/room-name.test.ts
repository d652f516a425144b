import { describe, expect, it } from 'vitest';
import { MAX_ROOM_NAME_LENGTH, sanitizeRoomName } from './room-name.js';

describe('sanitizeRoomName', () => {
  it.each([
    ['jlt-10x3-1', 'jlt-10x3-1'],
    ['MyRoom', 'myroom'],
    ['a%20b', 'a-b'],
    ['%E0%A4%A', 'e0-a4-a'],
    ['<script>', 'script'],
    ['..', undefined],
    ['%%%', undefined],
    ['', undefined],
  ])('%j → %j', (raw, expected) => {
    expect(sanitizeRoomName(raw)).toBe(expected);
  });

  it('caps the length', () => {
    expect(sanitizeRoomName('x'.repeat(500))).toHaveLength(MAX_ROOM_NAME_LENGTH);
  });
});
