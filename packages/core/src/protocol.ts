import { z } from 'zod';
import type { PlannedBot } from './executors/plan.js';
import type { RunEvent, Sample } from './metrics/sample.js';
import { packSamples, unpackSamples } from './sample-batch.js';
import { assignedScenarioSchema } from './scenario/assigned.js';
import { BOT_MODES } from './scenario/base-schema.js';

/**
 * Coordinator ↔ agent messages. Every message is one JSON text frame: an envelope
 * `{ v, type, seq, ts, agentId? }` with the type's fields beside it. `seq` increases by one per
 * message from each sender (the receiver can detect loss and order; `ack` refers to it); `ts` is
 * the sender's clock in ms. Agents send `samples` (packed on the wire: see sample-batch.ts; since version 2)
 * with times already on the coordinator clock and
 * keep at most `DEFAULT_MAX_UNACKED_BATCHES` sample batches unacknowledged (credit-based
 * backpressure): the coordinator acks with `upToSeq` once a batch is ingested.
 *
 * Planned bots carry their mode (full or lite) since version 4.
 *
 * Order of a run: hello → welcome | refused; time-request ⇄ time-response (repeated), clock-report;
 * assign → ready (barrier) → start at an absolute coordinator time; samples/events/bot-state/
 * heartbeat flow up, ack/add-bots flow down; stop → done.
 */
export const PROTOCOL_VERSION = 4;

/**
 * The `refused` reason for an agent that connects while the coordinator's run is under way (an agent
 * serving run after run reconnects as soon as its run is done, while the coordinator may still be
 * finishing): not a fault, so the agent tries again later instead of giving up.
 */
export const REFUSAL_RUN_STARTED = 'the run has already started';

/** Sample batches an agent may have in flight before it waits for an `ack`. */
export const DEFAULT_MAX_UNACKED_BATCHES = 4;

/** Largest frame a coordinator or agent accepts unless configured otherwise. */
export const DEFAULT_MAX_MESSAGE_BYTES = 8 * 1024 * 1024;

const tagsSchema = z.record(z.string(), z.string());

export const sampleSchema = z.object({
  metric: z.string().min(1).max(200),
  value: z.number(),
  time: z.number(),
  tags: tagsSchema,
  meta: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
}) satisfies z.ZodType<Sample>;

export const runEventSchema = z.object({
  time: z.number(),
  kind: z.string().min(1),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  tags: tagsSchema.optional(),
  meta: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
}) satisfies z.ZodType<RunEvent>;

export const plannedBotSchema = z.object({
  id: z.string().min(1),
  index: z.number().int().nonnegative(),
  conference: z.string().min(1),
  conferenceIndex: z.number().int().nonnegative(),
  participantIndex: z.number().int().nonnegative(),
  role: z.enum(['sender', 'receiver']),
  mode: z.enum(BOT_MODES),
  startOffsetMs: z.number().nonnegative(),
}) satisfies z.ZodType<PlannedBot>;

export const botStates = ['launching', 'joining', 'joined', 'failed', 'left', 'crashed'] as const;
export type BotState = (typeof botStates)[number];

const envelopeSchema = z.object({
  v: z.literal(PROTOCOL_VERSION),
  seq: z.number().int().nonnegative(),
  ts: z.number(),
  agentId: z.string().min(1).optional(),
});

function message<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return envelopeSchema.extend({ type: z.literal(type) }).extend(shape);
}

const runId = z.string().min(1);

export const agentMessageSchema = z.discriminatedUnion('type', [
  message('hello', {
    token: z.string(),
    name: z.string().min(1),
    version: z.string(),
    capacity: z.object({
      cores: z.number().positive(),
      memoryBytes: z.number().nonnegative(),
      maxBots: z.number().int().nonnegative(),
    }),
  }),
  message('time-request', { t0: z.number() }),
  message('clock-report', { offsetMs: z.number(), rttMs: z.number().nonnegative(), uncertaintyMs: z.number().nonnegative() }),
  message('ready', { runId }),
  message('samples', { runId, samples: z.array(sampleSchema) }),
  message('events', { runId, events: z.array(runEventSchema) }),
  message('bot-state', {
    runId,
    botId: z.string().min(1),
    state: z.enum(botStates),
    reason: z.string().optional(),
    /** The bridge the bot's media goes through, once known. */
    bridge: z.string().optional(),
  }),
  message('heartbeat', { runId: runId.optional(), activeBots: z.number().int().nonnegative() }),
  message('done', { runId }),
]);

