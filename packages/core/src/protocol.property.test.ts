import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage, type DecodeErrorCode } from './protocol.js';
import { checkProperty, hostileAgentFrameArbitrary, validAgentMessageArbitrary } from './test-support/index.js';

const CODES: ReadonlySet<DecodeErrorCode> = new Set(['too-large', 'not-json', 'not-an-object', 'wrong-version', 'unknown-type', 'invalid']);

/** A rejection is logged, stored as an event and may be sent back as a refusal: it must stay short. */
const MAX_REASON_CHARS = 600;

describe('protocol decoder properties', () => {
  it('every valid agent message survives encode → decode unchanged', () => {
    checkProperty(
      fc.property(validAgentMessageArbitrary, (message) => {
        expect(decodeMessage(encodeMessage(message), { from: 'agent' })).toEqual({ ok: true, message });
      }),
      { seed: 13_201, numRuns: 200, timeLimitMs: 10_000 },
    );
  });

  it('a hostile frame is rejected with a short reason, or is a valid message: decodeMessage never throws', () => {
    checkProperty(
      fc.property(hostileAgentFrameArbitrary, (frame) => {
        const result = decodeMessage(frame, { from: 'agent', maxBytes: 64 * 1024 });
        if (result.ok) {
          // Whatever it accepted re-encodes to the same message: nothing half-validated gets through.
          expect(decodeMessage(encodeMessage(result.message), { from: 'agent' })).toEqual({ ok: true, message: result.message });
          return;
        }
        expect(CODES.has(result.error.code), result.error.code).toBe(true);
        expect(result.error.message.length).toBeGreaterThan(0);
        expect(result.error.message.length).toBeLessThanOrEqual(MAX_REASON_CHARS);
        expect((result.error.type ?? '').length).toBeLessThanOrEqual(MAX_REASON_CHARS);
      }),
      { seed: 13_202, numRuns: 400, timeLimitMs: 15_000 },
    );
  });
});
