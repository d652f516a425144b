import { describe, expect, it } from 'vitest';
import { MAX_SIGNALLING_MESSAGE_BYTES, parseClientMessage } from './signalling-messages.js';

describe('parseClientMessage', () => {
  it.each([
    ['{"type":"join","room":"r","displayName":"A","sendAudio":true,"sendVideo":false}', 'join'],
    ['{"type":"join","room":"r","sendAudio":false,"sendVideo":false,"region":"eu"}', 'join'],
    ['{"type":"answer","sdp":"v=0"}', 'answer'],
    ['{"type":"leave"}', 'leave'],
    ['{"type":"bridge-channel","message":{"colibriClass":"ReceiverVideoConstraints","lastN":-1,"constraints":{"a1b2c3d4-v0":{"maxHeight":180}}}}', 'bridge-channel'],
  ])('accepts %s', (raw, type) => {
    const result = parseClientMessage(raw);
    expect(result.ok && result.message.type).toBe(type);
  });

  it.each([
    ['not json', 'malformed-json'],
    ['[1,2]', 'invalid-message'],
    ['null', 'invalid-message'],
    ['{"type":"hello"}', 'unknown-type'],
    ['{"room":"r"}', 'unknown-type'],
    ['{"type":"join","room":"","sendAudio":true,"sendVideo":true}', 'invalid-message'],
    ['{"type":"join","room":"r","sendAudio":"yes","sendVideo":true}', 'invalid-message'],
    ['{"type":"join","room":"r","sendAudio":true,"sendVideo":true,"extra":1}', 'invalid-message'],
    ['{"type":"answer"}', 'invalid-message'],
    ['{"type":"bridge-channel","message":{"colibriClass":"EndpointMessage"}}', 'invalid-message'],
    ['{"type":"bridge-channel","message":{"colibriClass":"ReceiverVideoConstraints","constraints":{"a-v0":{"maxHeight":-2}}}}', 'invalid-message'],
    [JSON.stringify({ type: 'answer', sdp: 'x'.repeat(MAX_SIGNALLING_MESSAGE_BYTES + 1) }), 'invalid-message'],
  ])('rejects %.80s with %s', (raw, code) => {
    const result = parseClientMessage(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.code).toBe(code);
      expect(result.message.length).toBeGreaterThan(0);
    }
  });

  it('names the offending field', () => {
    const result = parseClientMessage('{"type":"join","room":"r","sendAudio":"yes","sendVideo":true}');
    expect(!result.ok && result.message).toMatch(/sendAudio/);
    const constraint = parseClientMessage('{"type":"bridge-channel","message":{"colibriClass":"ReceiverVideoConstraints","lastN":"all"}}');
    expect(!constraint.ok && constraint.message).toMatch(/message\.lastN/);
  });
});