export const coordinatorMessageSchema = z.discriminatedUnion('type', [
  message('welcome', { agentId: z.string().min(1), runId: runId.optional() }),
  message('refused', { reason: z.string() }),
  message('time-response', { t0: z.number(), t1: z.number(), t2: z.number() }),
  message('assign', {
    runId,
    /** The agent's part of the validated scenario, by core's scenario schemas (target URL resolved). */
    scenario: assignedScenarioSchema,
    bots: z.array(plannedBotSchema),
  }),
  message('start', { runId, atMs: z.number() }),
  message('add-bots', { runId, bots: z.array(plannedBotSchema) }),
  message('stop', { runId, reason: z.string() }),
  message('ack', { upToSeq: z.number().int().nonnegative() }),
]);

export type AgentMessage = z.infer<typeof agentMessageSchema>;
export type CoordinatorMessage = z.infer<typeof coordinatorMessageSchema>;
export type ProtocolMessage = AgentMessage | CoordinatorMessage;
export type AgentMessageType = AgentMessage['type'];
export type CoordinatorMessageType = CoordinatorMessage['type'];

/** A message without its envelope fields, for `MessageStamper.stamp`. */
export type MessageBody<M extends ProtocolMessage> = M extends unknown ? Omit<M, 'v' | 'seq' | 'ts' | 'agentId'> : never;

/** One JSON text frame; a `samples` batch is packed on the way (see sample-batch.ts). */
export function encodeMessage(message: ProtocolMessage): string {
  if (message.type === 'samples') return JSON.stringify({ ...message, samples: packSamples(message.samples) });
  return JSON.stringify(message);
}

/**
 * Gives one sender's messages their envelope: the protocol version, the next `seq` (0, 1, 2, …), the
 * sender's clock and, once set, the agent id.
 */
export class MessageStamper<M extends ProtocolMessage> {
  private _seq = 0;

  constructor(
    private readonly _now: () => number,
    public agentId?: string,
  ) {}

  /** The `seq` the next stamped message gets. */
  get nextSeq(): number {
    return this._seq;
  }

  stamp<B extends MessageBody<M>>(body: B): Extract<M, { type: B['type'] }> {
    const stamped = { ...body, v: PROTOCOL_VERSION, seq: this._seq++, ts: this._now() };
    return (this.agentId === undefined ? stamped : { ...stamped, agentId: this.agentId }) as unknown as Extract<
      M,
      { type: B['type'] }
    >;
  }
}

export type DecodeErrorCode = 'too-large' | 'not-json' | 'not-an-object' | 'wrong-version' | 'unknown-type' | 'invalid';

export type DecodeResult<M> =
  | { ok: true; message: M }
  | {
      ok: false;
      error: {
        code: DecodeErrorCode;
        message: string;
        /** The message's type and seq when they could be read, so the rejection can name them. */
        type?: string;
        seq?: number;
      };
    };

