import fc from 'fast-check';
import type { Sample } from '../metrics/sample.js';
import { botStates, encodeMessage, PROTOCOL_VERSION, type AgentMessage } from '../protocol.js';
import { mutatedText } from './property.js';

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

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A structural change at the `at`-th node (in depth-first order) of a decoded frame. */
type JsonMutation =
  | { op: 'replace'; at: number; value: unknown }
  | { op: 'delete'; at: number }
  | { op: 'oversize'; at: number; length: number }
  | { op: 'rekey'; at: number; length: number }
  | { op: 'nest'; at: number; depth: number }
  | { op: 'retype'; type: string };

const jsonMutationArbitrary: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ op: fc.constant('replace' as const), at: fc.nat(), value: fc.constantFrom(-1, 0.5, 2 ** 53, -(2 ** 60), 1e308, '', 'x', true, null, [], {}) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('oversize' as const), at: fc.nat(), length: fc.integer({ min: 1_000, max: 200_000 }) }),
  fc.record({ op: fc.constant('rekey' as const), at: fc.nat(), length: fc.integer({ min: 1_000, max: 50_000 }) }),
  fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 10, max: 2_000 }) }),
  fc.record({
    op: fc.constant('retype' as const),
    type: fc.oneof(fc.constantFrom('hello', 'samples', 'ack', 'assign', 'welcome', 'bogus', ''), fc.string({ maxLength: 5_000 })),
  }),
);

/** Applies one structural mutation; node 0 is the root, then every value below it, depth first. */
function mutateJson(root: Json, mutation: JsonMutation): unknown {
  if (mutation.op === 'retype') return typeof root === 'object' && root !== null && !Array.isArray(root) ? { ...root, type: mutation.type } : root;
  const slots: { parent: Json[] | { [key: string]: Json }; key: string | number }[] = [];
  const walk = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach((child, key) => {
        slots.push({ parent: node, key });
        walk(child);
      });
    } else if (typeof node === 'object' && node !== null) {
      for (const key of Object.keys(node)) {
        slots.push({ parent: node, key });
        walk(node[key]!);
      }
    }
  };
  walk(root);
  if (slots.length === 0) return root;
  const { parent, key } = slots[mutation.at % slots.length]!;
  const set = (value: unknown): void => void ((parent as Record<string | number, unknown>)[key] = value);
  switch (mutation.op) {
    case 'replace':
      set(mutation.value);
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 'oversize':
      set('x'.repeat(mutation.length));
      break;
    case 'rekey':
      // The value moves under a very long key: keys reach error paths, as values reach messages.
      if (Array.isArray(parent)) set({ ['k'.repeat(mutation.length)]: parent[key as number] });
      else {
        parent['k'.repeat(mutation.length)] = parent[key as string]!;
        delete parent[key as string];
      }
      break;
    case 'nest': {
      let value: unknown = 1;
      for (let i = 0; i < mutation.depth; i++) value = [value];
      set(value);
      break;
    }
  }
  return root;
}

const JSON_TOKENS = fc.constantFrom('{', '}', '[', ']', ',', ':', '"', '\\', 'null', 'true', '1e999', '-0', '0x10', 'NaN', '\u0000', '\uD800', ' ', '"type"', '"v"', '2', '"samples"');

/** Frames a misbehaving agent might send: mutants of valid messages, other JSON, text and bytes. */
export const hostileAgentFrameArbitrary: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  { weight: 4, arbitrary: fc.tuple(validAgentMessageArbitrary, fc.array(jsonMutationArbitrary, { minLength: 1, maxLength: 3 })).map(([message, mutations]) => JSON.stringify(mutations.reduce<unknown>((json, m) => mutateJson(json as Json, m), JSON.parse(encodeMessage(message)) as Json))) },
  { weight: 3, arbitrary: validAgentMessageArbitrary.chain((message) => mutatedText(encodeMessage(message), JSON_TOKENS, 3)) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
);
