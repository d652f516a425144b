import fc from 'fast-check';
import type { Sample } from '../metrics/sample.js';
import { botStates, encodeMessage, PROTOCOL_VERSION, type AgentMessage } from '../protocol.js';
import { mutatedJson, mutatedText } from './property.js';

/*
 * Generators of coordinator-bound frames for property tests: valid agent messages of every type, and
 * hostile frames made from them (text and structural mutations, wrong types, oversized fields,
 * binary), the way a buggy or malicious agent would send them.
 */

/** Finite doubles without -0 (JSON writes -0 as 0, so it could not round-trip). */
const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x + 0);
const nonNegative = fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((x) => x + 0);
const count = fc.nat({ max: 1_000_000 });
const text = fc.string({ unit: 'grapheme', maxLength: 16 });
const nonEmpty = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 16 });
const tags = fc.dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 12 }), { maxKeys: 4 });

const sampleArbitrary: fc.Arbitrary<Sample> = fc.record(
  {
    metric: fc.string({ minLength: 1, maxLength: 30 }),
    value: finite,
    time: finite,
    tags,
    meta: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), finite), { maxKeys: 3 }),
  },
  { requiredKeys: ['metric', 'value', 'time', 'tags'] },
);

const runEventArbitrary = fc.record(
  {
    time: finite,
    kind: nonEmpty,
    level: fc.constantFrom('info' as const, 'warn' as const, 'error' as const),
    message: text,
    tags,
    meta: fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string({ maxLength: 8 }), finite, fc.boolean(), fc.constant(null)), { maxKeys: 3 }),
  },
  { requiredKeys: ['time', 'kind', 'level', 'message'] },
);

const envelope = { v: fc.constant(PROTOCOL_VERSION), seq: count, ts: finite };
const runId = nonEmpty;

/** Every agent message type, with valid values throughout (what the schema accepts). */
export const validAgentMessageArbitrary: fc.Arbitrary<AgentMessage> = fc.oneof(
  fc.record({
    ...envelope,
    type: fc.constant('hello' as const),
    token: text,
    name: nonEmpty,
    version: text,
    capacity: fc.record({ cores: fc.double({ min: 0.5, max: 512, noNaN: true }), memoryBytes: nonNegative, maxBots: fc.nat({ max: 1000 }) }),
  }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('time-request' as const), t0: finite }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('clock-report' as const), offsetMs: finite, rttMs: nonNegative, uncertaintyMs: nonNegative }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('ready' as const), runId }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('samples' as const), runId, samples: fc.array(sampleArbitrary, { maxLength: 8 }) }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('events' as const), runId, events: fc.array(runEventArbitrary, { maxLength: 4 }) }),
  fc.record(
    { ...envelope, agentId: nonEmpty, type: fc.constant('bot-state' as const), runId, botId: nonEmpty, state: fc.constantFrom(...botStates), reason: text, bridge: text },
    { requiredKeys: ['v', 'seq', 'ts', 'agentId', 'type', 'runId', 'botId', 'state'] },
  ),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('heartbeat' as const), runId, activeBots: fc.nat({ max: 1000 }) }, { requiredKeys: ['v', 'seq', 'ts', 'agentId', 'type', 'activeBots'] }),
  fc.record({ ...envelope, agentId: nonEmpty, type: fc.constant('done' as const), runId }),
);

/** Types of either side, an unknown one, and very long ones (which a rejection must not repeat whole). */
const MESSAGE_TYPES = fc.oneof(fc.constantFrom('hello', 'samples', 'ack', 'assign', 'welcome', 'bogus', ''), fc.string({ maxLength: 5_000 }));

/** What is meaningful in JSON text, for character-level mutants. */
export const JSON_TOKENS = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '1e999', '-0', '0x10', 'NaN', '\u0000', '\uD800', ' ', '"type"', '"v"', '2', '"samples"');

/** Frames a misbehaving agent might send: mutants of valid messages, other JSON, text and bytes. */
export const hostileAgentFrameArbitrary: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  {
    weight: 4,
    arbitrary: validAgentMessageArbitrary.chain((message) =>
      mutatedJson(JSON.parse(encodeMessage(message)), { rootKey: fc.tuple(fc.constant('type'), MESSAGE_TYPES) }).map((json) => JSON.stringify(json)),
    ),
  },
  { weight: 3, arbitrary: validAgentMessageArbitrary.chain((message) => mutatedText(encodeMessage(message), JSON_TOKENS, 3)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);