export interface DecodeOptions {
  maxBytes?: number;
  /** Which side sent the message: only that side's types are accepted. */
  from: 'agent' | 'coordinator';
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Parses and validates one frame. Never throws: oversized, non-UTF-8, non-JSON, wrong-version,
 * unknown-type and schema-invalid frames come back as `{ ok: false, error }` with a reason that
 * names the offending field, so a receiver can log it and carry on.
 */
export function decodeMessage(data: string | Uint8Array, options: DecodeOptions & { from: 'agent' }): DecodeResult<AgentMessage>;
export function decodeMessage(
  data: string | Uint8Array,
  options: DecodeOptions & { from: 'coordinator' },
): DecodeResult<CoordinatorMessage>;
export function decodeMessage(data: string | Uint8Array, options: DecodeOptions): DecodeResult<ProtocolMessage>;
export function decodeMessage(data: string | Uint8Array, options: DecodeOptions): DecodeResult<ProtocolMessage> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const size = typeof data === 'string' ? byteLength(data, maxBytes) : data.byteLength;
  if (size > maxBytes) return failure('too-large', `message of ${size} bytes exceeds the limit of ${maxBytes} bytes`);
  let text: string;
  if (typeof data === 'string') text = data;
  else {
    try {
      text = utf8.decode(data);
    } catch {
      return failure('not-json', 'message is not valid UTF-8');
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return failure('not-json', `message is not JSON: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return failure('not-an-object', 'message is not a JSON object');
  const record = parsed as Record<string, unknown>;
  const type = typeof record.type === 'string' ? shorten(record.type) : undefined;
  const seq = typeof record.seq === 'number' ? record.seq : undefined;
  const where = { ...(type === undefined ? {} : { type }), ...(seq === undefined ? {} : { seq }) };
  if (record.v !== PROTOCOL_VERSION)
    return failure(
      'wrong-version',
      `protocol version ${shown(record.v)} is not supported; this side speaks version ${PROTOCOL_VERSION}`,
      where,
    );
  const schema = options.from === 'agent' ? agentMessageSchema : coordinatorMessageSchema;
  const known = options.from === 'agent' ? AGENT_MESSAGE_TYPES : COORDINATOR_MESSAGE_TYPES;
  if (type === undefined || !known.has(type))
    return failure(
      'unknown-type',
      `unknown ${options.from} message type ${shown(record.type)}; expected one of: ${[...known].join(', ')}`,
      where,
    );
  const result = type === 'samples' ? parseSamplesMessage(parsed) : schema.safeParse(parsed);
  if (!result.success) {
    const issues = result.error.issues
      .slice(0, 5)
      .map((issue) => `${issue.path.length > 0 ? issue.path.map((part) => shorten(String(part), 40)).join('.') : '(root)'}: ${issue.message}`);
    const more = result.error.issues.length > 5 ? `; and ${result.error.issues.length - 5} more` : '';
    return failure('invalid', `invalid ${type} message: ${issues.join('; ')}${more}`, where);
  }
  return { ok: true, message: result.data };
}

const samplesEnvelopeSchema = message('samples', { runId, samples: z.unknown() });

type SamplesMessage = Extract<AgentMessage, { type: 'samples' }>;
type ParseResult<T> =
  | { success: true; data: T }
  | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };

/**
 * The hot path: sample batches arrive at up to 100k samples/s and zod would cost several times the
 * JSON parse. `samples` travels packed (see sample-batch.ts) and is expanded here.
 */
function parseSamplesMessage(value: unknown): ParseResult<SamplesMessage> {
  const envelope = samplesEnvelopeSchema.safeParse(value);
  if (!envelope.success) return envelope;
  const samples = unpackSamples(envelope.data.samples);
  if (!Array.isArray(samples)) return { success: false, error: { issues: [{ path: ['samples', ...samples.path], message: samples.message }] } };
  return { success: true, data: { ...envelope.data, samples } };
}

const AGENT_MESSAGE_TYPES: ReadonlySet<string> = new Set(agentMessageSchema.options.map((o) => o.shape.type.value));
const COORDINATOR_MESSAGE_TYPES: ReadonlySet<string> = new Set(
  coordinatorMessageSchema.options.map((o) => o.shape.type.value),
);

/**
 * A value from a rejected message as it may appear in the reason: rejections are logged, stored as
 * events and sent back in refusals, so a peer's multi-megabyte field must not travel along.
 */
function shown(value: unknown): string {
  return shorten(JSON.stringify(value) ?? String(value));
}

function shorten(text: string, max = 60): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** UTF-8 length, counted only when the string could exceed `limit` (a UTF-16 unit is ≤ 3 bytes). */
function byteLength(text: string, limit: number): number {
  return text.length * 3 <= limit ? text.length : Buffer.byteLength(text, 'utf8');
}

function failure(
  code: DecodeErrorCode,
  message: string,
  where: { type?: string; seq?: number } = {},
): { ok: false; error: { code: DecodeErrorCode; message: string; type?: string; seq?: number } } {
  return { ok: false, error: { code, message, ...where } };
}
